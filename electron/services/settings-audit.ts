import type { SettingsView } from '../../shared/ipc/app-schemas';
import type { Store } from '../store/store';

// Changing settings and credentials are events of the history chain, with what
// was and what became. Only the settings view is compared, which never holds a
// secret (the password is write-only: only whether one is saved), and the
// store redacts any secret-named field of a detail anyway.

type Comparable = Omit<SettingsView, 'passwordSaved' | 'credentialProtection'>;

function comparable(view: SettingsView): Comparable {
  const { passwordSaved: _saved, credentialProtection: _protection, ...rest } = view;
  return rest;
}

export function auditSettingsChange(store: Store, actor: string, before: SettingsView, after: SettingsView, passwordGiven: boolean): void {
  const was = comparable(before);
  const now = comparable(after);
  if (JSON.stringify(was) !== JSON.stringify(now)) store.operators.record('desk.settings_changed', actor, { before: was, after: now });
  if (passwordGiven) {
    store.operators.record('desk.credentials_changed', actor, {
      credential: 'shared head-end password (Settings)',
      before: before.passwordSaved ? 'saved' : 'none',
      after: after.passwordSaved ? (before.passwordSaved ? 'replaced' : 'saved') : 'none',
    });
  }
}
