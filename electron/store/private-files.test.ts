import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startRuntime, STORE_FILE } from '../services/runtime';
import { inProcessHandle } from '../services/runtime-handle';
import { testRuntimeOptions } from '../services/testing/test-runtime';
import { openStore } from './store';
import { addProducts, makeTempDir, removeTempDir } from './testing/temp-store';
import { silentLogger } from '../logging/logger';

// Store, WAL and data folder are the operator's account's only, whatever the umask.

const mode = (f: string) => fs.statSync(f).mode & 0o777;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeTempDir(d);
});

describe('private files', () => {
  it('creates the store and its WAL 0600, under a permissive umask too, and tightens an older 0644 store', () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const file = path.join(dir, 'cadesk.db');
    const previous = process.umask(0o022);
    try {
      const store = openStore(file);
      expect(store.enqueue([addProducts({ serial_number: 'smrt-modes' })]).ok).toBe(true);
      expect(fs.existsSync(`${file}-wal`)).toBe(true);
      expect(mode(file)).toBe(0o600);
      expect(mode(`${file}-wal`)).toBe(0o600);
      store.close();

      fs.chmodSync(file, 0o644); // as an earlier version left it
      openStore(file).close();
      expect(mode(file)).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });

  it('keeps the data folder 0700, made by the runtime or left open by an earlier version', async () => {
    const parent = makeTempDir();
    dirs.push(parent);
    const dataDir = path.join(parent, 'desk');
    fs.mkdirSync(dataDir, { mode: 0o755 });
    fs.chmodSync(dataDir, 0o755);
    const runtime = await startRuntime({
      mode: 'browser',
      version: '0.0.0-test',
      dataDir,
      logger: silentLogger,
      headend: { seedSize: 'tiny' },
      sync: { idleMs: 100, statusPollMs: 200 },
    });
    try {
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(path.join(dataDir, STORE_FILE))).toBe(0o600);
    } finally {
      await runtime.close();
    }
  }, 30_000);

  it('leaves every file under the data folder 0600 and every folder 0700 after a run with a queued PIN (store, WAL, marker, backups, sandbox head-end)', async () => {
    const parent = makeTempDir();
    dirs.push(parent);
    const dataDir = path.join(parent, 'desk');
    const previous = process.umask(0o022);
    try {
      const started = await startRuntime(testRuntimeOptions(dataDir));
      const runtime = inProcessHandle(started);
      try {
        const queued = await runtime.dispatch('requests.enqueue', {
          requests: [{ provider: 'nagravision', method: 'set_pin_to_given_value', params: { subscription_identifier: { number: 'S60507' }, smartcard_identifier: { serial_number: 'smrt20000054' }, pin: '4711' } }],
        });
        expect(queued).toMatchObject({ ok: true, value: { results: [{ ok: true }] } });
        const id = (queued as { value: { results: { id: number }[] } }).value.results[0]!.id;
        // Sent and finished by the embedded sandbox, which writes its own database meanwhile.
        await expect.poll(async () => (await runtime.store.getRequest(id))?.local_state, { timeout: 20_000, interval: 100 }).toBe('COMPLETED');
        await started.store.backup();
      } finally {
        await runtime.close();
      }
    } finally {
      process.umask(previous);
    }
    const entries = (fs.readdirSync(dataDir, { recursive: true }) as string[]).map((f) => path.join(dataDir, f));
    const files = entries.filter((f) => fs.lstatSync(f).isFile());
    const folders = [dataDir, ...entries.filter((f) => fs.lstatSync(f).isDirectory())];
    // What the run wrote: the sandbox head-end's files and a backup among them.
    expect(files.some((f) => f.includes('sandbox-headend'))).toBe(true);
    expect(files.some((f) => f.includes('.backups'))).toBe(true);
    expect(files.filter((f) => mode(f) !== 0o600).map((f) => `${path.relative(dataDir, f)} ${mode(f).toString(8)}`)).toEqual([]);
    expect(folders.filter((f) => mode(f) !== 0o700).map((f) => `${path.relative(dataDir, f) || '.'} ${mode(f).toString(8)}`)).toEqual([]);
  }, 60_000);
});
