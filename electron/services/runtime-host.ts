import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, Worker, type TransferListItem } from 'node:worker_threads';
import { isCommandChannel, isEventChannel } from '../../shared/ipc/channels';
import { isIpcResultShape, parseCommandInput, parseEventPayload } from '../../shared/ipc/contract';
import { fail, type IpcErrorCode, type IpcResult } from '../../shared/ipc/result';
import type { ReceivedEntry } from '../sandbox/request-store';
import type { CredentialVault } from './credential-vault';
import { consoleLogger, isLogLevel, type Logger } from '../logging/logger';
import type { EventListener } from './service-registry';
import { storeProbe, type RuntimeHandle, type StoreProbe } from './runtime-handle';
import { errorMessage, isWorkerToHost, type HeadendControl, type WorkerCall, type WorkerData, type WorkerRuntimeOptions, type WorkerToHost } from './runtime-protocol';
import { serveVault } from './vault-channel';

// The main thread's side of the back end. The runtime (store, sandbox, sync,
// services) runs in a worker thread (runtime-worker.ts) so that a long store
// transaction — a 100k-row import is one — never stalls Electron's main loop
// or the browser bridge. This host only relays the IPC contract: it checks
// each input against the contract before posting it (the worker checks again),
// forwards events, and turns a dead worker into clear `{ ok: false }` answers.

export interface RuntimeHostOptions extends WorkerRuntimeOptions {
  /**
   * A vault that must stay on this thread (Electron's safeStorage); the worker
   * asks it over a port (vault-channel.ts). Absent: the worker seals with the
   * operator's passphrase (credential-vault.ts), locked until it is entered.
   */
  vault?: CredentialVault;
  logger?: Logger;
  /** The worker's code. Default: runtime-worker.ts beside this file (through tsx), or runtime-worker.cjs beside the bundle. */
  workerFile?: string;
  /** Startup bound (sandbox seeding included). Default 120 s. */
  startTimeoutMs?: number;
  /** Time close() gives the worker to close the store before ending it. Default 15 s. */
  closeTimeoutMs?: number;
}

type CallOutcome = { ok: true; value: unknown } | { ok: false; code: IpcErrorCode; message: string };

interface WorkerEntry {
  source: string | URL;
  eval: boolean;
}

/**
 * Under tsx (dev, tests, npm start) the worker is TypeScript. `execArgv:
 * ['--import', 'tsx']` did not reach a worker's entry (seen on Node 20:
 * "Unknown file extension .ts"), so a two-line bootstrap loads it with tsx's API,
 * which works the same on every Node.
 * Built (Electron), the worker is dist-electron/runtime-worker.cjs.
 */
function workerEntry(file: string): WorkerEntry {
  if (!file.endsWith('.ts')) return { source: file, eval: false };
  const require = createRequire(import.meta.url);
  const tsxApi = pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href;
  const target = pathToFileURL(file).href;
  return { source: `import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.tsImport(${JSON.stringify(target)}, ${JSON.stringify(target)}));`, eval: true };
}

export function defaultWorkerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const source = path.join(path.dirname(here), 'runtime-worker.ts');
  return here.endsWith('.ts') && existsSync(source) ? source : path.join(path.dirname(here), 'runtime-worker.cjs');
}

class WorkerRuntimeHost implements RuntimeHandle {
  readonly placement = 'worker' as const;
  readonly local = null;
  readonly store: StoreProbe;
  private readonly listeners = new Set<EventListener>();
  private readonly pending = new Map<number, (outcome: CallOutcome) => void>();
  private nextId = 0;
  private stoppedBecause: string | null = null;
  private closing = false;
  private lastError: string | null = null;
  private readonly exited: Promise<void>;
  private readyWaiter: { resolve: () => void; reject: (error: Error) => void } | null = null;

  constructor(
    readonly dataDir: string,
    private readonly worker: Worker,
    private readonly logger: Logger,
    private readonly stopVault: () => void,
    private readonly closeTimeoutMs: number,
  ) {
    this.store = storeProbe((name, args) => this.control({ type: 'store', name, args }));
    worker.on('message', (message: unknown) => this.onMessage(message));
    worker.on('messageerror', (error) => this.logger.error(`the back end sent a message that could not be read: ${error.message}`));
    worker.on('error', (error) => {
      this.lastError = error.message;
      this.logger.error(`the back end crashed: ${error.message}`);
    });
    this.exited = new Promise((resolve) => worker.once('exit', (code) => resolve(this.onExit(code))));
  }

  /** Resolves when the worker's runtime is up; rejects if it fails, exits or takes too long. */
  ready(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the back end did not start within ${timeoutMs} ms`)), timeoutMs);
      this.readyWaiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
  }

  async dispatch(channel: string, rawInput: unknown): Promise<IpcResult<unknown>> {
    if (!isCommandChannel(channel)) return fail('UNKNOWN_CHANNEL', `unknown channel ${channel.slice(0, 64)}`);
    // Checked here so bad input never reaches the back end's queue; the worker checks again.
    const input = parseCommandInput(channel, rawInput);
    if (!input.ok) return input;
    // The raw input goes over (not the parsed one): the worker's parse is then the same parse.
    const outcome = await this.call({ type: 'dispatch', channel, input: rawInput });
    if (!outcome.ok) return fail(outcome.code, `${channel}: ${outcome.message}`);
    if (!isIpcResultShape(outcome.value)) {
      this.logger.error(`${channel}: the back end answered something that is not a result`);
      return fail('INVALID_OUTPUT', `${channel}: the back end's answer is not a result`);
    }
    return outcome.value;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stopHeadend(): Promise<void> {
    return this.headendControl('headend.stop').then(() => undefined);
  }

  startHeadend(): Promise<void> {
    return this.headendControl('headend.start').then(() => undefined);
  }

  headendReceived(card?: string): Promise<ReceivedEntry[] | null> {
    return this.headendControl('headend.received', card === undefined ? [] : [card]) as Promise<ReceivedEntry[] | null>;
  }

  async close(): Promise<void> {
    if (this.closing || this.stoppedBecause !== null) return this.exited;
    this.closing = true;
    const timer = setTimeout(() => {
      this.logger.error(`the back end did not close within ${this.closeTimeoutMs} ms; ending it`);
      void this.worker.terminate();
    }, this.closeTimeoutMs);
    try {
      this.worker.postMessage({ kind: 'close' });
    } catch {
      void this.worker.terminate();
    }
    await this.exited;
    clearTimeout(timer);
  }

  /** Ends the worker at once, as a crash would (no clean store close). For tests and a hung back end. */
  async kill(): Promise<void> {
    await this.worker.terminate();
    await this.exited;
  }

  /** Ends a worker whose start failed (already reported, so no second error). */
  async abandon(): Promise<void> {
    this.closing = true;
    await this.kill();
  }

  private headendControl(op: HeadendControl, args: unknown[] = []): Promise<unknown> {
    return this.control({ type: 'control', op, args });
  }

  /** Fixture and benchmark calls: they reject (not `{ ok: false }`) so a test fails loudly. */
  private async control(call: WorkerCall): Promise<unknown> {
    const outcome = await this.call(call);
    if (!outcome.ok) throw new Error(outcome.message);
    return outcome.value;
  }

  private call(call: WorkerCall): Promise<CallOutcome> {
    if (this.stoppedBecause !== null) return Promise.resolve({ ok: false, code: 'UNAVAILABLE', message: this.stoppedBecause });
    if (this.closing) return Promise.resolve({ ok: false, code: 'UNAVAILABLE', message: 'the back end is closing' });
    const id = ++this.nextId;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      try {
        this.worker.postMessage({ kind: 'call', id, call });
      } catch (error) {
        this.pending.delete(id);
        resolve({ ok: false, code: 'INVALID_INPUT', message: `could not be passed to the back end: ${errorMessage(error)}` });
      }
    });
  }

  private onMessage(message: unknown): void {
    if (!isWorkerToHost(message)) {
      this.logger.error('the back end sent a malformed message');
      return;
    }
    const m: WorkerToHost = message;
    switch (m.kind) {
      case 'ready':
        this.readyWaiter?.resolve();
        return;
      case 'start-failed':
        this.lastError = m.message;
        this.readyWaiter?.reject(new Error(m.message));
        return;
      case 'reply': {
        const settle = this.pending.get(m.id);
        if (!settle) return;
        this.pending.delete(m.id);
        settle(m.ok ? { ok: true, value: m.value } : { ok: false, code: 'INTERNAL', message: m.message });
        return;
      }
      case 'event':
        return this.emit(m.channel, m.payload);
      case 'log': {
        const record = m.record as Partial<typeof m.record> | undefined;
        const level = isLogLevel(record?.level) ? record.level : 'error';
        const context = record?.context !== null && typeof record?.context === 'object' ? record.context : undefined;
        this.logger[level](String(record?.message), context);
        return;
      }
    }
  }

  private emit(channel: unknown, payload: unknown): void {
    if (!isEventChannel(channel)) return this.logger.error('the back end sent an event on an unknown channel');
    // Checked on this side too: a malformed event never reaches a window.
    const parsed = parseEventPayload(channel, payload);
    if (!parsed.ok) return this.logger.error(`event ${channel} dropped: ${parsed.error.message}`);
    for (const listener of [...this.listeners]) {
      try {
        listener(channel, parsed.value);
      } catch (error) {
        this.logger.error(`event ${channel} listener failed: ${errorMessage(error)}`);
      }
    }
  }

  private onExit(code: number): void {
    const why = this.closing
      ? 'the back end has closed'
      : `the back end stopped unexpectedly (exit code ${code}${this.lastError ? `: ${this.lastError}` : ''})`;
    if (!this.closing) this.logger.error(why);
    this.stoppedBecause = why;
    this.readyWaiter?.reject(new Error(this.lastError ?? why));
    // Nobody waits forever on a dead worker.
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const settle of pending) settle({ ok: false, code: 'UNAVAILABLE', message: why });
    this.stopVault();
  }
}

export type RuntimeHost = RuntimeHandle & { kill(): Promise<void> };

/** Starts the back end in its own worker thread; resolves once its runtime is up. */
export async function startRuntimeHost(options: RuntimeHostOptions): Promise<RuntimeHost> {
  const logger = options.logger ?? consoleLogger();
  const data: WorkerData = {
    options: {
      dataDir: options.dataDir,
      mode: options.mode,
      version: options.version,
      headend: options.headend,
      sync: options.sync,
      changeCoalesceMs: options.changeCoalesceMs,
      passphrase: options.passphrase,
      operator: options.operator,
      idleSignOutMs: options.idleSignOutMs,
    },
    vault: null,
  };
  const transferList: TransferListItem[] = [];
  let stopVault = () => {};
  if (options.vault) {
    const channel = new MessageChannel();
    stopVault = serveVault(channel.port1, options.vault);
    data.vault = { port: channel.port2, protection: options.vault.protection };
    transferList.push(channel.port2);
  }
  const entry = workerEntry(options.workerFile ?? defaultWorkerFile());
  let worker: Worker;
  try {
    worker = new Worker(entry.source, { eval: entry.eval, workerData: data, transferList, execArgv: [], name: 'ca-desk-back-end' });
  } catch (error) {
    stopVault();
    throw error;
  }
  const host = new WorkerRuntimeHost(options.dataDir, worker, logger, stopVault, options.closeTimeoutMs ?? 15_000);
  try {
    await host.ready(options.startTimeoutMs ?? 120_000);
  } catch (error) {
    await host.abandon();
    throw new Error(`the back end could not start: ${errorMessage(error)}`);
  }
  return host;
}
