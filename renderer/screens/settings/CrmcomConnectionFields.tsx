import { CRMCOM_CAPABILITIES, CRMCOM_CAPABILITY_IDS, CRMCOM_RELEASE_IDS, CRMCOM_RELEASES, type CrmcomRelease } from '../../../shared/domain/crmcom-v4';
import { useEffect, useState } from 'react';
import type { CrmcomConnectionSettings } from '../../../shared/ipc/app-schemas';
import { TextField } from './TextField';

// The CRM.COM V4 Web API connection (profile crmcom-v4): base URL with its
// path, release, login method, the undocumented calls the server may offer,
// transport security and politeness. Secrets are not here: the password and
// the Web API key are write-only fields of the Settings screen.

interface Props {
  value: CrmcomConnectionSettings;
  onChange(next: CrmcomConnectionSettings): void;
  /** Field errors by path below `crmcom.` */
  error(path: string): string | undefined;
  /** The embedded sandbox: its own URL, login and capabilities are used; only the release applies. */
  embedded: boolean;
}

export function CrmcomConnectionFields({ value, onChange, error, embedded }: Props) {
  const set = <K extends keyof CrmcomConnectionSettings>(key: K, v: CrmcomConnectionSettings[K]) => onChange({ ...value, [key]: v });
  // A bad code is reported at its index in the list.
  const codesError = error('not_created_codes') ?? value.not_created_codes.map((_, i) => error(`not_created_codes.${i}`)).find((e) => e !== undefined);
  return (
    <fieldset data-testid="crmcom-fields">
      <legend>CRM.COM V4 Web API</legend>
      <div className="field">
        <label htmlFor="crmcom-release" className="field-label">
          Server release
        </label>
        <select id="crmcom-release" value={value.release} onChange={(e) => set('release', e.target.value as CrmcomRelease)}>
          {CRMCOM_RELEASE_IDS.map((id) => (
            <option key={id} value={id}>
              {CRMCOM_RELEASES[id].label}
            </option>
          ))}
        </select>
        <p className="hint">Picks the paths and bodies: paging from R13, installed-item identifiers for Nagravision from R17.3.</p>
      </div>
      <fieldset disabled={embedded} className="nested">
        <legend>Server {embedded ? '(the embedded sandbox is used while it is selected above)' : ''}</legend>
        <TextField id="crmcom-url" label="Base URL (e.g. https://crm.example/crmapi/rest/v2)" value={value.base_url} error={error('base_url')} onChange={(v) => set('base_url', v)} />
        <label className="checkbox">
          <input type="checkbox" checked={value.allow_plain_http} onChange={(e) => set('allow_plain_http', e.target.checked)} />
          Allow plain HTTP to another machine (the password and tokens then cross the network in clear)
        </label>
        <TextField
          id="crmcom-ca"
          label="CA certificate file for a corporate PKI (PEM, optional)"
          value={value.ca_certificate_file ?? ''}
          error={error('ca_certificate_file')}
          onChange={(v) => set('ca_certificate_file', v || undefined)}
        />
        <TextField id="crmcom-timeout" label="Timeout (ms)" value={String(value.timeout_ms)} error={error('timeout_ms')} onChange={(v) => set('timeout_ms', Number(v))} />
        <fieldset className="nested">
          <legend>Log in with</legend>
          <label className="radio">
            <input type="radio" name="crmcom-login" checked={value.login_method === 'password'} onChange={() => set('login_method', 'password')} />
            User name, password and organisation
          </label>
          <label className="radio">
            <input type="radio" name="crmcom-login" checked={value.login_method === 'web_api_key'} onChange={() => set('login_method', 'web_api_key')} />
            Web API key (R10 and later)
          </label>
        </fieldset>
        <fieldset className="nested">
          <legend>Calls the CRM.COM wiki does not document (off unless your server offers them)</legend>
          {CRMCOM_CAPABILITY_IDS.map((id) => (
            <label key={id} className="checkbox" title={CRMCOM_CAPABILITIES[id].why}>
              <input
                type="checkbox"
                data-testid={`capability-${id}`}
                checked={value.capabilities[id]}
                onChange={(e) => set('capabilities', { ...value.capabilities, [id]: e.target.checked })}
              />
              {CRMCOM_CAPABILITIES[id].label}
            </label>
          ))}
        </fieldset>
        <NotCreatedCodesField codes={value.not_created_codes} error={codesError} onChange={(codes) => set('not_created_codes', codes)} />
        <TextField
          id="crmcom-inflight"
          label="Most sends in flight"
          value={String(value.politeness.max_in_flight)}
          error={error('politeness.max_in_flight')}
          onChange={(v) => set('politeness', { ...value.politeness, max_in_flight: Number(v) })}
        />
        <TextField
          id="crmcom-interval"
          label="Pause between two sends (ms)"
          value={String(value.politeness.min_send_interval_ms)}
          error={error('politeness.min_send_interval_ms')}
          onChange={(v) => set('politeness', { ...value.politeness, min_send_interval_ms: Number(v) })}
        />
      </fieldset>
    </fieldset>
  );
}

const codesOf = (text: string) => text.split(/[\s,]+/).filter((code) => code !== '');

/**
 * The error codes the operator confirmed mean "not created". Kept as typed
 * (a trailing comma while typing stays) and handed up as a list.
 */
function NotCreatedCodesField({ codes, error, onChange }: { codes: readonly string[]; error?: string; onChange(codes: string[]): void }) {
  const [text, setText] = useState(codes.join(', '));
  // Another connection or a reload replaces the list: show it.
  useEffect(() => {
    setText((typed) => (codesOf(typed).join(',') === codes.join(',') ? typed : codes.join(', ')));
  }, [codes]);
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor="crmcom-not-created" className="field-label">
        Error codes that mean &quot;refused, not created&quot; (comma-separated, optional)
      </label>
      <input
        id="crmcom-not-created"
        value={text}
        aria-invalid={error ? true : undefined}
        aria-describedby={`crmcom-not-created-hint${error ? ' crmcom-not-created-error' : ''}`}
        onChange={(e) => {
          setText(e.target.value);
          onChange(codesOf(e.target.value));
        }}
      />
      <p className="hint" id="crmcom-not-created-hint">
        CRM.COM documents no error codes. Any other error answer to a new request counts as &quot;may have been created&quot;: it is checked
        before anything is sent again. List only codes your CRM.COM administrator confirmed are answered before a request is created.
      </p>
      {error ? (
        <p className="field-error" id="crmcom-not-created-error" data-testid="error-crmcom-not-created">
          {error}
        </p>
      ) : null}
    </div>
  );
}
