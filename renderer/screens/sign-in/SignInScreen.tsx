import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { OperatorSession } from '../../../shared/ipc/operator-schemas';
import { MIN_OPERATOR_PASSWORD_LENGTH } from '../../../shared/domain/operators';
import { useApi } from '../../app/api-context';

// Nobody is signed in: each operator signs in with their own name and
// password, so the history records who did what (the back end takes the actor
// from this session only). On a fresh desk the first operator is created here.

export function SignInScreen({ session, onChange }: { session: OperatorSession; onChange: (session: OperatorSession) => void }) {
  const api = useApi();
  const firstRun = session.operators.length === 0;
  const [name, setName] = useState(session.operators.length === 1 ? session.operators[0]! : '');
  const [password, setPassword] = useState('');
  const [headendUsername, setHeadendUsername] = useState('');
  const [headendPassword, setHeadendPassword] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setMessage('');
    const headend = headendUsername.trim() ? { username: headendUsername.trim(), ...(headendPassword ? { password: headendPassword } : {}) } : undefined;
    const result = firstRun ? await api.invoke('operators.create', { name, password, ...(headend ? { headend } : {}) }) : await api.invoke('operators.signIn', { name, password });
    setBusy(false);
    setPassword('');
    setHeadendPassword('');
    if (result.ok) onChange(result.value);
    else setMessage(result.error.fields?.map((f) => f.message).join('; ') || result.error.message);
  };

  return (
    <main id="main" className="sign-in">
      <form className="panel sign-in-panel" onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title" ref={heading} tabIndex={-1}>
          {firstRun ? 'Create the first operator' : 'Sign in to CA Desk'}
        </h1>
        {session.endedBecause === 'inactivity' ? (
          <p className="hint" role="status" data-testid="signed-out-reason">
            You were signed out after {session.idleSignOutMinutes} minutes without activity; the desk keys were cleared from memory.
          </p>
        ) : null}
        {firstRun ? (
          <p className="hint">Every action is recorded under the operator signed in. Each person at this desk gets their own name and password.</p>
        ) : null}
        <div className="field">
          <label htmlFor="operator-name" className="field-label">
            Operator name
          </label>
          {firstRun ? (
            <input id="operator-name" autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} />
          ) : (
            <select id="operator-name" value={name} onChange={(e) => setName(e.target.value)}>
              <option value="">Choose your name…</option>
              {session.operators.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          )}
        </div>
        <div className="field">
          <label htmlFor="operator-password" className="field-label">
            {firstRun ? `Password (at least ${MIN_OPERATOR_PASSWORD_LENGTH} characters)` : 'Password'}
          </label>
          <input id="operator-password" type="password" autoComplete={firstRun ? 'new-password' : 'current-password'} value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        {firstRun ? (
          <fieldset className="field">
            <legend className="field-label">Your own head-end login (optional)</legend>
            <p className="hint">Where the head-end gives each operator a login; otherwise the shared login of Settings is used.</p>
            <label htmlFor="operator-headend-username">Head-end user name</label>
            <input id="operator-headend-username" autoComplete="off" value={headendUsername} onChange={(e) => setHeadendUsername(e.target.value)} />
            <label htmlFor="operator-headend-password">Head-end password (saved sealed)</label>
            <input id="operator-headend-password" type="password" autoComplete="off" value={headendPassword} onChange={(e) => setHeadendPassword(e.target.value)} disabled={!headendUsername.trim()} />
          </fieldset>
        ) : null}
        <button type="submit" className="button primary" disabled={busy}>
          {firstRun ? 'Create and sign in' : 'Sign in'}
        </button>
        <p role="alert" className="error-text" data-testid="sign-in-error">
          {message}
        </p>
      </form>
    </main>
  );
}
