import { afterEach, describe, expect, it } from 'vitest';
import { REAL_SERVER_CAPABILITIES } from '../../shared/domain/crmcom-v4';
import { CrmcomClient } from './crmcom-client';
import { CrmcomConnection } from './crmcom-connection';
import { OK, startScriptedServer, type ScriptedServer } from './testing/crmcom-scripted-server';
import { tokenExpiresAt, tokenReplaceAt } from './token-expiry';

// A token's payload is the server's word, read but not trusted: whatever exp
// it claims, no token is kept past its release's lifetime (2 h from R12), and
// a nonsensical exp makes it die at once: replaced before its next use.

const T0 = Date.parse('2026-12-01T08:00:00Z');
const HOUR = 3600_000;

/** A JWT whose payload is exactly `claims` (raw JSON text, so 1e400 and "NaN" can be written). */
const jwt = (claims: string) => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(claims).toString('base64url')}.c2ln`;
const iat = Math.floor(T0 / 1000);

describe('token lifetime', () => {
  it('takes an honest JWT at its word: exp − iat, replaced 5 min before', () => {
    const token = jwt(`{"iat":${iat},"exp":${iat + 7200}}`);
    expect(tokenExpiresAt(token, T0, 'R13')).toBe(T0 + 2 * HOUR);
    expect(tokenReplaceAt(token, T0, 'R13')).toBe(T0 + 2 * HOUR - 5 * 60_000);
  });

  it('caps a JWT claiming years at the release lifetime from when it was obtained', () => {
    const tenYears = jwt(`{"iat":${iat},"exp":${iat + 10 * 365 * 86_400}}`);
    expect(tokenExpiresAt(tenYears, T0, 'R13')).toBe(T0 + 2 * HOUR);
    expect(tokenExpiresAt(tenYears, T0, 'R11')).toBe(T0 + HOUR);
    const noIat = jwt(`{"exp":${iat + 10 * 365 * 86_400}}`);
    expect(tokenExpiresAt(noIat, T0, 'R17_3')).toBe(T0 + 2 * HOUR);
    expect(tokenExpiresAt(jwt(`{"iat":1e-300,"exp":1e308}`), T0, 'R13')).toBe(T0 + 2 * HOUR);
  });

  it.each([
    ['Infinity (1e400)', `{"iat":${iat},"exp":1e400}`],
    ['a string', `{"iat":${iat},"exp":"NaN"}`],
    ['null', `{"iat":${iat},"exp":null}`],
    ['negative', `{"exp":-5}`],
    ['before iat', `{"iat":${iat},"exp":${iat - 60}}`],
    ['in the past (no iat)', `{"exp":${iat - 60}}`],
  ])('a JWT whose exp is %s dies now: replaced before its next use', (_, claims) => {
    expect(tokenExpiresAt(jwt(claims), T0, 'R13')).toBe(T0);
    expect(tokenReplaceAt(jwt(claims), T0, 'R13')).toBe(T0);
  });

  it('reads exp without iat on our clock, corrected by the measured skew', () => {
    const token = jwt(`{"exp":${iat + 3600 + 90}}`);
    // The server's clock is 90 s ahead: its exp is 1 h from now on ours.
    expect(tokenExpiresAt(token, T0, 'R13', 90_000)).toBe(T0 + HOUR);
  });

  it('gives a token that is not a JWT the release lifetime', () => {
    expect(tokenExpiresAt('A'.repeat(32), T0, 'R11')).toBe(T0 + HOUR);
    expect(tokenExpiresAt('opaque.token', T0, 'R12')).toBe(T0 + 2 * HOUR);
  });
});

describe('the session against a server issuing such tokens', () => {
  let server: ScriptedServer | null = null;
  const connections: CrmcomConnection[] = [];
  afterEach(async () => {
    await Promise.all(connections.splice(0).map((c) => c.close()));
    await server?.close();
    server = null;
  });

  async function loginsAfterReads(token: string, steps: number[]): Promise<number> {
    let clock = T0;
    server = await startScriptedServer('/crmapi/rest/v2', (call) =>
      call.path === 'authentication/token' ? OK({ token }) : OK({ id: 'C'.repeat(32), number: '1', life_cycle_state: 'PENDING' }),
    );
    const connection = new CrmcomConnection({
      baseUrl: server.baseUrl,
      release: 'R13',
      capabilities: REAL_SERVER_CAPABILITIES,
      login: { method: 'password', username: 'u', password: 'p', organisation: 'o' },
      timeoutMs: 2_000,
      now: () => clock,
    });
    connections.push(connection);
    const conax = new CrmcomClient('conax', connection);
    for (const step of steps) {
      clock += step;
      expect((await conax.show({ number: '1' })).kind).toBe('ok');
    }
    return server.calls.filter((c) => c.path === 'authentication/token').length;
  }

  it('logs in again within 2 h although the token claims ten years', async () => {
    const token = jwt(`{"iat":${iat},"exp":${iat + 10 * 365 * 86_400}}`);
    expect(await loginsAfterReads(token, [0, HOUR, 2 * HOUR - HOUR])).toBe(2);
  });

  it('logs in before every use of a token whose exp is Infinity', async () => {
    expect(await loginsAfterReads(jwt(`{"iat":${iat},"exp":1e400}`), [0, 1, 1])).toBe(3);
  });
});
