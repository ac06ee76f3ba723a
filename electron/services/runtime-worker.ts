import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { createLogger, logLevelFromEnv } from '../logging/logger';
import { callStoreProbe } from './runtime-handle';
import { errorMessage, isHostToWorker, type HostToWorker, type WorkerCall, type WorkerData, type WorkerToHost } from './runtime-protocol';
import { startRuntime, type Runtime } from './runtime';
import { remoteVault } from './vault-channel';

// The back end's thread: store, embedded sandbox, sync engine and service
// registry (runtime.ts), started by runtime-host.ts. It answers the host's
// calls, forwards contract events and logs through the host. The registry
// validates every input again here (the host already did) and every output.

function serve(port: MessagePort, data: WorkerData): void {
  const post = (message: WorkerToHost) => port.postMessage(message);
  // Lines are redacted here, before they cross; the host prints them.
  const logger = createLogger({ level: logLevelFromEnv(), sink: (record) => post({ kind: 'log', record }) });
  let runtime: Runtime | null = null;
  let closing = false;

  async function perform(call: WorkerCall, current: Runtime): Promise<unknown> {
    switch (call.type) {
      case 'dispatch':
        return current.registry.dispatch(call.channel, call.input);
      case 'store':
        return callStoreProbe(current.store, call.name, call.args);
      case 'control':
        if (call.op === 'headend.stop') return current.stopHeadend();
        if (call.op === 'headend.start') return current.startHeadend();
        if (call.op === 'headend.received') {
          const card = call.args[0];
          return current.headend()?.received(typeof card === 'string' ? card : undefined) ?? null;
        }
        throw new Error(`unknown control ${String(call.op).slice(0, 64)}`);
      default:
        throw new Error('unknown call');
    }
  }

  async function answer(id: number, call: WorkerCall): Promise<void> {
    if (runtime === null || closing) {
      post({ kind: 'reply', id, ok: false, message: 'the back end is closing' });
      return;
    }
    let value: unknown;
    try {
      value = await perform(call, runtime);
    } catch (error) {
      post({ kind: 'reply', id, ok: false, message: errorMessage(error) });
      return;
    }
    try {
      post({ kind: 'reply', id, ok: true, value });
    } catch (error) {
      // A value that cannot be cloned is our bug: answer anyway, never leave the caller waiting.
      post({ kind: 'reply', id, ok: false, message: `the answer could not be sent: ${errorMessage(error)}` });
    }
  }

  async function close(): Promise<void> {
    if (closing) return;
    closing = true;
    try {
      // A close during start waits for the start, so the store is closed cleanly.
      await (runtime ?? (await starting))?.close();
    } catch (error) {
      logger.error(`the back end did not close cleanly: ${errorMessage(error)}`);
      process.exit(1);
    }
    // Ends this thread only (not the process); the host waits for its 'exit'.
    process.exit(0);
  }

  port.on('message', (message: unknown) => {
    if (!isHostToWorker(message)) {
      logger.error('the back end ignored a malformed message from the host');
      return;
    }
    const m: HostToWorker = message;
    if (m.kind === 'close') void close();
    else void answer(m.id, m.call);
  });

  const vault = data.vault ? remoteVault(data.vault.port, data.vault.protection) : undefined;
  const starting: Promise<Runtime | null> = startRuntime({ ...data.options, vault, logger }).then(
    (started) => {
      started.registry.events.subscribe((channel, payload) => post({ kind: 'event', channel, payload }));
      if (!closing) {
        runtime = started;
        post({ kind: 'ready' });
      }
      return started;
    },
    (error: unknown) => {
      post({ kind: 'start-failed', message: errorMessage(error) });
      return null;
    },
  );
}

if (parentPort === null) {
  throw new Error('runtime-worker runs as a worker thread: start it with startRuntimeHost (runtime-host.ts)');
}
serve(parentPort, workerData as WorkerData);
