import type { MessagePort } from 'node:worker_threads';
import type { EventChannel } from '../../shared/ipc/channels';
import type { HeadendOptions } from '../sandbox/headend-options';
import type { LogRecord } from '../logging/logger';
import type { CredentialVault } from './credential-vault';
import type { StoreProbeName } from './runtime-handle';
import type { SyncWiringOptions } from './sync-wiring';

// The messages between the main thread (runtime-host.ts) and the back-end
// worker (runtime-worker.ts). Everything here crosses a structured clone, so
// options hold data only: no functions (the worker logs through the host).

/** Sandbox overrides that can cross to the worker (the head-end logs through the runtime's logger). */
export type WorkerHeadendOptions = Omit<Partial<HeadendOptions>, 'logger' | 'now'>;
export type WorkerSyncOptions = Omit<SyncWiringOptions, 'logger'>;

/** RuntimeOptions minus what stays on the main thread (vault, logger). */
export interface WorkerRuntimeOptions {
  dataDir: string;
  mode: 'electron' | 'browser';
  version: string;
  headend?: WorkerHeadendOptions;
  sync?: WorkerSyncOptions;
  changeCoalesceMs?: number;
  /** Tests only (RuntimeOptions.passphrase). */
  passphrase?: string;
  /** Tests only (RuntimeOptions.operator): sign this operator in at start. */
  operator?: { name: string; password: string };
  idleSignOutMs?: number;
}

export interface WorkerData {
  options: WorkerRuntimeOptions;
  /** Set when the host owns the vault (Electron's safeStorage): the worker asks it over this port. */
  vault: { port: MessagePort; protection: CredentialVault['protection'] } | null;
}

export type HeadendControl = 'headend.stop' | 'headend.start' | 'headend.received';

export type WorkerCall =
  | { type: 'dispatch'; channel: string; input: unknown }
  | { type: 'store'; name: StoreProbeName; args: unknown[] }
  | { type: 'control'; op: HeadendControl; args: unknown[] };

export type HostToWorker = { kind: 'call'; id: number; call: WorkerCall } | { kind: 'close' };

export type WorkerToHost =
  | { kind: 'ready' }
  | { kind: 'start-failed'; message: string }
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; message: string }
  | { kind: 'event'; channel: EventChannel; payload: unknown }
  | { kind: 'log'; record: LogRecord };

export function isWorkerToHost(value: unknown): value is WorkerToHost {
  return value !== null && typeof value === 'object' && typeof (value as { kind?: unknown }).kind === 'string';
}

export function isHostToWorker(value: unknown): value is HostToWorker {
  if (value === null || typeof value !== 'object') return false;
  const m = value as { kind?: unknown; id?: unknown; call?: { type?: unknown } };
  if (m.kind === 'close') return true;
  return m.kind === 'call' && typeof m.id === 'number' && typeof m.call === 'object' && m.call !== null && typeof m.call.type === 'string';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
