import { afterEach, describe, expect, it } from 'vitest';
import { TokenStore } from './auth-tokens';
import { DEFAULT_CREDENTIALS } from './headend-options';
import { httpCall } from './testing/sandbox-probe';
import { startFixture, type Fixture } from './testing/headend-fixture';

const creds = { ...DEFAULT_CREDENTIALS };
const addBody = (token: string) => ({
  token,
  subscription_identifier: { number: 'S60507' },
  smartcard_identifier: { serial_number: 'smrt20000054' },
});

describe('login, expiry, release, UNAUTHORIZED', () => {
  let fx: Fixture | undefined;
  afterEach(async () => {
    await fx?.stop();
    fx = undefined;
  });

  it('logs in over HTTP and over TCP with a 32 upper-case hex token', async () => {
    fx = await startFixture();
    const http = await httpCall(fx.headend.baseUrl, 'POST', '/authentication/token', { ...creds, unit: 'Call Centre' });
    expect(http.body.status.code).toBe('OK');
    expect((http.body.data as { token: string }).token).toMatch(/^[0-9A-F]{32}$/);
    const tcp = await fx.nagra('authentication/token', creds);
    expect(tcp.status.code).toBe('OK');
    const token = (tcp.data as { token: string }).token;
    expect(token).toMatch(/^[0-9A-F]{32}$/);
    // the unit given at login appears in log_information
    const created = await fx.nagra('clear_pin', addBody((http.body.data as { token: string }).token));
    expect((created.data as { log_information: { created_by_unit: { name: string } } }).log_information.created_by_unit.name).toBe('Call Centre');
  });

  it('refuses wrong credentials with UNAUTHORIZED and a bad login body with INVALID_PARAMETERS naming the field', async () => {
    fx = await startFixture();
    const wrong = await httpCall(fx.headend.baseUrl, 'POST', '/authentication/token', { ...creds, password: 'nope' });
    expect(wrong.httpStatus).toBe(401);
    expect(wrong.body.status.code).toBe('UNAUTHORIZED');
    expect(wrong.body.data).toBeNull();
    const missing = await fx.nagra('authentication/token', { username: 'operator', password: 'sandbox' });
    expect(missing.status.code).toBe('INVALID_PARAMETERS');
    expect(missing.status.description).toContain('organisation');
  });

  it('answers UNAUTHORIZED for an unknown token, a released one and an expired one', async () => {
    // token expiry runs on this clock, not the wall clock: no sleeps
    let now = 1_000_000;
    fx = await startFixture({ tokenIdleTimeoutMs: 600, now: () => now });
    const unknown = await fx.nagra('clear_pin', addBody('0123456789ABCDEF0123456789ABCDEF'));
    expect(unknown.status.code).toBe('UNAUTHORIZED');

    const released = await fx.login();
    const rel = await httpCall(fx.headend.baseUrl, 'POST', '/authentication/token/release', { token: released });
    expect(rel.body.status.code).toBe('OK');
    expect((await fx.nagra('clear_pin', addBody(released))).status.code).toBe('UNAUTHORIZED');
    const again = await httpCall(fx.headend.baseUrl, 'POST', '/authentication/token/release', { token: released });
    expect(again.body.status.code).toBe('UNAUTHORIZED');

    const idle = await fx.login();
    // use keeps it alive: 1,000 ms since login, but never 600 idle...
    now += 500;
    expect((await fx.nagra('clear_pin', addBody(idle))).status.code).toBe('OK');
    now += 500;
    expect((await fx.nagra('clear_pin', addBody(idle))).status.code).toBe('OK');
    now += 599;
    expect((await fx.nagra('clear_pin', addBody(idle))).status.code).toBe('OK');
    // ...600 ms of idleness expires it
    now += 600;
    const expired = await fx.nagra('clear_pin', addBody(idle));
    expect(expired.status.code).toBe('UNAUTHORIZED');
    expect(expired.data).toBeNull();
  });

  it('a request without token names the token field', async () => {
    fx = await startFixture();
    const { token: _t, ...noToken } = addBody('x');
    const answer = await fx.nagra('clear_pin', noToken);
    expect(answer.status.code).toBe('INVALID_PARAMETERS');
    expect(answer.status.field_errors?.[0]?.field).toBe('token');
  });
});

describe('TokenStore', () => {
  it('expires on idleness and, when set, on absolute lifetime', () => {
    let now = 1_000;
    const store = new TokenStore(creds, 100, 250, () => now);
    const login = store.login(creds);
    if (!login.ok) throw new Error('login failed');
    now += 90;
    expect(store.use(login.token)).not.toBeNull();
    now += 90;
    expect(store.use(login.token)).not.toBeNull();
    now += 90; // 270 since creation: past the absolute lifetime though used recently
    expect(store.use(login.token)).toBeNull();
    const other = store.login(creds);
    if (!other.ok) throw new Error('login failed');
    now += 100;
    expect(store.use(other.token)).toBeNull();
    expect(store.login({ ...creds, organisation: 'OTHER' }).ok).toBe(false);
  });
});
