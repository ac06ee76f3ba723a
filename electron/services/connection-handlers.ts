import type { HandlerDeps } from './handlers';
import { changeConnection, headendTarget } from './connection-change';
import { secretsAfterEdit } from './settings-service';
import type { CommandHandlers } from './service-registry';

// Settings › Connections: several saved head-end connections, one active.
// Every change is an event of the audit chain in the same transaction as the
// change (before/after settings; a secret only as "given" or not).

type ConnectionChannels = 'connections.list' | 'connections.save' | 'connections.activate' | 'connections.remove';

const secretNote = (given: string | null | undefined, forgotten: boolean) =>
  given === undefined ? (forgotten ? 'forgotten (the connection points elsewhere now)' : 'unchanged') : given === null ? 'forgotten' : 'saved';

export function connectionHandlers(d: HandlerDeps): Pick<CommandHandlers, ConnectionChannels> {
  const actor = () => d.session.operatorName();
  return {
    'connections.list': () => d.settings.listConnections(),
    'connections.save': async ({ id, name, settings, password, webApiKey }) => {
      const who = actor();
      const active = d.settings.book.active();
      // Editing the active connection is a switch when it now points elsewhere (connection-change.ts).
      const targetMoves = id === active.id && headendTarget(settings) !== headendTarget(active.settings);
      const savedId = await changeConnection(d, targetMoves, () =>
        d.store.inTransaction(() => {
          const wasUnreadable = d.settings.book.unreadable() !== null;
          const before = id === undefined ? null : (d.settings.book.book().entries.find((e) => e.id === id) ?? null);
          const secrets = secretsAfterEdit(before?.settings ?? null, settings, { password, webApiKey });
          const savedId = d.settings.book.save({ id, name, settings });
          const secretsGiven = d.settings.saveSecrets(savedId, secrets);
          const forgotten = secrets.password !== password;
          d.store.operators.record('desk.connection_saved', who, {
            id: savedId,
            before: before && { name: before.name, settings: before.settings },
            after: { name, settings },
            loginPassword: secretNote(password, forgotten),
            webApiKey: secretNote(webApiKey, forgotten),
          });
          const settingsChanged = JSON.stringify(before?.settings) !== JSON.stringify(settings);
          return { reconnect: wasUnreadable || (savedId === active.id && (settingsChanged || secretsGiven)), result: savedId };
        }),
      );
      return { id: savedId, ...d.settings.listConnections() };
    },
    'connections.activate': async ({ id }) => {
      const who = actor();
      const from = d.settings.book.active();
      if (from.id === id) return d.settings.listConnections();
      await changeConnection(d, true, () => {
        d.store.inTransaction(() => {
          d.settings.book.activate(id);
          const to = d.settings.book.active();
          d.store.operators.record('desk.connection_activated', who, { from: { id: from.id, name: from.name }, to: { id: to.id, name: to.name } });
        });
        return { reconnect: true, result: undefined };
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
