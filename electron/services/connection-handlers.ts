import { AWAITING_ITS_HEADEND_STATES, LOCAL_STATE_TABLE } from '../../shared/domain/life-cycle';
import { IpcFailure } from '../../shared/ipc/result';
import type { HandlerDeps } from './handlers';
import type { CommandHandlers } from './service-registry';

// Settings › Connections: several saved head-end connections, one active.
// Every change is an event of the audit chain in the same transaction as the
// change (before/after settings; a secret only as "given" or not).

type ConnectionChannels = 'connections.list' | 'connections.save' | 'connections.activate' | 'connections.remove';

/**
 * Why the desk may not leave the active connection now, or null. A request the
 * head-end was sent but has not finished is asked about, and settled, only at
 * that head-end: another connection would poll, reconcile or resend it at the
 * wrong one (a head-end that does not deduplicate would take a second copy).
 */
function switchRefusal(d: HandlerDeps): string | null {
  const counts = d.store.countByState();
  const waiting = AWAITING_ITS_HEADEND_STATES.filter((state) => counts[state] > 0);
  if (waiting.length === 0) return null;
  const list = waiting.map((state) => `${counts[state]} ${LOCAL_STATE_TABLE[state].label.toLowerCase()}`).join(', ');
  return `requests still wait for the active head-end (${list}): let them finish, or settle them in Needs attention, before switching`;
}

export function connectionHandlers(d: HandlerDeps): Pick<CommandHandlers, ConnectionChannels> {
  const actor = () => d.session.operatorName();
  return {
    'connections.list': () => d.settings.listConnections(),
    'connections.save': async ({ id, name, settings, password, webApiKey }) => {
      const who = actor();
      const { savedId, reconnect } = d.store.inTransaction(() => {
        const before = id === undefined ? null : (d.settings.book.book().entries.find((e) => e.id === id) ?? null);
        const savedId = d.settings.book.save({ id, name, settings });
        const secretsGiven = d.settings.saveSecrets(savedId, { password, webApiKey });
        d.store.operators.record('desk.connection_saved', who, {
          id: savedId,
          before: before && { name: before.name, settings: before.settings },
          after: { name, settings },
          loginPassword: password === undefined ? 'unchanged' : password === null ? 'forgotten' : 'saved',
          webApiKey: webApiKey === undefined ? 'unchanged' : webApiKey === null ? 'forgotten' : 'saved',
        });
        const active = d.settings.book.active().id === savedId;
        const settingsChanged = JSON.stringify(before?.settings) !== JSON.stringify(settings);
        return { savedId, reconnect: active && (settingsChanged || secretsGiven) };
      });
      if (reconnect) await d.sync.reconnect();
      return { id: savedId, ...d.settings.listConnections() };
    },
    'connections.activate': async ({ id }) => {
      const who = actor();
      const from = d.settings.book.active();
      if (from.id === id) return d.settings.listConnections();
      // With the engine stopped, no request can start its send between the check and the switch.
      await d.sync.reconnectAfter(() => {
        const refusal = switchRefusal(d);
        if (refusal !== null) throw new IpcFailure('CONFLICT', refusal);
        d.store.inTransaction(() => {
          d.settings.book.activate(id);
          const to = d.settings.book.active();
          d.store.operators.record('desk.connection_activated', who, { from: { id: from.id, name: from.name }, to: { id: to.id, name: to.name } });
        });
      });
      return d.settings.listConnections();
    },
    'connections.remove': ({ id }) => {
      const who = actor();
      d.store.inTransaction(() => {
        const gone = d.settings.book.remove(id);
        d.store.operators.record('desk.connection_removed', who, { id: gone.id, name: gone.name, settings: gone.settings });
      });
      return d.settings.listConnections();
    },
  };
}
