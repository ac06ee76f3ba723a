import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDirArgument, resolveDataDir } from './data-dir';

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
