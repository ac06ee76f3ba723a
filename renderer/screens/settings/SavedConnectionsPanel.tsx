import { useState, type FormEvent } from 'react';
import { HEADEND_PROFILES } from '../../../shared/domain/headend-profiles';
import { connectionSettingsSchema, type ConnectionSettings } from '../../../shared/ipc/app-schemas';
import { useApi, useQuery } from '../../app/api-context';

// Several saved head-end connections (a real CRM.COM server, a direct gateway,
// the training sandbox); the form below edits the active one. The back end
// refuses to switch while requests wait for the active head-end's answer, and
// says why; every change is recorded in the audit log.

export function SavedConnectionsPanel({ draft, onSwitched }: { draft: ConnectionSettings; onSwitched: () => void }) {
  const api = useApi();
  const list = useQuery('connections.list', {});
  const [name, setName] = useState('');
  const [message, setMessage] = useState('');

  const run = async (action: () => Promise<{ ok: boolean; error?: { message: string } }>, done: string) => {
    const result = await action();
    setMessage(result.ok ? done : (result.error?.message ?? 'failed'));
    list.reload();
    return result.ok;
  };

  const addNew = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = connectionSettingsSchema.safeParse(draft);
    if (!parsed.success) {
      setMessage('Fix the highlighted fields of the form below first.');
      return;
    }
    if (await run(() => api.invoke('connections.save', { name, settings: parsed.data }), `Saved "${name.trim()}". Make it active to use it; its password is entered once it is active.`)) setName('');
  };

  const rows = list.data?.connections ?? [];
  return (
    <section className="panel" aria-labelledby="saved-connections-title">
      <h2 id="saved-connections-title">Saved connections</h2>
      <table className="report-table" data-testid="saved-connections">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Profile</th>
            <th scope="col">Where</th>
            <th scope="col">Secrets</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr key={c.id} aria-current={c.active ? 'true' : undefined}>
              <td>
                {c.name}
                {c.active ? <strong> (active)</strong> : null}
              </td>
              <td>{HEADEND_PROFILES[c.profile].label}</td>
              <td>{c.target}</td>
              <td>{[c.passwordSaved ? 'password saved' : null, c.webApiKeySaved ? 'Web API key saved' : null].filter(Boolean).join(', ') || 'none'}</td>
              <td>
                {c.active ? null : (
                  <>
                    <button
                      type="button"
                      className="button"
                      onClick={() => void run(() => api.invoke('connections.activate', { id: c.id }), `"${c.name}" is now the active connection.`).then((ok) => ok && onSwitched())}
                    >
                      Make active<span className="sr-only"> {c.name}</span>
                    </button>{' '}
                    <button type="button" className="button" onClick={() => void run(() => api.invoke('connections.remove', { id: c.id }), `"${c.name}" and its saved secrets were forgotten.`)}>
                      Remove<span className="sr-only"> {c.name}</span>
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={(e) => void addNew(e)} className="settings-form" aria-label="Save as a new connection">
        <div className="field">
          <label htmlFor="new-connection-name" className="field-label">
            Save the form below as a new connection named
          </label>
          <input id="new-connection-name" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <button type="submit" className="button">
          Save as new connection
        </button>
      </form>
      <p role="status" data-testid="saved-connections-status">
        {message}
      </p>
    </section>
  );
}
