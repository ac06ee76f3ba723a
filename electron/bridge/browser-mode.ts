import { existsSync } from 'node:fs';
import path from 'node:path';
import { resolveDataDir } from '../launch/data-dir';
import { startRuntime } from '../services/runtime';
import { inProcessHandle, type RuntimeHandle } from '../services/runtime-handle';
import { startRuntimeHost, type RuntimeHostOptions } from '../services/runtime-host';
import { startBridge, type BridgeServer } from './bridge-server';

// Browser mode: the back end (store, sandbox, sync, services) in its own worker
// thread, plus the loopback bridge serving the built renderer on this thread.
// Used by `npm start` without Electron, by the e2e fixture and by the UI
// benchmark.

export interface BrowserModeOptions extends Partial<Omit<RuntimeHostOptions, 'mode'>> {
  /** Built renderer; default dist/renderer of this checkout. */
  staticDir?: string | null;
  port?: number;
  /** Run the back end on this thread instead of a worker (unit tests that need the Runtime itself). */
  inProcess?: boolean;
}

export interface BrowserMode {
  runtime: RuntimeHandle;
  bridge: BridgeServer;
  /** Open this once (it carries the launch secret). */
  launchUrl: string;
  close(): Promise<void>;
}

export function defaultRendererDir(): string {
  return path.resolve(import.meta.dirname, '..', '..', 'dist', 'renderer');
}

async function startBackEnd(options: BrowserModeOptions): Promise<RuntimeHandle> {
  const { staticDir: _staticDir, port: _port, inProcess, ...rest } = options;
  const runtimeOptions: RuntimeHostOptions = { ...rest, dataDir: options.dataDir ?? resolveDataDir({ argv: [], env: process.env, cwd: process.cwd() }), mode: 'browser', version: options.version ?? '0.1.0' };
  if (inProcess) return inProcessHandle(await startRuntime(runtimeOptions));
  return startRuntimeHost(runtimeOptions);
}

export async function startBrowserMode(options: BrowserModeOptions = {}): Promise<BrowserMode> {
  const staticDir = options.staticDir === undefined ? defaultRendererDir() : options.staticDir;
  if (staticDir !== null && !existsSync(path.join(staticDir, 'index.html'))) {
    throw new Error(`the renderer is not built (${staticDir}/index.html is missing): run npm run build:renderer`);
  }
  const runtime = await startBackEnd(options);
  let bridge: BridgeServer;
  try {
    bridge = await startBridge({
      dispatch: (channel, input) => runtime.dispatch(channel, input),
      subscribe: (listener) => runtime.subscribe(listener),
      staticDir,
      port: options.port ?? 0,
      logger: options.logger,
    });
  } catch (error) {
    await runtime.close();
    throw error;
  }
  return {
    runtime,
    bridge,
    launchUrl: bridge.launchUrl,
    async close() {
      await bridge.close();
      await runtime.close();
    },
  };
}
