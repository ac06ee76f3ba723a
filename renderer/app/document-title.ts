// What the window says about Needs attention: its title (also the taskbar's)
// carries the open count, and, when the operator opted in, a desktop
// notification says that new items arrived. The choice is kept on this
// computer (localStorage), like the theme.

export function documentTitle(attention: number): string {
  return attention > 0 ? `(${attention}) CA Desk — ${attention} need${attention === 1 ? 's' : ''} attention` : 'CA Desk';
}

/**
 * The notification's words when the count rose, or null. `previous` is null
 * until the first count arrived: opening the desk on a backlog is not news.
 */
export function attentionNotice(previous: number | null, current: number): string | null {
  if (previous === null || current <= previous) return null;
  const added = current - previous;
  return `${added} new item${added === 1 ? '' : 's'} in Needs attention (${current} open).`;
}

const NOTIFY_KEY = 'cadesk.notifyAttention';

export function notificationsChosen(): boolean {
  try {
    return window.localStorage.getItem(NOTIFY_KEY) === 'on';
  } catch {
    return false; // storage unavailable: nothing was chosen
  }
}

/** Turning it on asks the browser (or Electron's handler) for the permission; returns what the permission is now. */
export async function chooseNotifications(on: boolean): Promise<NotificationPermission | 'unsupported'> {
  try {
    window.localStorage.setItem(NOTIFY_KEY, on ? 'on' : 'off');
  } catch {
    // storage unavailable: the choice lasts as long as this page
  }
  if (typeof Notification === 'undefined') return 'unsupported';
  return on && Notification.permission === 'default' ? Notification.requestPermission() : Notification.permission;
}

export function notifyAttention(text: string): void {
  if (!notificationsChosen() || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  // One tag: a newer notice replaces an older one instead of piling up.
  new Notification('CA Desk', { body: text, tag: 'cadesk-attention' });
}
