import { useEffect, useState, type FormEvent } from 'react';
import { HEADEND_PROFILE_IDS, HEADEND_PROFILES, type ProfileSettingsGroup } from '../../../shared/domain/headend-profiles';
import { fieldErrors, type FieldError } from '../../../shared/domain/validation';
import { connectionSettingsSchema, type ConnectionSettings } from '../../../shared/ipc/app-schemas';
import { useApi, useQuery } from '../../app/api-context';
import { ConnectionTestPanel } from './ConnectionTestPanel';
import { CrmcomConnectionFields } from './CrmcomConnectionFields';
import { DeskLockPanel } from './DeskLockPanel';
import { TextField as Text } from './TextField';
import { NotificationsPanel } from './NotificationsPanel';
import { OperatorsPanel } from './OperatorsPanel';
import { ThemePanel } from './ThemePanel';
import { SavedConnectionsPanel } from './SavedConnectionsPanel';

// Where the head-ends are, how to talk to them (the profile, one row of
// shared/domain/headend-profiles.ts: its settings groups decide which fields
// show) and how to log in. The password and the Web API key are write-only:
// the screen can replace or forget them, never read them back.

type Draft = ConnectionSettings;

export function SettingsScreen() {
  const api = useApi();
  const settings = useQuery('settings.get', {});
  const info = useQuery('app.info', {});
  const [draft, setDraft] = useState<Draft | null>(null);
  const [password, setPassword] = useState('');
  const [webApiKey, setWebApiKey] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [status, setStatus] = useState('');

  // The form edits the active connection: another one made active replaces the draft.
  const [draftOf, setDraftOf] = useState<string | null>(null);
  useEffect(() => {
    if (settings.data && (draft === null || draftOf !== settings.data.connection.id)) {
      setDraft(settings.data.connections);
      setDraftOf(settings.data.connection.id);
    }
  }, [settings.data, draft, draftOf]);

  if (!draft || !settings.data) return <p>{settings.error?.message ?? 'Loading settings…'}</p>;
  const remote = draft.mode === 'remote';
  const groups: readonly ProfileSettingsGroup[] = HEADEND_PROFILES[draft.profile].settingsGroups;
  const saved = settings.data.connections.profile;
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
    const result = await api.invoke('settings.set', { connections: parsed.data, ...(password ? { password } : {}), ...(webApiKey ? { webApiKey } : {}) });
    if (result.ok) {
      setPassword('');
      setWebApiKey('');
      setStatus('Saved. The sync engine reconnected with these settings.');
      settings.reload();
    } else {
      setErrors(result.error.fields ?? []);
      setStatus(result.error.message);
    }
  };

  const forget = async (what: 'password' | 'webApiKey') => {
    const result = await api.invoke('settings.set', { [what]: null });
    setStatus(result.ok ? `The saved ${what === 'password' ? 'password' : 'Web API key'} was erased.` : result.error.message);
    settings.reload();
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
      <SavedConnectionsPanel
        draft={draft}
        onSwitched={() => {
          setErrors([]);
          setStatus('');
          settings.reload();
        }}
      />
      <form onSubmit={(e) => void save(e)} noValidate className="settings-form" aria-label={`Active connection: ${settings.data.connection.name}`}>
        <h2>Active connection: {settings.data.connection.name}</h2>
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
        <fieldset>
          <legend>How to talk to them</legend>
          {HEADEND_PROFILE_IDS.map((id) => (
            <label key={id} className="radio" title={HEADEND_PROFILES[id].description}>
              <input type="radio" name="profile" checked={draft.profile === id} onChange={() => patch((d) => ({ ...d, profile: id }))} />
              {HEADEND_PROFILES[id].label}
            </label>
          ))}
          <p className="hint">{HEADEND_PROFILES[draft.profile].description}</p>
        </fieldset>
        {groups.includes('nagravision-tcp') ? (
          <fieldset disabled={!remote}>
            <legend>Nagravision (TCP)</legend>
            <Text id="nagra-host" label="Host" value={draft.nagravision.host} error={err('nagravision.host')} onChange={(v) => patch((d) => ({ ...d, nagravision: { ...d.nagravision, host: v } }))} />
            <Text id="nagra-port" label="Port" value={String(draft.nagravision.port)} error={err('nagravision.port')} onChange={(v) => patch((d) => ({ ...d, nagravision: { ...d.nagravision, port: Number(v) } }))} />
            <Text id="nagra-dest" label="Destination id" value={draft.nagravision.destination_id} error={err('nagravision.destination_id')} onChange={(v) => patch((d) => ({ ...d, nagravision: { ...d.nagravision, destination_id: v } }))} />
            <Text id="nagra-timeout" label="Timeout (ms)" value={String(draft.nagravision.timeout_ms)} error={err('nagravision.timeout_ms')} onChange={(v) => patch((d) => ({ ...d, nagravision: { ...d.nagravision, timeout_ms: Number(v) } }))} />
          </fieldset>
        ) : null}
        {groups.includes('conax-origin') ? (
          <fieldset disabled={!remote}>
            <legend>Conax Web Services (HTTP)</legend>
            <Text id="conax-url" label="Base URL" value={draft.conax.base_url} error={err('conax.base_url')} onChange={(v) => patch((d) => ({ ...d, conax: { ...d.conax, base_url: v } }))} />
            <Text id="conax-timeout" label="Timeout (ms)" value={String(draft.conax.timeout_ms)} error={err('conax.timeout_ms')} onChange={(v) => patch((d) => ({ ...d, conax: { ...d.conax, timeout_ms: Number(v) } }))} />
          </fieldset>
        ) : null}
        {groups.includes('crmcom') ? (
          <CrmcomConnectionFields value={draft.crmcom} embedded={!remote} error={(path) => err(`crmcom.${path}`)} onChange={(crmcom) => patch((d) => ({ ...d, crmcom }))} />
        ) : null}
        <fieldset disabled={!remote}>
          <legend>Login</legend>
          <Text id="login-user" label="Username" value={draft.login.username} error={err('login.username')} onChange={(v) => patch((d) => ({ ...d, login: { ...d.login, username: v } }))} />
          <Text id="login-org" label="Organisation" value={draft.login.organisation} error={err('login.organisation')} onChange={(v) => patch((d) => ({ ...d, login: { ...d.login, organisation: v } }))} />
          <Text id="login-unit" label="Unit (optional)" value={draft.login.unit ?? ''} error={err('login.unit')} onChange={(v) => patch((d) => ({ ...d, login: { ...d.login, unit: v || undefined } }))} />
        </fieldset>
        {groups.includes('crmcom') && draft.crmcom.login_method === 'web_api_key' ? (
          <fieldset>
            <legend>Web API key</legend>
            <Text
              id="login-web-api-key"
              label={settings.data.webApiKeySaved ? 'New Web API key (one is saved; leave empty to keep it)' : 'Web API key (none saved)'}
              type="password"
              value={webApiKey}
              error={err('webApiKey')}
              onChange={setWebApiKey}
            />
            {settings.data.webApiKeySaved ? (
              <button type="button" className="button" onClick={() => void forget('webApiKey')}>
                Forget the saved Web API key
              </button>
            ) : null}
          </fieldset>
        ) : null}
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
            <button type="button" className="button" onClick={() => void forget('password')}>
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
      <OperatorsPanel />
      <ThemePanel />
      <NotificationsPanel />
      <ConnectionTestPanel profile={saved} />
    </section>
  );
}
