import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataDirArgument, prepareDataDir, resolveDataDir, STORE_FILE } from './data-dir';

const base = { cwd: '/work/here', home: '/home/op' };

describe('one data folder for Electron and browser mode', () => {
  it('defaults to <appData>/ca-desk on each platform', () => {
    expect(resolveDataDir({ ...base, argv: [], env: {}, platform: 'linux' })).toBe('/home/op/.config/ca-desk');
    expect(resolveDataDir({ ...base, argv: [], env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux' })).toBe('/xdg/ca-desk');
    expect(resolveDataDir({ ...base, argv: [], env: {}, platform: 'darwin' })).toBe('/home/op/Library/Application Support/ca-desk');
    expect(resolveDataDir({ ...base, argv: [], env: { APPDATA: '/appdata' }, platform: 'win32' })).toBe(path.join('/appdata', 'ca-desk'));
  });

  it('honours --data-dir before CA_DESK_USER_DATA, in both spellings, and resolves relative paths', () => {
    const env = { CA_DESK_USER_DATA: 'from-env' };
    expect(resolveDataDir({ ...base, argv: ['--data-dir', 'desk'], env })).toBe('/work/here/desk');
    expect(resolveDataDir({ ...base, argv: ['--data-dir=/abs/desk'], env })).toBe('/abs/desk');
    expect(resolveDataDir({ ...base, argv: [], env })).toBe('/work/here/from-env');
  });

  it('ignores an empty or dangling flag', () => {
    expect(dataDirArgument(['--data-dir'])).toBeUndefined();
    expect(dataDirArgument(['--data-dir='])).toBeUndefined();
    expect(resolveDataDir({ ...base, argv: ['--data-dir'], env: { CA_DESK_USER_DATA: '' }, platform: 'linux' })).toBe('/home/op/.config/ca-desk');
  });
});

describe('an upgrade finds the queue where an earlier version kept it', () => {
  const homes: string[] = [];
  afterEach(() => {
    for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
  });
  function home(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-home-'));
    homes.push(dir);
    return dir;
  }
  const storeIn = (dir: string, text = 'queue') => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, STORE_FILE), text);
  };

  it("moves Electron's old '<appData>/CA Desk' folder into place, with everything in it", () => {
    const h = home();
    const old = path.join(h, '.config', 'CA Desk');
    storeIn(old, 'old queue');
    writeFileSync(path.join(old, `${STORE_FILE}.marker`), 'marker');
    const { dir, movedFrom } = prepareDataDir({ argv: [], env: {}, cwd: h, home: h, platform: 'linux' });
    expect(movedFrom).toBe(old);
    expect(readFileSync(path.join(dir, STORE_FILE), 'utf8')).toBe('old queue');
    expect(existsSync(path.join(dir, `${STORE_FILE}.marker`))).toBe(true);
    expect(existsSync(old)).toBe(false);
  });

  it("moves browser mode's old ~/.config/ca-desk on macOS", () => {
    const h = home();
    storeIn(path.join(h, '.config', 'ca-desk'));
    const { dir, movedFrom } = prepareDataDir({ argv: [], env: {}, cwd: h, home: h, platform: 'darwin' });
    expect(movedFrom).toBe(path.join(h, '.config', 'ca-desk'));
    expect(dir).toBe(path.join(h, 'Library', 'Application Support', 'ca-desk'));
    expect(existsSync(path.join(dir, STORE_FILE))).toBe(true);
  });

  it('keeps the current folder when it has a store, and moves nothing when a folder was chosen', () => {
    const h = home();
    storeIn(path.join(h, '.config', 'ca-desk'), 'current');
    storeIn(path.join(h, '.config', 'CA Desk'), 'old');
    expect(prepareDataDir({ argv: [], env: {}, cwd: h, home: h, platform: 'linux' }).movedFrom).toBeNull();
    const chosen = prepareDataDir({ argv: ['--data-dir', 'elsewhere'], env: {}, cwd: h, home: h, platform: 'darwin' });
    expect(chosen).toEqual({ dir: path.join(h, 'elsewhere'), movedFrom: null });
    expect(existsSync(path.join(h, '.config', 'CA Desk', STORE_FILE))).toBe(true);
  });

  it('refuses to guess between two earlier stores, or to merge into a folder that is not empty', () => {
    const h = home();
    storeIn(path.join(h, '.config', 'ca-desk'));
    storeIn(path.join(h, 'Library', 'Application Support', 'CA Desk'));
    expect(() => prepareDataDir({ argv: [], env: {}, cwd: h, home: h, platform: 'darwin' })).toThrow(/Move the one to keep/);
    const h2 = home();
    storeIn(path.join(h2, '.config', 'CA Desk'));
    mkdirSync(path.join(h2, '.config', 'ca-desk'));
    writeFileSync(path.join(h2, '.config', 'ca-desk', 'other'), 'x');
    expect(() => prepareDataDir({ argv: [], env: {}, cwd: h2, home: h2, platform: 'linux' })).toThrow(/is not empty/);
  });
});
