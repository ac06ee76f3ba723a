import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { OperatorSession } from '../../shared/ipc/operator-schemas';
import { SignInScreen } from '../screens/sign-in/SignInScreen';
import { useApi, useEvent } from './api-context';

// The console only for a signed-in operator. The back end is the judge (it
// refuses actions without a session); this shows the sign-in screen whenever
// it has none — at start, after a sign-out, after the inactivity sign-out —
// and reports the operator's activity (keys, pointer) so the back end's
// inactivity clock restarts, at most once every ACTIVITY_EVERY_MS.

const ACTIVITY_EVERY_MS = 30_000;

export function SignedIn({ children }: { children: (session: OperatorSession, signOut: () => void) => ReactNode }) {
  const api = useApi();
  const [session, setSession] = useState<OperatorSession | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    void api.invoke('operators.session', {}).then((r) => (r.ok ? setSession(r.value) : setError(r.error.message)));
  }, [api]);
  useEffect(load, [load]);
  useEvent('operators.session', setSession);

  const lastTouch = useRef(0);
  const signedIn = session?.operator != null;
  useEffect(() => {
    if (!signedIn) return;
    const touch = () => {
      const now = Date.now();
      if (now - lastTouch.current < ACTIVITY_EVERY_MS) return;
      lastTouch.current = now;
      void api.invoke('operators.touch', {}).then((r) => r.ok && setSession(r.value));
    };
    window.addEventListener('keydown', touch, true);
    window.addEventListener('pointerdown', touch, true);
    return () => {
      window.removeEventListener('keydown', touch, true);
      window.removeEventListener('pointerdown', touch, true);
    };
  }, [api, signedIn]);

  const signOut = useCallback(() => {
    void api.invoke('operators.signOut', {}).then((r) => (r.ok ? setSession(r.value) : load()));
  }, [api, load]);

  if (session === null) return <p role="status">{error ?? 'Loading…'}</p>;
  if (session.operator === null) return <SignInScreen session={session} onChange={setSession} />;
  return <>{children(session, signOut)}</>;
}
