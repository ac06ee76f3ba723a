// Group commit: requests created in one turn share one transaction, and none
// is answered before it is committed, so every acknowledged request survives a
// restart, and a crash of the process.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit';
import { HEADEND_DB_FILE, openHeadendDb, type Db } from './headend-db';
import { DEFAULT_CREDENTIALS } from './headend-options';
import { startHeadend, type RunningHeadend } from './start-headend';
import { startFixture, type Fixture } from './testing/headend-fixture';
import { FrameProbe, httpCall, type ProbeAnswer } from './testing/sandbox-probe';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), 'headend-cli.ts');
const BURST = 200;

const addGold = (token: string, n: number) => ({
  token,
  subscription_identifier: { number: 'S60507' },
  smartcard_identifier: { serial_number: 'smrt20000054' },
  services_set: [{ service_identifier: { code: 'Gold' } }],
  udf_string_1: `burst-${n}`,
});

/** Sends BURST requests in one write (read in one turn) and waits for every answer. */
async function pipelinedBurst(probe: FrameProbe, token: string, destinationId: string): Promise<ProbeAnswer[]> {
  const seqs = probe.sendTogether('add_enhanced_list_of_products', Array.from({ length: BURST }, (_, n) => addGold(token, n)), destinationId);
  await probe.until(() => probe.frames.length >= BURST, 20_000, `${BURST} answers`);
  const answers = seqs.map((s) => probe.frames.find((f) => f.sequence_number === s)!);
  expect(answers.map((a) => a.status.code)).toEqual(seqs.map(() => 'OK'));
  return answers;
}

const idsOf = (answers: ProbeAnswer[]) => answers.map((a) => (a.data as { id: string }).id).sort();
const receivedIds = (headend: RunningHeadend) =>
  headend.received('smrt20000054').map((r) => r.request_id).sort();

describe('group commit', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadesk-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
  };
  /** The head-end's file and a second connection to it, which sees committed rows only. */
  const twoConnections = (): { db: Db; reader: Db } => {
    const dir = tempDir();
    const db = openHeadendDb(dir);
    const reader = new Database(path.join(dir, HEADEND_DB_FILE), { readonly: true });
    cleanups.push(() => {
      reader.close();
      db.close();
    });
    return { db, reader };
  };
  const metaValue = (reader: Db, key: string) =>
    (reader.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  const put = (db: Db, key: string) => () => db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(key, 'v');

  it('settles the writes of one turn after their common commit, not before', async () => {
    const { db, reader } = twoConnections();
    const writes = new GroupCommit(db);
    const seenAtSettle: (string | undefined)[] = [];
    const settled = ['a', 'b', 'c'].map((key) =>
      writes.run(put(db, key)).then(() => seenAtSettle.push(metaValue(reader, key))),
    );
    expect(writes.pendingCount).toBe(3);
    expect(metaValue(reader, 'a')).toBeUndefined(); // nothing is written before the turn ends
    await Promise.all(settled);
    expect(seenAtSettle).toEqual(['v', 'v', 'v']);
    expect(writes.pendingCount).toBe(0);
  });

  it('a write that throws is undone and refused alone; the others of its group commit', async () => {
    const { db, reader } = twoConnections();
    const writes = new GroupCommit(db);
    const outcomes = await Promise.allSettled([
      writes.run(put(db, 'first')),
      writes.run(() => {
        put(db, 'half-done')();
        throw new Error('refused after writing');
      }),
      writes.run(put(db, 'first')), // duplicate key: SQLite refuses it
      writes.run(put(db, 'last')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toContain('refused after writing');
    expect(['first', 'half-done', 'last'].map((k) => metaValue(reader, k))).toEqual(['v', undefined, 'v']);
  });

  it('flush() commits what is queued at once (what closing the head-end does)', async () => {
    const { db, reader } = twoConnections();
    const writes = new GroupCommit(db);
    const settled = writes.run(put(db, 'queued'));
    writes.flush();
    expect(metaValue(reader, 'queued')).toBe('v');
    await settled;
  });

  it(`${BURST} pipelined requests: one distinct request each, every acknowledged one still there after a restart`, async () => {
    const fx: Fixture = await startFixture({ processingPaused: true });
    cleanups.push(() => fx.stop());
    const token = await fx.login();
    const answers = await pipelinedBurst(await fx.probe(), token, fx.headend.destinationId);
    const numbers = answers.map((a) => Number((a.data as { number: string }).number));
    expect(new Set(numbers).size).toBe(BURST);
    // created in the order they arrived
    expect(numbers).toEqual([...numbers].sort((x, y) => x - y));

    await fx.headend.restart();
    expect(receivedIds(fx.headend)).toEqual(idsOf(answers));
    expect(fx.headend.state().requests).toEqual({ PENDING: BURST });
  });

  it(`${BURST} pipelined requests acknowledged, then the process is killed (SIGKILL): all are in its file`, async () => {
    const dataDir = tempDir();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI, '--seed-size', 'tiny', '--data-dir', dataDir, '--processing-delay-ms', '3600000'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 20_000;
    while (!/control\s*:/.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`CLI did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const tcpPort = Number(/Nagravision TCP : [\d.]+:(\d+)/.exec(out)?.[1]);
    const destinationId = /destination_id ([^)]+)\)/.exec(out)![1]!;
    const baseUrl = /HTTP\s+: (http:\/\/\S+)/.exec(out)![1]!;
    const login = await httpCall(baseUrl, 'POST', '/authentication/token', DEFAULT_CREDENTIALS);
    const probe = await FrameProbe.connect(tcpPort);
    cleanups.push(() => probe.close());
    const answers = await pipelinedBurst(probe, (login.body.data as { token: string }).token, destinationId);

    child.kill('SIGKILL'); // no close, no flush: only what was committed is left
    await exited;
    const reopened = await startHeadend({ dataDir, processingPaused: true });
    cleanups.push(() => reopened.close());
    expect(receivedIds(reopened)).toEqual(idsOf(answers));
  });
});
