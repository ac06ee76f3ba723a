import { useEffect, useState, type FormEvent } from 'react';
import { PROVIDERS, type Provider } from '../../../shared/domain/request-types';
import { fieldErrors, type FieldError } from '../../../shared/domain/validation';
import { connectionSettingsSchema, type ConnectionSettings } from '../../../shared/ipc/app-schemas';
import { useApi, useQuery } from '../../app/api-context';
import { providerLabel } from '../../app/format';
import { DeskLockPanel } from './DeskLockPanel';
import { ThemePanel } from './ThemePanel';

// Where the head-ends are and how to log in. The password is write-only: the
// screen can replace or forget it, never read it back.

type Draft = ConnectionSettings;

function Text(props: { id: string; label: string; value: string; onChange(v: string): void; error?: string; type?: string; disabled?: boolean }) {
  return (
    <div className={`field${props.error ? ' field-invalid' : ''}`}>
      <label htmlFor={props.id} className="field-label">
        {props.label}
      </label>
      <input
        id={props.id}
        type={props.type ?? 'text'}
        value={props.value}
        disabled={props.disabled}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${props.id}-error` : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.error ? (
        <p className="field-error" id={`${props.id}-error`} data-testid={`error-${props.id}`}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

export function SettingsScreen() {
  const api = useApi();
  const settings = useQuery('settings.get', {});
  const info = useQuery('app.info', {});
  const [draft, setDraft] = useState<Draft | null>(null);
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [status, setStatus] = useState('');
  const [tests, setTests] = useState<Partial<Record<Provider, string>>>({});

  useEffect(() => {
    if (settings.data && draft === null) setDraft(settings.data.connections);
  }, [settings.data, draft]);

  if (!draft || !settings.data) return <p>{settings.error?.message ?? 'Loading settings…'}</p>;
  const remote = draft.mode === 'remote';
  // Local checks name "nagravision.host"; the back end names the same field "connections.nagravision.host".
  const err = (path: string) => errors.find((e) => e.field === path || e.field === `connections.${path}`)?.message;
  const patch = (fn: (d: Draft) => Draft) => setDraft(fn(structuredClone(draft)));

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = connectionSettingsSchema.safeParse(draft);
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error));
      setStatus('Fix the highlighted fields.');
      return;
    }
    setErrors([]);
    const result = await api.invoke('settings.set', { connections: parsed.data, ...(password ? { password } : {}) });
    if (result.ok) {
      setPassword('');
      setStatus('Saved. The sync engine reconnected with these settings.');
      settings.reload();
    } else {
      setErrors(result.error.fields ?? []);
      setStatus(result.error.message);
    }
  };

  const forget = async () => {
    const result = await api.invoke('settings.set', { password: null });
    setStatus(result.ok ? 'The saved password was erased.' : result.error.message);
    settings.reload();
  };

  const test = async (provider: Provider) => {
    setTests((t) => ({ ...t, [provider]: 'Testing…' }));
    const result = await api.invoke('connections.test', { provider });
    setTests((t) => ({ ...t, [provider]: result.ok ? result.value.message : result.error.message }));
  };

  return (
    <section className="screen screen-settings" aria-labelledby="settings-title">
      <header className="screen-header">
        <h1 id="settings-title" tabIndex={-1}>
          Connections and settings
        </h1>
      </header>
      {info.data ? (
        <p className="hint">
          {info.data.mode === 'electron' ? 'Desktop app' : 'Browser mode'} {info.data.version} · data folder {info.data.dataDir}
        </p>
      ) : null}
      <form onSubmit={(e) => void save(e)} noValidate className="settings-form">
        <fieldset>
          <legend>Head-ends</legend>
          <label className="radio">
            <input type="radio" name="mode" checked={!remote} onChange={() => patch((d) => ({ ...d, mode: 'embedded' }))} />
            Embedded sandbox head-end (started with CA Desk)
          </label>
          <label className="radio">
            <input type="radio" name="mode" checked={remote} onChange={() => patch((d) => ({ ...d, mode: 'remote' }))} />
            Real head-ends at these addresses
          </label>
        </fieldset>
        <fieldset disabled={!remote}>
          <legend>Nagravision (TCP)</legend>
          <Text id="nagra-host" label="Host" value={draft.nagravision.host} error={err('nagravision.host')} onChange={(v) => patch((d) => ({ ...d, nagravision: { ...d.nagravision, host: v } }))} />
          <Text id="nagra-port" label="Port" value={String(draft.nagravision.port)} error={err('nagravision.port')} onChange={(v) => patch((d) => ({ ...d, nagravision: { ...d.nagravision, port: Number(v) } }))} />
          <Text id="nagra-dest" label="Destination id" value={draft.nagravision.destination_id} error={err('nagravision.destination_id')} onChange={(v) => patch((d) => ({ ...d, nagravision: { ...d.nagravision, destination_id: v } }))} />
          <Text id="nagra-timeout" label="Timeout (ms)" value={String(draft.nagravision.timeout_ms)} error={err('nagravision.timeout_ms')} onChange={(v) => patch((d) => ({ ...d, nagravision: { ...d.nagravision, timeout_ms: Number(v) } }))} />
        </fieldset>
        <fieldset disabled={!remote}>
          <legend>Conax Web Services (HTTP) and login</legend>
          <Text id="conax-url" label="Base URL" value={draft.conax.base_url} error={err('conax.base_url')} onChange={(v) => patch((d) => ({ ...d, conax: { ...d.conax, base_url: v } }))} />
          <Text id="conax-timeout" label="Timeout (ms)" value={String(draft.conax.timeout_ms)} error={err('conax.timeout_ms')} onChange={(v) => patch((d) => ({ ...d, conax: { ...d.conax, timeout_ms: Number(v) } }))} />
          <Text id="login-user" label="Username" value={draft.login.username} error={err('login.username')} onChange={(v) => patch((d) => ({ ...d, login: { ...d.login, username: v } }))} />
          <Text id="login-org" label="Organisation" value={draft.login.organisation} error={err('login.organisation')} onChange={(v) => patch((d) => ({ ...d, login: { ...d.login, organisation: v } }))} />
          <Text id="login-unit" label="Unit (optional)" value={draft.login.unit ?? ''} error={err('login.unit')} onChange={(v) => patch((d) => ({ ...d, login: { ...d.login, unit: v || undefined } }))} />
        </fieldset>
        <fieldset>
          <legend>Password</legend>
          <Text
            id="login-password"
            label={settings.data.passwordSaved ? 'New password (one is saved; leave empty to keep it)' : 'Password (none saved)'}
            type="password"
            value={password}
            error={err('password')}
            onChange={setPassword}
          />
          <p className="hint">
            Saved encrypted ({settings.data.credentialProtection === 'os-keychain' ? 'operating-system keychain' : 'desk passphrase, see Desk lock'}); never shown again.
          </p>
          {settings.data.passwordSaved ? (
            <button type="button" className="button" onClick={() => void forget()}>
              Forget the saved password
            </button>
          ) : null}
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="button primary">
            Save and reconnect
          </button>
          <p role="status">{status}</p>
        </div>
      </form>
      <DeskLockPanel />
      <ThemePanel />
      <section className="panel" aria-labelledby="test-title">
        <h2 id="test-title">Test the connections</h2>
        {PROVIDERS.map((p) => (
          <div key={p} className="test-row">
            <button type="button" className="button" onClick={() => void test(p)}>
              Test {providerLabel(p)}
            </button>
            <span role="status" data-testid={`test-${p}`}>
              {tests[p] ?? ''}
            </span>
          </div>
        ))}
      </section>
    </section>
  );
}
