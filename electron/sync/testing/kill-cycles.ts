import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHeadend, type RunningHeadend } from '../../sandbox/start-headend';
import type { EnqueueInput } from '../../store/enqueue';
import { openStore } from '../../store/store';
import { CRASH_ENV, CRASH_POINTS, type CrashPoint } from '../crash-points';
import { checkInvariants, integrityOf } from './invariants';
import type { ChildConfig } from './sync-child';
import { conaxClient, endpointsOf, nagravisionClient, nagravisionInput, sandboxCards, tempDir, type Card } from './sync-fixtures';

// kill -9 of a sync process, cycle after cycle: each cycle a child queues a
// small batch and syncs, and dies by SIGKILL at a named point or a random
// moment. After each death: the store passes integrity_check, every batch the
// child reported queued is there (a batch is all or nothing), and the
// head-end holds nothing twice and each card's requests in queue order.

export interface KillCycleOptions {
  cycles: number;
  cards?: number;
  batchSize?: number;
  /** Share of cycles killed at a random moment instead of a named point. */
  randomShare?: number;
  log?: (line: string) => void;
}

export interface KillCycleReport {
  cycles: number;
  byMode: Record<string, number>;
  /** Cycles whose child actually died by SIGKILL, per mode. */
  killedByMode: Record<string, number>;
  requests: number;
  problems: string[];
  ms: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** The child as one bundled file (starts in ~0.1 s instead of ~0.35 s through tsx). */
async function childCommand(dir: string): Promise<string[]> {
  const entry = path.join(here, 'sync-child.ts');
  try {
    const { build } = await import('esbuild');
    const outfile = path.join(dir, 'sync-child.mjs');
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile, external: ['better-sqlite3'], logLevel: 'warning', nodePaths: [path.resolve(here, '../../../node_modules')] });
    // better-sqlite3 is resolved from the repo's node_modules.
    fs.symlinkSync(path.resolve(here, '../../../node_modules'), path.join(dir, 'node_modules'), 'dir');
    return [process.execPath, outfile];
  } catch {
    return [process.execPath, '--import', 'tsx', entry];
  }
}

function runChild(command: string[], config: ChildConfig, crashAt: string | null, killAfterMs: number | null) {
  return new Promise<{ code: number | null; signal: string | null; out: string }>((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CADESK_CHILD_CONFIG: JSON.stringify(config) };
    delete env[CRASH_ENV];
    if (crashAt) env[CRASH_ENV] = crashAt;
    const child = spawn(command[0]!, command.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const killer = killAfterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    const guard = setTimeout(() => child.kill('SIGKILL'), config.timeLimitMs + 5_000);
    child.on('error', reject);
    // 'close' (not 'exit'): stdout is fully read by then.
    child.on('close', (code, signal) => {
      if (killer) clearTimeout(killer);
      clearTimeout(guard);
      resolve({ code, signal, out });
    });
  });
}

function pickMode(cycle: number, randomShare: number): { crashAt: string | null; killAfterMs: number | null; name: string } {
  if (Math.random() < randomShare) {
    const ms = Math.floor(Math.random() * 250);
    return { crashAt: null, killAfterMs: ms, name: 'random' };
  }
  const point: CrashPoint = CRASH_POINTS[cycle % CRASH_POINTS.length]!;
  const nth = point === 'after-enqueue' ? 1 : 1 + Math.floor(Math.random() * 4);
  return { crashAt: `${point}:${nth}`, killAfterMs: null, name: point };
}

export async function runKillCycles(options: KillCycleOptions): Promise<KillCycleReport> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const dir = tempDir();
  const storeFile = path.join(dir, 'store.sqlite');
  const headend: RunningHeadend = await startHeadend({ seedSize: 'tiny', processingPaused: true, dataDir: path.join(dir, 'headend') });
  const catalog = conaxClient(endpointsOf(headend));
  const checker = nagravisionClient(endpointsOf(headend));
  const problems: string[] = [];
  const byMode: Record<string, number> = {};
  const killedByMode: Record<string, number> = {};
  const committed = new Set<string>();
  let requests = 0;
  try {
    const cards: Card[] = await sandboxCards(catalog, options.cards ?? 8);
    const command = await childCommand(dir);
    // The store exists before the first child: one killed at a random moment
    // before it opened the file would otherwise leave nothing to check.
    openStore(storeFile).close();
    const base: Omit<ChildConfig, 'enqueue'> = { storeFile, tcpPort: headend.tcpPort, destinationId: headend.destinationId, timeLimitMs: 10_000 };
    for (let cycle = 0; cycle < options.cycles && problems.length === 0; cycle++) {
      const batch: EnqueueInput[] = Array.from({ length: options.batchSize ?? 4 }, (_, i) => {
        const card = cards[Math.floor(Math.random() * cards.length)]!;
        return { ...nagravisionInput(card, cycle * 7 + i), clientUuid: randomUUID() };
      });
      const mode = pickMode(cycle, options.randomShare ?? 0.3);
      byMode[mode.name] = (byMode[mode.name] ?? 0) + 1;
      const result = await runChild(command, { ...base, enqueue: batch }, mode.crashAt, mode.killAfterMs);
      if (result.signal === 'SIGKILL') killedByMode[mode.name] = (killedByMode[mode.name] ?? 0) + 1;
      if (result.code !== null && result.code !== 0) problems.push(`cycle ${cycle}: child exited ${result.code}: ${result.out.slice(0, 500)}`);
      const uuids = batch.map((b) => b.clientUuid!);
      if (result.out.includes('ENQUEUED')) uuids.forEach((u) => committed.add(u));
      problems.push(...(await checkCycle(storeFile, headend, checker, cards, committed, uuids).then((p) => p.map((x) => `cycle ${cycle} (${mode.name}): ${x}`))));
      requests += batch.length;
      if (cycle % 20 === 0) log(`kill cycle ${cycle}: ${JSON.stringify(byMode)}`);
    }
    // A last run without crash drains everything the crashes left.
    const final = await runChild(command, { ...base, enqueue: [] }, null, null);
    if (final.code !== 0) problems.push(`final drain: ${final.out.slice(0, 500)}`);
    const store = openStore(storeFile);
    try {
      const counts = store.countByState();
      const left = counts.QUEUED + counts.SENDING + counts.UNKNOWN + counts.RETRY_WAIT + counts.NEEDS_ATTENTION;
      if (left > 0) problems.push(`after the final drain ${left} requests are still not acknowledged: ${JSON.stringify(counts)}`);
    } finally {
      store.close();
    }
    problems.push(...(await checkCycle(storeFile, headend, checker, cards, committed, [])));
  } finally {
    await checker.close();
    await catalog.close();
    await headend.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { cycles: options.cycles, byMode, killedByMode, requests, problems, ms: Date.now() - started };
}

async function checkCycle(
  storeFile: string,
  headend: RunningHeadend,
  checker: ReturnType<typeof nagravisionClient>,
  cards: Card[],
  committed: ReadonlySet<string>,
  batch: readonly string[],
): Promise<string[]> {
  const problems: string[] = [];
  const integrity = integrityOf(storeFile);
  if (integrity !== 'ok') problems.push(`integrity_check: ${integrity}`);
  const store = openStore(storeFile, { recoverInterruptedSends: false });
  try {
    const present = batch.filter((u) => store.getByClientUuid(u) !== undefined).length;
    if (present !== 0 && present !== batch.length) problems.push(`batch half written: ${present} of ${batch.length}`);
    const report = await checkInvariants({ store, headend, nagravision: checker, enqueued: committed, cards: cards.map((c) => c.serial_number) });
    problems.push(...report.problems);
  } finally {
    store.close();
  }
  return problems;
}
