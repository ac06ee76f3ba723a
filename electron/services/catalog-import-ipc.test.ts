import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRuntime } from './runtime';
import { silentLogger } from '../logging/logger';
import { inProcessHandle } from './runtime-handle';

// The catalog import through the IPC contract, as the Bulk screen calls it:
// check (nothing written), import, then the picker's search finds the card
// with its CA id; bad input is refused by the contract.

describe('catalog import over IPC', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('checks, imports, and the catalog search then finds the imported card with its CA id', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-'));
    dirs.push(dir);
    const runtime = inProcessHandle(
      await startRuntime({
        mode: 'browser',
        version: '0.0.0-test',
        dataDir: dir,
        logger: silentLogger,
        passphrase: 'a desk passphrase',
        headend: { seedSize: 'tiny', processingDelayMs: 50, processingIntervalMs: 50 },
        sync: { idleMs: 100, statusPollMs: 200 },
      }),
    );
    try {
      const csv = 'id,serial_number,ca_id\nIMP-1,imported-card-1,777000001\n';
      const check = await runtime.dispatch('catalog.importCheck', { kind: 'smartcards', csv });
      expect(check).toMatchObject({ ok: true, value: { dryRun: true, valid: 1, imported: 0 } });
      const before = await runtime.dispatch('catalog.search', { kind: 'smartcards', text: 'imported-card' });
      expect(before).toMatchObject({ ok: true, value: { items: [] } });
      const done = await runtime.dispatch('catalog.import', { kind: 'smartcards', csv });
      expect(done).toMatchObject({ ok: true, value: { dryRun: false, imported: 1 } });
      const after = await runtime.dispatch('catalog.search', { kind: 'smartcards', text: 'imported-card' });
      expect(after).toMatchObject({ ok: true, value: { items: [expect.objectContaining({ ca_id: '777000001' })] } });
      const bad = await runtime.dispatch('catalog.import', { kind: 'cards', csv });
      expect(bad.ok).toBe(false);
    } finally {
      await runtime.close();
    }
  }, 30_000);
});
