import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  ELECTRON_CHANNEL_PREFIX,
  ELECTRON_EVENT_CHANNEL,
  isCommandChannel,
  isEventChannel,
} from '../../shared/ipc/channels';
import type { CaDeskBridge } from '../../shared/ipc/contract';

// Sandboxed preload (built as CommonJS, one file, no zod): exposes exactly the
// contract's channels as window.caDesk. The renderer validates answers; main
// validates inputs. Nothing else of ipcRenderer leaks into the page.

const bridge: CaDeskBridge = {
  invoke(channel, input) {
    if (!isCommandChannel(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `unknown channel ${String(channel)}` } });
    }
    return ipcRenderer.invoke(ELECTRON_CHANNEL_PREFIX + channel, input) as Promise<unknown>;
  },
  on(channel, listener) {
    if (!isEventChannel(channel)) throw new Error(`unknown event channel ${String(channel)}`);
    const handler = (_event: IpcRendererEvent, message: unknown) => {
      const m = message as { channel?: unknown; payload?: unknown } | null;
      if (m && m.channel === channel) listener(m.payload);
    };
    ipcRenderer.on(ELECTRON_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(ELECTRON_EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('caDesk', bridge);
