// Channel names only, without schemas: the sandboxed preload imports this file
// and must stay tiny (no zod in the preload bundle). contract.ts checks at
// type level that it declares exactly these names.

export const COMMAND_CHANNELS = [
  'app.info',
  'requests.enqueue',
  'requests.list',
  'requests.get',
  'requests.counts',
  'requests.stats',
  'requests.retry',
  'requests.discard',
  'requests.edit',
  'requests.confirmArrived',
  'requests.confirmNotArrived',
  'requests.close',
  'requests.retryMany',
  'requests.discardMany',
  'attention.resolved',
  'exports.requests',
  'exports.selected',
  'exports.history',
  'reports.shift',
  'cards.get',
  'catalog.search',
  'bulk.queueBatch',
  'catalog.importCheck',
  'catalog.import',
  'sync.status',
  'sync.now',
  'settings.get',
  'settings.set',
  'connections.test',
  'connections.sendable',
  'connections.list',
  'connections.save',
  'connections.activate',
  'connections.remove',
  'security.status',
  'security.unlock',
  'security.lock',
  'operators.session',
  'operators.create',
  'operators.signIn',
  'operators.signOut',
  'operators.touch',
  'operators.setHeadendLogin',
] as const;
export type CommandChannel = (typeof COMMAND_CHANNELS)[number];

export const EVENT_CHANNELS = ['requests.changed', 'sync.status', 'operators.session'] as const;
export type EventChannel = (typeof EVENT_CHANNELS)[number];

/** Prefix of Electron IPC channel names, so ours never collide with a library's. */
export const ELECTRON_CHANNEL_PREFIX = 'caDesk:';
/** The one Electron channel main uses to push events: payload { channel, payload }. */
export const ELECTRON_EVENT_CHANNEL = 'caDesk:event';

export function isCommandChannel(name: unknown): name is CommandChannel {
  return typeof name === 'string' && (COMMAND_CHANNELS as readonly string[]).includes(name);
}

export function isEventChannel(name: unknown): name is EventChannel {
  return typeof name === 'string' && (EVENT_CHANNELS as readonly string[]).includes(name);
}
