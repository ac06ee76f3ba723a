import { useState, type FormEvent } from 'react';
import { MIN_OPERATOR_PASSWORD_LENGTH } from '../../../shared/domain/operators';
import { useApi, useQuery } from '../../app/api-context';

// Operators of this desk: the signed-in operator adds colleagues (each signs
// in with their own name and password) and sets their own head-end login
// where the head-end gives each operator one. Both are audit events.

export function OperatorsPanel() {
  const api = useApi();
  const session = useQuery('operators.session', {}, ['operators.session']);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [headendUsername, setHeadendUsername] = useState('');
  const [headendPassword, setHeadendPassword] = useState('');
  const [message, setMessage] = useState('');

  const s = session.data;
  if (!s?.operator) return null;
  const me = s.operator;

  const add = async (event: FormEvent) => {
    event.preventDefault();
    const result = await api.invoke('operators.create', { name, password });
    setPassword('');
    if (result.ok) setName('');
    setMessage(result.ok ? `${name.trim()} can now sign in.` : result.error.fields?.map((f) => f.message).join('; ') || result.error.message);
    session.reload();
  };
  const saveLogin = async (event: FormEvent) => {
    event.preventDefault();
    const username = headendUsername.trim();
    const result = await api.invoke('operators.setHeadendLogin', { headend: username ? { username, ...(headendPassword ? { password: headendPassword } : {}) } : null });
    setHeadendPassword('');
    setMessage(result.ok ? (username ? 'Your head-end login is saved (the password sealed).' : 'You now use the shared head-end login.') : result.error.message);
    session.reload();
  };

  return (
    <section className="panel" aria-labelledby="operators-title">
      <h2 id="operators-title">Operators</h2>
      <p data-testid="operators-list">
        Signed in: <strong>{me.name}</strong>
        {me.headendUsername ? ` (head-end login ${me.headendUsername}${me.headendPasswordSaved ? ', password saved' : ''})` : ' (shared head-end login)'}. Operators:{' '}
        {s.operators.join(', ')}. Signed out after {s.idleSignOutMinutes} minutes without activity.
      </p>
      <form onSubmit={(e) => void add(e)} className="settings-form" aria-label="Add an operator">
        <div className="field">
          <label htmlFor="new-operator-name" className="field-label">
            New operator name
          </label>
          <input id="new-operator-name" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="new-operator-password" className="field-label">
            Their password (at least {MIN_OPERATOR_PASSWORD_LENGTH} characters)
          </label>
          <input id="new-operator-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        <button type="submit" className="button">
          Add operator
        </button>
      </form>
      <form onSubmit={(e) => void saveLogin(e)} className="settings-form" aria-label="My head-end login">
        <div className="field">
          <label htmlFor="my-headend-username" className="field-label">
            My head-end user name (empty: the shared login)
          </label>
          <input id="my-headend-username" autoComplete="off" value={headendUsername} onChange={(e) => setHeadendUsername(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="my-headend-password" className="field-label">
            My head-end password (write-only, saved sealed)
          </label>
          <input id="my-headend-password" type="password" autoComplete="off" value={headendPassword} onChange={(e) => setHeadendPassword(e.target.value)} />
        </div>
        <button type="submit" className="button">
          Save my head-end login
        </button>
      </form>
      <p role="status">{message}</p>
    </section>
  );
}
