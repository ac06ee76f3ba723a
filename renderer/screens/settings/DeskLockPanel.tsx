import { useState, type FormEvent } from 'react';
import { useApi, useQuery } from '../../app/api-context';

// Where secrets are sealed, and the desk passphrase where there is no OS
// keychain (browser mode, Linux without a keyring). The passphrase derives the
// key in memory (scrypt); no key is kept beside the data, so a copied data
// folder opens nothing. Queued PINs wait, sealed, while the desk is locked.

export function DeskLockPanel() {
  const api = useApi();
  const status = useQuery('security.status', {}, ['requests.changed']);
  const [passphrase, setPassphrase] = useState('');
  const [message, setMessage] = useState('');

  if (!status.data) return <p>{status.error?.message ?? 'Loading the desk lock…'}</p>;
  const s = status.data;

  const unlock = async (event: FormEvent) => {
    event.preventDefault();
    const result = await api.invoke('security.unlock', { passphrase });
    setPassphrase('');
    setMessage(result.ok ? (s.passphraseChosen ? 'Unlocked. Waiting PINs are being sent.' : 'Passphrase chosen; the desk is unlocked.') : result.error.message);
    status.reload();
  };
  const lock = async () => {
    const result = await api.invoke('security.lock', {});
    setMessage(result.ok ? 'Locked: the keys were cleared from memory.' : result.error.message);
    status.reload();
  };

  return (
    <section className="panel" aria-labelledby="lock-title">
      <h2 id="lock-title">Desk lock</h2>
      {s.protection === 'os-keychain' ? (
        <p className="hint" data-testid="lock-protection">
          PINs and the saved password are sealed with a key protected by the operating-system keychain.
        </p>
      ) : (
        <p className="hint" data-testid="lock-protection">
          This computer offers no operating-system keychain to CA Desk. PINs and the saved password are sealed with a key derived from the
          desk passphrase (scrypt); the passphrase is kept only in memory, never in the data folder. While the desk is locked, queued PINs wait
          sealed and are not sent.
        </p>
      )}
      <p role="status" data-testid="lock-state">
        {s.unlocked ? 'Unlocked.' : s.passphraseChosen ? 'Locked.' : 'No passphrase chosen yet: PINs cannot be queued.'}
        {s.pinsWaiting > 0 ? ` ${s.pinsWaiting} request(s) with a PIN wait for the desk to be unlocked.` : ''}
      </p>
      {s.protection === 'passphrase' && !s.unlocked ? (
        <form onSubmit={(e) => void unlock(e)} className="settings-form">
          <div className="field">
            <label htmlFor="desk-passphrase" className="field-label">
              {s.passphraseChosen ? 'Desk passphrase' : 'Choose the desk passphrase (at least 10 characters; it cannot be recovered)'}
            </label>
            <input id="desk-passphrase" type="password" autoComplete="off" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
          </div>
          <button type="submit" className="button primary">
            {s.passphraseChosen ? 'Unlock' : 'Choose and unlock'}
          </button>
        </form>
      ) : null}
      {s.protection === 'passphrase' && s.unlocked ? (
        <button type="button" className="button" onClick={() => void lock()}>
          Lock the desk
        </button>
      ) : null}
      <p role="status">{message}</p>
    </section>
  );
}
