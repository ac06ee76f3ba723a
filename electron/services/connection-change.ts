import { AWAITING_ITS_HEADEND_STATES, LOCAL_STATE_TABLE } from '../../shared/domain/life-cycle';
import type { ConnectionSettings } from '../../shared/ipc/app-schemas';
import { IpcFailure } from '../../shared/ipc/result';
import type { HandlerDeps } from './handlers';

// Changing where the desk sends requests, by whichever route (Settings' form,
// Saved connections, Make active), obeys one rule: a request the head-end was
// sent but has not settled is asked about, and settled, only at that head-end.
// Another head-end would poll, reconcile or resend it at the wrong place (one
// that does not deduplicate would take a second copy; a sandbox would
// "complete" it while the card never got it).

/**
 * Where requests go under these settings: two settings with the same target
 * talk to the same head-end, as the same tenant (a CRM.COM organisation and
 * unit are separate request books on one server).
 */
export function headendTarget(c: ConnectionSettings): string {
  if (c.mode === 'embedded') return `embedded sandbox (${c.profile})`;
  const tenant = `${c.login.organisation}/${c.login.unit ?? ''}`;
  if (c.profile === 'crmcom-v4') return `crmcom-v4 ${c.crmcom.base_url} ${tenant}`;
  return `tcp-gateway ${c.nagravision.host}:${c.nagravision.port}/${c.nagravision.destination_id} + ${c.conax.base_url} ${tenant}`;
}

/**
 * Whom a saved password or Web API key was given for: the remote server(s)
 * and the login. Kept even while the connection is on the embedded sandbox,
 * so a secret saved for server A is never offered to server B after an edit.
 */
function secretOwner(c: ConnectionSettings): string {
  const servers = [c.crmcom.base_url, `${c.nagravision.host}:${c.nagravision.port}`, c.conax.base_url];
  return JSON.stringify([servers, c.login.username, c.login.organisation, c.login.unit ?? null]);
}

/** Whether secrets saved before this change must be forgotten (unless given again in the same change). */
export function secretsNoLongerApply(before: ConnectionSettings, after: ConnectionSettings): boolean {
  return secretOwner(before) !== secretOwner(after);
}

/** Why the desk may not leave the active head-end now, or null. */
export function switchRefusal(d: Pick<HandlerDeps, 'store'>): string | null {
  const counts = d.store.countByState();
  const parts = AWAITING_ITS_HEADEND_STATES.filter((state) => counts[state] > 0).map(
    (state) => `${counts[state]} ${LOCAL_STATE_TABLE[state].label.toLowerCase()}`,
  );
  const toVerify = d.store.countAwaitingVerification();
  if (toVerify > 0) parts.push(`${toVerify} to verify at that head-end`);
  if (parts.length === 0) return null;
  return `requests still wait for the active head-end (${parts.join(', ')}): let them finish, or settle them in Needs attention, before switching`;
}

/**
 * Where requests went before this change: the active connection's target, or
 * while the saved connections cannot be read, the target their text still
 * names (null when even that is unreadable: then any target is a move).
 */
function targetBefore(d: HandlerDeps): string | null {
  if (d.settings.book.unreadable() === null) return headendTarget(d.settings.connections());
  const settings = d.settings.book.unreadableActiveSettings();
  return settings === null ? null : headendTarget(settings);
}

/**
 * Runs `change` (which saves settings and says whether the engine must be
 * rebuilt) in one transaction with the check: if the active target after it
 * is not the one before while requests wait for that one, the change is
 * rolled back and refused. When the target may move (`mayMove`, or the saved
 * connections are unreadable), the engine is stopped first, so no send can
 * start between the check and the change.
 */
export async function changeConnection<T>(d: HandlerDeps, mayMove: boolean, change: () => { reconnect: boolean; result: T }): Promise<T> {
  const before = targetBefore(d);
  const checked = () =>
    d.store.inTransaction(() => {
      const outcome = change();
      if (headendTarget(d.settings.connections()) !== before) {
        const refusal = switchRefusal(d);
        if (refusal !== null) {
          const unreadable = before === null ? ' (the saved connections could not be read, so the head-end they named is unknown: restore a backup of the store)' : '';
          throw new IpcFailure('CONFLICT', `${refusal}${unreadable}`);
        }
      }
      return outcome;
    });
  if (mayMove || d.settings.book.unreadable() !== null) return d.sync.reconnectAfter(() => checked().result);
  const { reconnect, result } = checked();
  if (reconnect) await d.sync.reconnect();
  return result;
}
