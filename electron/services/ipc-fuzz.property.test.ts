import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_CHANNELS, isCommandChannel, type CommandChannel } from '../../shared/ipc/channels';
import { COMMANDS, isIpcResultShape, parseCommandInput, type CommandInput } from '../../shared/ipc/contract';
import { IPC_ERROR_CODES, type IpcResult } from '../../shared/ipc/result';
import { FIXTURE } from '../sandbox/seed-catalog';
import type { RuntimeHandle } from './runtime-handle';
import { DEFAULT_CONNECTIONS } from './settings-service';
import { HOSTILE_KEYS, keysOf, mutatedFrom, POLLUTION_MARK, randomInput, type Json } from './testing/hostile-json';
import { storeSnapshotter, type StoreSnapshot, type StoreSnapshotter } from './testing/store-snapshot';
import { startTestRuntime, TEST_OPERATOR, TEST_PASSPHRASE } from './testing/test-runtime';

// Every command channel of the contract, on a real runtime (store file,
// embedded sandbox, sync engine), called with random JSON and with valid
// inputs bent out of shape. Whatever arrives: dispatch answers (never
// throws) with a well-formed result; input the contract refuses is
// INVALID_INPUT; input a service refuses gets a named code, never INTERNAL
// (our bug) or INVALID_OUTPUT (our bug); and a refused call changes nothing
// in the store (requests, outbox, history, settings, operators) and pollutes
// no prototype. The one refusal that writes is a failed sign-in: its audit
// event (sign-in-failures.test.ts) is all it may add.

const SEED = 20261208;
const RUNS = { random: 40, mutated: 80 };
/** Each call of these runs a ~0.1 s KDF (scrypt) when the input passes the contract. */
const SLOW_CHANNELS = new Set<CommandChannel>(['operators.create', 'operators.signIn', 'security.unlock', 'security.lock', 'operators.signOut']);

const FUZZ_OPERATOR = { name: 'Fuzz Target', password: 'fuzz target password' };
const MAIL = {
  provider: 'conax',
  method: 'send_mail_message_to_client',
  params: { smartcard_identifier: { serial_number: FIXTURE.smartcardSerial }, message_text: 'hello' },
} as const;
const SMARTCARD_CSV = 'id,serial_number,ca_id,updated_date\nSCF1,smrtf0000001,9001,\n';

type ValidInputs = { [C in CommandChannel]: CommandInput<C> };

/** One valid input per channel: the starting point of the mutations (checked against the contract below). */
function validInputs(id: number, spareConnection: string): ValidInputs {
  const period = { from: 0, to: Date.now() + 3_600_000 };
  const sort = { column: 'created', direction: 'asc' } as const;
  return {
    'app.info': {},
    'requests.enqueue': { requests: [MAIL] },
    'requests.list': { filter: { states: ['COMPLETED'], search: 'smrt', openOnly: true, from: 0 }, limit: 10, sort },
    'requests.get': { id },
    'requests.counts': {},
    'requests.stats': { hours: 24 },
    'requests.retry': { id, reason: 'fuzz' },
    'requests.discard': { id, reason: 'fuzz' },
    'requests.edit': { id, reason: 'fuzz', params: { ...MAIL.params } },
    'requests.confirmArrived': { id, number: '18570', reason: 'fuzz' },
    'requests.confirmNotArrived': { id, reason: 'fuzz' },
    'requests.close': { id, reason: 'fuzz' },
    'requests.retryMany': { ids: [id], reason: 'fuzz' },
    'requests.discardMany': { ids: [id], reason: 'fuzz' },
    'attention.resolved': { limit: 10 },
    'exports.requests': { filter: { provider: 'conax', cardKey: FIXTURE.smartcardSerial }, sort },
    'exports.selected': { ids: [id] },
    'exports.history': period,
    'reports.shift': period,
    'cards.get': { card: FIXTURE.smartcardSerial },
    'catalog.search': { kind: 'smartcards', text: 'smrt', limit: 5 },
    'bulk.queueBatch': { batchId: 'bulk-00000000-0000-4000-8000-0000000000f1', rows: [{ line: 2, ...MAIL }] },
    'catalog.importCheck': { kind: 'smartcards', csv: SMARTCARD_CSV },
    'catalog.import': { kind: 'smartcards', csv: SMARTCARD_CSV },
    'sync.status': {},
    'sync.now': {},
    'settings.get': {},
    'settings.set': { connections: DEFAULT_CONNECTIONS, password: 'a head-end password' },
    'connections.test': { provider: 'conax' },
    'connections.sendable': {},
    'connections.list': {},
    'connections.save': { name: 'Fuzzed', settings: DEFAULT_CONNECTIONS },
    'connections.activate': { id: spareConnection },
    'connections.remove': { id: spareConnection },
    'security.status': {},
    'security.unlock': { passphrase: TEST_PASSPHRASE },
    'security.lock': {},
    'operators.session': {},
    'operators.create': { name: 'Fuzz Created', password: 'a created password', headend: { username: 'fuzz-login', password: 'x' } },
    'operators.signIn': FUZZ_OPERATOR,
    'operators.signOut': {},
    'operators.touch': {},
    'operators.setHeadendLogin': { headend: { username: 'fuzz-login', password: 'x' } },
  };
}

const BROKEN_CODES = new Set(['INTERNAL', 'INVALID_OUTPUT']);

describe('every IPC channel under hostile input', () => {
  let dir: string;
  let runtime: RuntimeHandle;
  let snapshots: StoreSnapshotter;
  let valid: ValidInputs;
  const tally = { calls: 0, accepted: 0, refused: {} as Record<string, number>, findings: [] as string[] };

  /** Requests that still move on their own (sent, on their way, waiting to be): wait for them, or the next check sees their steps. */
  async function moving(): Promise<number> {
    const c = await runtime.store.countByState();
    return c.QUEUED + c.SENDING + c.ACKNOWLEDGED + c.UNKNOWN + c.RETRY_WAIT;
  }

  /** After an accepted call: its consequences (a queued request, a reconnect) run out before the next call is judged. */
  async function settle(): Promise<void> {
    let previous: string | null = null;
    for (let i = 0; i < 200; i++) {
      const now = JSON.stringify(snapshots.take());
      if (now === previous && (await moving()) === 0) return;
      previous = now;
      await new Promise((r) => setTimeout(r, 75));
    }
    throw new Error(`the store never settled: ${await moving()} requests still moving`);
  }

  /** Undoes what accepted calls did to the desk itself, so later calls are not all refused as UNAUTHORIZED. */
  async function restoreDesk(): Promise<void> {
    const session = (await runtime.dispatch('operators.session', {})) as IpcResult<{ operator: { name: string } | null }>;
    if (session.ok && session.value.operator?.name !== TEST_OPERATOR.name) {
      expect(await runtime.dispatch('operators.signIn', TEST_OPERATOR)).toMatchObject({ ok: true });
    }
    const security = (await runtime.dispatch('security.status', {})) as IpcResult<{ unlocked: boolean }>;
    if (security.ok && !security.value.unlocked) expect(await runtime.dispatch('security.unlock', { passphrase: TEST_PASSPHRASE })).toMatchObject({ ok: true });
  }

  const unchanged = (before: StoreSnapshot, after: StoreSnapshot) => JSON.stringify(before) === JSON.stringify(after);

  async function call(channel: CommandChannel, input: Json): Promise<void> {
    const before = snapshots.take();
    tally.calls++;
    const answer = await runtime.dispatch(channel, input);
    const after = snapshots.take();
    expect(isIpcResultShape(answer)).toBe(true);
    expect(({} as Record<string, unknown>)[POLLUTION_MARK]).toBeUndefined();
    if (answer.ok) {
      tally.accepted++;
      // All-or-nothing answers that say nothing was done must have done nothing.
      const value = answer.value as { queued?: number; done?: unknown[] };
      if (value.queued === 0 || value.done?.length === 0) expect(unchanged(before, after), `${channel} did nothing yet changed the store`).toBe(true);
      if (!COMMANDS[channel].mutates) {
        expect(unchanged(before, after), `${channel} only reads, yet changed the store`).toBe(true);
        return;
      }
      if (!unchanged(before, after) || (await moving()) > 0) await settle();
      await restoreDesk();
      return;
    }
    const code = answer.error.code;
    tally.refused[code] = (tally.refused[code] ?? 0) + 1;
    expect(IPC_ERROR_CODES).toContain(code);
    if (BROKEN_CODES.has(code)) tally.findings.push(`${channel} answered ${code}: ${answer.error.message.slice(0, 200)}`);
    expect(BROKEN_CODES.has(code), `${channel} answered ${code}: ${answer.error.message.slice(0, 300)}`).toBe(false);
    // What the contract refuses never reaches a service.
    if (!parseCommandInput(channel, input).ok) expect(code).toBe('INVALID_INPUT');
    if (channel === 'operators.signIn' && code === 'UNAUTHORIZED') {
      expect(snapshots.eventKindsAfter(before.lastEventId).every((k) => k === 'desk.sign_in_failed')).toBe(true);
      expect({ ...after, lastEventId: before.lastEventId }).toEqual(before);
    } else {
      expect(after, `${channel} refused with ${code} but changed the store`).toEqual(before);
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-ipc-fuzz-'));
    const never = 24 * 3600_000;
    runtime = await startTestRuntime(dir, {
      // Nothing on a timer may write while a refusal is judged: no catalog refresh, backup or integrity check during the run.
      sync: { idleMs: 100, statusPollMs: 200, catalogIntervalMs: never },
      storeChecks: { backupEveryMs: never, firstIntegrityCheckAfterMs: never, integrityCheckEveryMs: never },
    });
    snapshots = storeSnapshotter(runtime.local!.store);
    const queued = await runtime.dispatch('requests.enqueue', { requests: [MAIL, MAIL] });
    if (!queued.ok) throw new Error(queued.error.message);
    const id = (queued.value as { results: { id: number }[] }).results[0]!.id;
    expect(await runtime.dispatch('operators.create', FUZZ_OPERATOR)).toMatchObject({ ok: true });
    const spare = await runtime.dispatch('connections.save', { name: 'Spare', settings: DEFAULT_CONNECTIONS });
    if (!spare.ok) throw new Error(spare.error.message);
    valid = validInputs(id, (spare.value as { id: string }).id);
    for (const channel of COMMAND_CHANNELS) expect(parseCommandInput(channel, valid[channel]), channel).toMatchObject({ ok: true });
    await settle();
  }, 30_000);

  afterAll(async () => {
    await runtime?.close();
    rmSync(dir, { recursive: true, force: true });
    console.log(
      `ipc fuzz: ${tally.calls} calls over ${COMMAND_CHANNELS.length} channels (seed ${SEED}): ${tally.accepted} accepted, refused ${JSON.stringify(tally.refused)}; findings: ${tally.findings.length === 0 ? 'none' : tally.findings.join(' | ')}`,
    );
  });

  it.each(COMMAND_CHANNELS.map((c, i) => [c, i] as const))('%s: random and bent inputs are answered, refusals change nothing', async (channel, index) => {
    const base = valid[channel] as Json;
    const slow = SLOW_CHANNELS.has(channel) ? 4 : 1;
    await fc.assert(
      fc.asyncProperty(randomInput(keysOf(base)), (input) => call(channel, input)),
      { seed: SEED + index, numRuns: Math.ceil(RUNS.random / slow) },
    );
    await fc.assert(
      fc.asyncProperty(mutatedFrom(base), (input) => call(channel, input)),
      { seed: SEED + 1000 + index, numRuns: Math.ceil(RUNS.mutated / slow) },
    );
  }, 60_000);

  it('answers UNKNOWN_CHANNEL to any other name, changing nothing', async () => {
    const near = COMMAND_CHANNELS.flatMap((c) => [c.toUpperCase(), `${c} `, `${c}\u0000`, `${c}/`, c.replace('.', '/'), `../${c}`]);
    const names = fc.oneof(fc.constantFrom(...HOSTILE_KEYS, '', '.', 'requests', ...near), fc.string({ maxLength: 40 }));
    await fc.assert(
      fc.asyncProperty(names, async (name) => {
        fc.pre(!isCommandChannel(name));
        const before = snapshots.take();
        tally.calls++;
        expect(await runtime.dispatch(name, {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
        expect(snapshots.take()).toEqual(before);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
