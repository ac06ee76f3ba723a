import { useState } from 'react';
import { PROVIDERS, type Provider } from '../../../shared/domain/request-types';
import { findRequestDefinition, requestDefinitionsFor, type RequestDefinition } from '../../../shared/domain/request-catalog';
import { useApi, useQuery } from '../../app/api-context';
import { providerLabel } from '../../app/format';
import { RequestForm } from './RequestForm';

// Provider first, then the action, then only the fields that action takes.
// The params schema is checked in the form before anything is sent (and again
// by the main process): every error is shown next to its field.

function definitionsOf(provider: Provider): RequestDefinition[] {
  // Documented actions first; our extensions after.
  return [...requestDefinitionsFor(provider)].sort((a, b) => Number(b.documented) - Number(a.documented));
}

interface Props {
  initialProvider?: string;
  initialMethod?: string;
  /** Prefill from this request (fix and resend). */
  fromId?: number;
  /** Prefill these fields (actions of the card desk). */
  prefill?: Record<string, unknown>;
}

export function ComposeScreen({ initialProvider, initialMethod, fromId, prefill }: Props) {
  const source = useQuery('requests.get', fromId !== undefined ? { id: fromId } : null);
  if (fromId !== undefined && source.data === null) {
    return (
      <section className="screen" aria-labelledby="compose-title">
        <h1 id="compose-title" tabIndex={-1}>
          Compose
        </h1>
        <p>{source.error ? source.error.message : 'Loading the request to resend…'}</p>
      </section>
    );
  }
  const from = source.data?.request;
  return (
    <ComposeForm
      key={fromId ?? 'new'}
      initialProvider={from?.provider ?? initialProvider}
      initialMethod={from?.method ?? initialMethod}
      initialBody={source.data?.params ?? prefill}
      fromId={fromId}
      replaces={source.data?.actions.close ? fromId : undefined}
    />
  );
}

/** `replaces`: the open rejection this corrected copy closes once queued. */
function ComposeForm({ initialProvider, initialMethod, initialBody, fromId, replaces }: Props & { initialBody?: Record<string, unknown>; replaces?: number }) {
  const api = useApi();
  const [provider, setProvider] = useState<Provider>(PROVIDERS.includes(initialProvider as Provider) ? (initialProvider as Provider) : 'nagravision');
  const [method, setMethod] = useState<string>(() => (initialMethod && findRequestDefinition(provider, initialMethod) ? initialMethod : definitionsOf(provider)[0]!.method));
  const [body, setBody] = useState(initialBody);
  const [queued, setQueued] = useState<number | null>(null);
  const definition = findRequestDefinition(provider, method) ?? definitionsOf(provider)[0]!;
  // Kinds the connection cannot send (a real CRM.COM server without the capability) are not offered; the note says why.
  const sendable = useQuery('connections.sendable', {});
  const blocked = new Map((sendable.data?.kinds ?? []).filter((k) => !k.sendable).map((k) => [`${k.provider}/${k.method}`, k.reason ?? '']));
  const hidden = definitionsOf(provider).filter((d) => blocked.has(`${provider}/${d.method}`));
  const offered = definitionsOf(provider).filter((d) => d.method === definition.method || !blocked.has(`${provider}/${d.method}`));
  const currentBlocked = blocked.get(`${provider}/${definition.method}`);

  const choose = (nextProvider: Provider, nextMethod: string) => {
    setProvider(nextProvider);
    setMethod(findRequestDefinition(nextProvider, nextMethod)?.method ?? definitionsOf(nextProvider)[0]!.method);
    setBody(undefined);
    setQueued(null);
  };

  return (
    <section className="screen screen-compose" aria-labelledby="compose-title">
      <header className="screen-header">
        <h1 id="compose-title" tabIndex={-1}>
          {fromId !== undefined ? `Fix and resend request #${fromId}` : 'Compose'}
        </h1>
      </header>
      <p className="hint">Choose the provider and the action; only the fields that action needs are shown. Ctrl+Enter queues.</p>
      {fromId !== undefined ? <p className="hint">The PIN is never kept after sending: enter it again if the action needs one.</p> : null}
      <fieldset className="provider-choice">
        <legend>Provider</legend>
        {PROVIDERS.map((p) => (
          <label key={p} className="radio">
            <input type="radio" name="provider" value={p} checked={provider === p} onChange={() => choose(p, definitionsOf(p)[0]!.method)} />
            {providerLabel(p)}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="compose-action" className="field-label">
          Action
        </label>
        <select id="compose-action" value={definition.method} onChange={(e) => choose(provider, e.target.value)}>
          {offered.map((d) => (
            <option key={d.method} value={d.method}>
              {d.label} — {d.type}
              {d.documented ? '' : ' (extension)'}
            </option>
          ))}
        </select>
        {currentBlocked !== undefined ? (
          <p className="field-error" role="alert" data-testid="compose-not-sendable">
            This connection cannot send {definition.label}: {currentBlocked}
          </p>
        ) : null}
        {hidden.length > 0 ? (
          <details className="hint" data-testid="compose-hidden-kinds">
            <summary>{hidden.length} actions this connection cannot send</summary>
            <ul>
              {hidden.map((d) => (
                <li key={d.method}>
                  {d.label}: {blocked.get(`${provider}/${d.method}`)}
                </li>
              ))}
            </ul>
          </details>
        ) : null}
      </div>
      <RequestForm
        key={`${provider}/${definition.method}`}
        definition={definition}
        initialBody={body}
        submitLabel="Queue request"
        busyLabel="Queueing…"
        resetAfterSubmit
        onSubmit={async (params) => {
          setQueued(null);
          // Only the first copy closes the rejection; later ones are plain requests.
          const closes = replaces !== undefined && queued === null ? { replaces } : {};
          const result = await api.invoke('requests.enqueue', { requests: [{ provider, method: definition.method, params, ...closes }] });
          if (!result.ok) return { message: result.error.message, errors: result.error.fields };
          const row = result.value.results[0];
          if (!row?.ok) return { errors: row?.errors ?? [] };
          setQueued(row.id);
          return null;
        }}
      >
        <p role="status" className="success" data-testid="compose-result">
          {queued !== null ? (
            <>
              Queued as request <a href={`#/request/${queued}`}>#{queued}</a>.
            </>
          ) : null}
        </p>
      </RequestForm>
    </section>
  );
}
