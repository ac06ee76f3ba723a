import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { COMMAND_CHANNELS, ELECTRON_CHANNEL_PREFIX, ELECTRON_EVENT_CHANNEL } from '../../shared/ipc/channels';
import { fail } from '../../shared/ipc/result';
import type { RuntimeHandle } from '../services/runtime-handle';
import { isAppUrl } from './app-origin';

// The only place ipcMain is used: one handle() per channel of the contract,
// each checking that the caller is our own page before the call is relayed to
// the back end (a worker thread, see electron/services/runtime-host.ts).

function senderIsOurApp(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url;
  return typeof url === 'string' && isAppUrl(url);
}

export function registerIpcHandlers(backEnd: Pick<RuntimeHandle, 'dispatch'>): () => void {
  for (const channel of COMMAND_CHANNELS) {
    ipcMain.handle(ELECTRON_CHANNEL_PREFIX + channel, async (event, input: unknown) => {
      if (!senderIsOurApp(event)) return fail('FORBIDDEN', `${channel}: caller is not the CA Desk window`);
      return backEnd.dispatch(channel, input);
    });
  }
  return () => {
    for (const channel of COMMAND_CHANNELS) ipcMain.removeHandler(ELECTRON_CHANNEL_PREFIX + channel);
  };
}

/** Pushes every contract event to the window, if it still shows our page. */
export function forwardEvents(backEnd: Pick<RuntimeHandle, 'subscribe'>, window: BrowserWindow): () => void {
  return backEnd.subscribe((channel, payload) => {
    if (window.isDestroyed()) return;
    const contents = window.webContents;
    if (!isAppUrl(contents.getURL())) return;
    contents.send(ELECTRON_EVENT_CHANNEL, { channel, payload });
  });
}
