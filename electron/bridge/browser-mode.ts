import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRuntime, type Runtime, type RuntimeOptions } from '../services/runtime';
import { startBridge, type BridgeServer } from './bridge-server';

// Browser mode: the runtime (store, sandbox, sync, services) plus the loopback
// bridge serving the built renderer. Used by `npm start` without Electron, by
// the e2e fixture and by the UI benchmark.

export interface BrowserModeOptions extends Partial<Omit<RuntimeOptions, 'mode'>> {
  /** Built renderer; default dist/renderer of this checkout. */
  staticDir?: string | null;
  port?: number;
}

export interface BrowserMode {
  runtime: Runtime;
  bridge: BridgeServer;
  /** Open this once (it carries the launch secret). */
  launchUrl: string;
  close(): Promise<void>;
}

export function defaultDataDir(): string {
  const base = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'ca-desk');
}

export function defaultRendererDir(): string {
  return path.resolve(import.meta.dirname, '..', '..', 'dist', 'renderer');
}

export async function startBrowserMode(options: BrowserModeOptions = {}): Promise<BrowserMode> {
  const staticDir = options.staticDir === undefined ? defaultRendererDir() : options.staticDir;
  if (staticDir !== null && !existsSync(path.join(staticDir, 'index.html'))) {
    throw new Error(`the renderer is not built (${staticDir}/index.html is missing): run npm run build:renderer`);
  }
  const runtime = await startRuntime({
    ...options,
    dataDir: options.dataDir ?? defaultDataDir(),
    mode: 'browser',
    version: options.version ?? '0.1.0',
  });
  let bridge: BridgeServer;
  try {
    bridge = await startBridge({
      dispatch: (channel, input) => runtime.registry.dispatch(channel, input),
      subscribe: (listener) => runtime.registry.events.subscribe(listener),
      staticDir,
      port: options.port ?? 0,
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
