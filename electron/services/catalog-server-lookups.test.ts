import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestRuntime } from './testing/test-runtime';
import type { CatalogItem } from '../../shared/ipc/app-schemas';
import { DEFAULT_CREDENTIALS } from '../sandbox/headend-options';
import { FIXTURE } from '../sandbox/seed-catalog';
import { startHeadend } from '../sandbox/start-headend';
import { DEFAULT_CONNECTIONS } from './settings-service';

// The pickers' search on a real CRM.COM V4 server (here the sandbox's
// /crmapi/rest/v2 profile, started apart on port 0, in remote mode: no catalog
// export): a typed serial, CA id or subscription number the local catalog
// lacks is looked up on the server, cached in the SQLite file, and found again
// once the server has stopped; with the server down a search answers at once.

describe('catalog.search looks a typed identifier up on a CRM.COM V4 server', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('fills the picker online, caches the answer, and finds it again offline', async () => {
    const sandbox = await startHeadend({ seedSize: 'tiny', processingPaused: true });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-lookups-'));
    dirs.push(dir);
    const runtime = await startTestRuntime(dir, { catalogLookups: { timeoutMs: 3_000, pauseAfterFailureMs: 60_000 } });
    const search = async (kind: CatalogItem['kind'], text: string): Promise<CatalogItem[]> => {
      const answer = await runtime.dispatch('catalog.search', { kind, text, limit: 8 });
      if (!answer.ok) throw new Error(answer.error.message);
      return (answer.value as { items: CatalogItem[] }).items;
    };
    let sandboxRunning = true;
    try {
      // Before connecting (embedded sandbox not started: remote is the only source), nothing is known.
      const saved = await runtime.dispatch('settings.set', {
        connections: {
          ...DEFAULT_CONNECTIONS,
          mode: 'remote',
          profile: 'crmcom-v4',
          crmcom: { ...DEFAULT_CONNECTIONS.crmcom, base_url: sandbox.crmcomUrl, release: 'R17_3' },
          login: { username: DEFAULT_CREDENTIALS.username, organisation: DEFAULT_CREDENTIALS.organisation },
        },
        password: DEFAULT_CREDENTIALS.password,
      });
      expect(saved).toMatchObject({ ok: true });

      // A prefix is not a whole identifier: the local catalog alone answers (empty: a real server exports nothing).
      expect(await search('smartcards', FIXTURE.smartcardSerial.slice(0, 3))).toEqual([]);

      const card = await search('smartcards', FIXTURE.smartcardSerial);
      expect(card).toHaveLength(1);
      expect(card[0]).toMatchObject({ exact: true, identifier: { serial_number: FIXTURE.smartcardSerial } });
      // The CA id is learnt by the CA id lookup (provisioning/installed_items/show) and joins the same card.
      const byCaId = await search('smartcards', FIXTURE.smartcardCaId);
      expect(byCaId[0]).toMatchObject({ exact: true, ca_id: FIXTURE.smartcardCaId, identifier: { serial_number: FIXTURE.smartcardSerial } });
      // The picker and the match note search the same text at once: both get the answer of the one lookup.
      const [stb, note] = await Promise.all([search('stbs', FIXTURE.stbSerial), search('stbs', FIXTURE.stbSerial)]);
      expect(note[0]).toMatchObject({ exact: true });
      expect(stb[0]).toMatchObject({ exact: true, identifier: { serial_number: FIXTURE.stbSerial } });
      const sub = await search('subscriptions', FIXTURE.subscriptionNumber);
      expect(sub[0]).toMatchObject({ exact: true, identifier: { number: FIXTURE.subscriptionNumber } });
      // An identifier the server does not know: asked, nothing found, nothing invented.
      expect(await search('smartcards', 'smrt99999999')).toEqual([]);

      await sandbox.close();
      sandboxRunning = false;
      // Offline: what was looked up is in the local catalog (a SQLite file), found by prefix too.
      expect((await search('smartcards', FIXTURE.smartcardSerial))[0]).toMatchObject({ exact: true, ca_id: FIXTURE.smartcardCaId });
      expect((await search('smartcards', FIXTURE.smartcardSerial.slice(0, 6))).map((i) => i.identifier.serial_number)).toContain(FIXTURE.smartcardSerial);
      expect((await search('subscriptions', FIXTURE.subscriptionNumber))[0]).toMatchObject({ exact: true });
      // A new identifier while the server is down: one failed try, then answered from the cache at once.
      expect(await search('stbs', 'dc9999999')).toEqual([]);
      const started = performance.now();
      expect(await search('stbs', 'dc9999998')).toEqual([]);
      expect(performance.now() - started).toBeLessThan(500);
    } finally {
      await runtime.close();
      if (sandboxRunning) await sandbox.close();
    }
  }, 30_000);
});
