import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { COMMAND_CHANNELS, ELECTRON_CHANNEL_PREFIX, ELECTRON_EVENT_CHANNEL } from '../../shared/ipc/channels';
import { fail } from '../../shared/ipc/result';
import type { ServiceRegistry } from '../services/dispatcher';
import { isAppUrl } from './app-origin';

// The only place ipcMain is used: one handle() per channel of the contract,
// each checking that the caller is our own page before the service runs.

function senderIsOurApp(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url;
  return typeof url === 'string' && isAppUrl(url);
}

export function registerIpcHandlers(registry: ServiceRegistry): () => void {
  for (const channel of COMMAND_CHANNELS) {
    ipcMain.handle(ELECTRON_CHANNEL_PREFIX + channel, async (event, input: unknown) => {
      if (!senderIsOurApp(event)) return fail('FORBIDDEN', `${channel}: caller is not the CA Desk window`);
      return registry.dispatch(channel, input);
    });
  }
  return () => {
    for (const channel of COMMAND_CHANNELS) ipcMain.removeHandler(ELECTRON_CHANNEL_PREFIX + channel);
  };
}

/** Pushes every contract event to the window, if it still shows our page. */
export function forwardEvents(registry: ServiceRegistry, window: BrowserWindow): () => void {
  return registry.events.subscribe((channel, payload) => {
    if (window.isDestroyed()) return;
    const contents = window.webContents;
    if (!isAppUrl(contents.getURL())) return;
    contents.send(ELECTRON_EVENT_CHANNEL, { channel, payload });
  });
}
