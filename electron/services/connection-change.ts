import { AWAITING_ITS_HEADEND_STATES, LOCAL_STATE_TABLE } from '../../shared/domain/life-cycle';
import type { ConnectionSettings } from '../../shared/ipc/app-schemas';
import { IpcFailure } from '../../shared/ipc/result';
import type { HandlerDeps } from './handlers';

// Changing where the desk sends requests, by whichever route (Settings' form,
// Saved connections, Make active), obeys one rule: a request the head-end was
// sent but has not settled is asked about, and settled, only at that head-end.
// Another head-end would poll, reconcile or resend it at the wrong place (one
// that does not deduplicate would take a second copy).

/** Where requests go under these settings: two settings with the same target talk to the same head-end. */
export function headendTarget(c: ConnectionSettings): string {
  if (c.mode === 'embedded') return `embedded sandbox (${c.profile})`;
  if (c.profile === 'crmcom-v4') return `crmcom-v4 ${c.crmcom.base_url}`;
  return `tcp-gateway ${c.nagravision.host}:${c.nagravision.port}/${c.nagravision.destination_id} + ${c.conax.base_url}`;
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
 * Runs `change` (which saves settings and returns whether the engine must be
 * rebuilt). When the active target moves, the engine is stopped first, so no
 * send can start between the check and the change, and the change is refused
 * while requests wait for the old target.
 */
export async function changeConnection<T>(
  d: HandlerDeps,
  targetMoves: boolean,
  change: () => { reconnect: boolean; result: T },
): Promise<T> {
  if (targetMoves) {
    return d.sync.reconnectAfter(() => {
      // Over unreadable saved connections the old target is unknown: the
      // operator saving them again is restoring it, and may.
      const refusal = d.settings.book.unreadable() === null ? switchRefusal(d) : null;
      if (refusal !== null) throw new IpcFailure('CONFLICT', refusal);
      return change().result;
    });
  }
  const { reconnect, result } = change();
  if (reconnect) await d.sync.reconnect();
  return result;
}
