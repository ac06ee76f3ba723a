import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { tempStore } from '../store/testing/temp-store';
import { OperatorSession } from './operator-session';
import { signInKdfRuns } from './operator-passwords';
import { FAILURES_BEFORE_LOCKOUT, FIRST_LOCKOUT_MS, MAX_LOCKOUT_MS, SignInThrottle } from './sign-in-throttle';
import { keychainStandIn } from './testing/keychain-stand-in';

// Failed sign-ins: each one is an audit event (a known operator's name, an
// unknown name's length only, never the password); five in a row lock the
// operator or name (30 s, doubling, at most 15 min), even for the right
// password; an unknown name costs the same KDF run as a wrong password.

const ALICE = { name: 'Alice Operator', password: 'alice password 1' };
const WRONG = 'not alices password';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function desk() {
  const t = tempStore();
  let now = 1_700_000_000_000;
  const session = new OperatorSession(t.store, keychainStandIn(), { clock: () => now });
  session.create(ALICE);
  session.signOut();
  cleanups.push(() => {
    session.close();
    t.done();
  });
  const signIn = (name: string, password: string) => {
    try {
      session.signIn(name, password);
      return 'signed in';
    } catch (error) {
      return (error as Error).message;
    }
  };
  const failedEvents = () => {
    t.store.close();
    const db = new Database(t.file, { readonly: true });
    try {
      return (db.prepare("SELECT actor, detail FROM request_event_log WHERE kind = 'desk.sign_in_failed' ORDER BY id").all() as { actor: string; detail: string }[]).map(
        (e): { actor: string; operator: string | null; failures: number; locked_for_s: number } => ({ actor: e.actor, ...(JSON.parse(e.detail) as { operator: string | null; failures: number; locked_for_s: number }) }),
      );
    } finally {
      db.close();
    }
  };
  return { session, signIn, failedEvents, advance: (ms: number) => (now += ms), file: t.file };
}

describe('failed sign-ins', () => {
  it('are audit events naming a known operator, and only the length of an unknown name, never the password', () => {
    const d = desk();
    const passwordAsName = 'my secret pass 7';
    expect(d.signIn('alice OPERATOR', WRONG)).toBe('wrong operator name or password');
    expect(d.signIn('Alcie Operator', WRONG)).toBe('wrong operator name or password');
    // A password typed into the name field: the chain keeps events for ever, so it must not be there.
    expect(d.signIn(passwordAsName, WRONG)).toBe('wrong operator name or password');
    expect(d.signIn(ALICE.name, ALICE.password)).toBe('signed in');
    d.session.signOut();
    const events = d.failedEvents();
    expect(events).toEqual([
      { actor: 'desk', operator: ALICE.name, failures: 1, locked_for_s: 0 },
      { actor: 'desk', operator: null, unknown_name_length: 'Alcie Operator'.length, failures: 1, locked_for_s: 0 },
      { actor: 'desk', operator: null, unknown_name_length: passwordAsName.length, failures: 1, locked_for_s: 0 },
    ]);
    expect(JSON.stringify(events)).not.toContain(WRONG);
    const file = readFileSync(d.file);
    for (const typed of [passwordAsName, 'Alcie Operator', 'alice OPERATOR']) expect(file.includes(Buffer.from(typed))).toBe(false);
  });

  it(`lock the name after ${FAILURES_BEFORE_LOCKOUT} failures: even the right password is refused until the lockout ends, which doubles up to 15 min`, () => {
    const d = desk();
    for (let i = 0; i < FAILURES_BEFORE_LOCKOUT; i++) expect(d.signIn(ALICE.name, WRONG)).toBe('wrong operator name or password');
    expect(d.signIn(ALICE.name, ALICE.password)).toMatch(/too many failed sign-ins as Alice Operator: try again in 30 s/);
    d.advance(FIRST_LOCKOUT_MS - 1000);
    expect(d.signIn(ALICE.name, ALICE.password)).toMatch(/try again in 1 s/);
    // Another name is not locked by Alice's failures.
    expect(d.signIn('Bob Operator', WRONG)).toBe('wrong operator name or password');
    d.advance(1000);
    // The lockout is over; one more failure locks for twice as long, and so on up to the cap.
    expect(d.signIn(ALICE.name, WRONG)).toBe('wrong operator name or password');
    expect(d.signIn(ALICE.name, ALICE.password)).toMatch(/try again in 60 s/);
    for (let i = 0; i < 6; i++) {
      d.advance(MAX_LOCKOUT_MS);
      expect(d.signIn(ALICE.name, WRONG)).toBe('wrong operator name or password');
    }
    expect(d.signIn(ALICE.name, ALICE.password)).toMatch(/try again in 900 s/);
    d.advance(MAX_LOCKOUT_MS);
    expect(d.signIn(ALICE.name, ALICE.password)).toBe('signed in');
    d.session.signOut();
    // A success clears the count: the next failure does not lock.
    expect(d.signIn(ALICE.name, WRONG)).toBe('wrong operator name or password');
    expect(d.signIn(ALICE.name, ALICE.password)).toBe('signed in');
    d.session.signOut();
    const locks = d.failedEvents().filter((e) => e.operator === ALICE.name).map((e) => e.locked_for_s);
    expect(locks).toEqual([0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900, 0]);
  });

  it('lock the operator, not the letters typed: another case or spacing of a locked name gets no fresh tries', () => {
    const d = desk();
    for (let i = 0; i < FAILURES_BEFORE_LOCKOUT; i++) expect(d.signIn(ALICE.name, WRONG)).toBe('wrong operator name or password');
    // operators.name is COLLATE NOCASE: "alice operator" signs in as Alice Operator, so it is the same lockout.
    expect(d.signIn('alice operator', ALICE.password)).toMatch(/too many failed sign-ins as alice operator: try again in 30 s/);
    expect(d.signIn('ALICE OPERATOR', WRONG)).toMatch(/too many failed sign-ins/);
    // An unknown name is counted trimmed and lower-cased: its spellings share one count.
    for (let i = 0; i < FAILURES_BEFORE_LOCKOUT; i++) expect(d.signIn(i % 2 === 0 ? 'Nobody Here' : ' nobody here ', WRONG)).toBe('wrong operator name or password');
    expect(d.signIn('NOBODY HERE', WRONG)).toMatch(/too many failed sign-ins/);
    d.advance(FIRST_LOCKOUT_MS);
    expect(d.signIn('alice operator', ALICE.password)).toBe('signed in');
  });

  it('never forget a locked name to make room: only unlocked ones go, and when all are locked a new name waits too', () => {
    let now = 0;
    const throttle = new SignInThrottle(() => now, 3);
    const lock = (key: string) => {
      for (let i = 0; i < FAILURES_BEFORE_LOCKOUT; i++) throttle.failed(key);
    };
    lock('a');
    throttle.failed('b');
    throttle.failed('c');
    now += 1000;
    // Full: room is made from the oldest unlocked (b), never from a, though its last failure is older.
    expect(throttle.lockedFor('d')).toBe(0);
    throttle.failed('d');
    expect(throttle.lockedFor('a')).toBe(FIRST_LOCKOUT_MS - 1000);
    expect(throttle.failed('c').failures).toBe(2);
    expect(throttle.failed('b').failures).toBe(1); // b was forgotten (d made room from it): counted afresh, evicting d
    // Every remembered name locked: a name not yet counted waits for the earliest lockout to end.
    lock('b');
    lock('c');
    expect(throttle.lockedFor('e')).toBe(FIRST_LOCKOUT_MS - 1000);
    now += FIRST_LOCKOUT_MS - 1000;
    expect(throttle.lockedFor('e')).toBe(0);
    throttle.failed('e');
    expect(throttle.lockedFor('a')).toBe(0);
    expect(throttle.failed('e').failures).toBe(2);
    expect(throttle.lockedFor('b')).toBeGreaterThan(0);
    expect(throttle.lockedFor('c')).toBeGreaterThan(0);
  });

  it('an unknown name costs the same KDF run as a wrong password', () => {
    const d = desk();
    let before = signInKdfRuns();
    expect(d.signIn(ALICE.name, WRONG)).toBe('wrong operator name or password');
    expect(signInKdfRuns() - before).toBe(1);
    before = signInKdfRuns();
    expect(d.signIn('Nobody Here', WRONG)).toBe('wrong operator name or password');
    expect(signInKdfRuns() - before).toBe(1);
  });
});
