import { useState } from 'react';
import { profileProviders, type HeadendProfileId } from '../../../shared/domain/headend-profiles';
import type { Provider } from '../../../shared/domain/request-types';
import type { ConnectionTestResult } from '../../../shared/ipc/app-schemas';
import { useApi } from '../../app/api-context';
import { providerLabel } from '../../app/format';

// "Test connection" per provider of the saved profile: reachability, and for
// a profile with its own login (CRM.COM) the login, when the token dies, the
// clock skew and which undocumented calls answer. Read-only: nothing is created.

function describeResult(r: ConnectionTestResult): string[] {
  const lines = [r.message];
  if (r.login !== null) lines.push(`Login: ${r.login === 'ok' ? 'ok' : 'failed'}`);
  if (r.tokenExpiresAt !== null) lines.push(`Token valid until ${new Date(r.tokenExpiresAt).toLocaleString()}`);
  if (r.clockSkewMs !== null) lines.push(`Server clock ${Math.abs(Math.round(r.clockSkewMs / 1000))} s ${r.clockSkewMs >= 0 ? 'ahead of' : 'behind'} this desk`);
  for (const c of r.capabilities) lines.push(`${c.label}: ${c.result === 'answers' ? 'answers' : c.result === 'does-not-answer' ? 'does not answer' : 'cannot be tested'} — ${c.detail}`);
  return lines;
}

export function ConnectionTestPanel({ profile }: { profile: HeadendProfileId }) {
  const api = useApi();
  const [tests, setTests] = useState<Partial<Record<Provider, string[]>>>({});

  const test = async (provider: Provider) => {
    setTests((t) => ({ ...t, [provider]: ['Testing…'] }));
    const result = await api.invoke('connections.test', { provider });
    setTests((t) => ({ ...t, [provider]: result.ok ? describeResult(result.value) : [result.error.message] }));
  };

  return (
    <section className="panel" aria-labelledby="test-title">
      <h2 id="test-title">Test the connections</h2>
      {profileProviders(profile).map((p) => (
        <div key={p} className="test-row">
          <button type="button" className="button" onClick={() => void test(p)}>
            Test {providerLabel(p)}
          </button>
          <div role="status" data-testid={`test-${p}`}>
            {(tests[p] ?? []).map((line, i) => (
              <div key={i}>{line}</div>
            ))}
          </div>
        </div>
      ))}
    </section>
  );
}
