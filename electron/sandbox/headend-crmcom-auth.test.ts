// Contract tests of the CRM.COM V4 profile's login against the real sandbox on
// port 0: JWT from R12 dying 2 h after issue whatever the use, opaque 1 h idle
// before R12, Web API key login, token release, the release switch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRMCOM_JWT_LIFETIME_MS, CRMCOM_IDLE_TOKEN_LIFETIME_MS } from '../../shared/domain/crmcom-v4';
import { DEFAULT_CREDENTIALS, DEFAULT_WEB_API_KEY } from './headend-options';
import { startFixture, type Fixture } from './testing/headend-fixture';
import { CrmcomProbe, jwtClaims } from './testing/crmcom-probe';
import { httpCall } from './testing/sandbox-probe';

const SUB = { subscription_identifier: 'number=S60507' };

describe('CRM.COM V4 profile: login and tokens', () => {
  let fx: Fixture;
  let crm: CrmcomProbe;
  let clock = Date.parse('2026-01-05T10:00:00Z');
  const release = (r: string) => httpCall(fx.headend.baseUrl, 'POST', '/sandbox/control/release', { release: r });
  beforeAll(async () => {
    fx = await startFixture({ processingPaused: true, now: () => clock });
    crm = new CrmcomProbe(fx.headend.crmcomUrl);
  });
  afterAll(() => fx.stop());

  it('defaults to R17_3 and issues a JWT with the wiki claims, dying 2 h after issue however often it is used', async () => {
    expect(fx.headend.state().crmcom_release).toBe('R17_3');
    const login = await crm.post('authentication/token', { ...DEFAULT_CREDENTIALS, unit: 'Field Office' });
    expect(login.body.status).toEqual({ code: 'OK', message: null, description: null });
    expect(login.body).not.toHaveProperty('paging');
    const token = (login.body.data as { token: string }).token;
    expect(token.length).toBeGreaterThan(32);
    const claims = jwtClaims(token)!;
    expect(Object.keys(claims).sort()).toEqual(['exp', 'iat', 'jti', 'org', 'oun', 'usr']);
    expect(claims).toMatchObject({ usr: 'operator', org: 'SANDBOX', oun: 'Field Office', iat: Math.floor(clock / 1000) });
    expect((claims.exp as number) - (claims.iat as number)).toBe(CRMCOM_JWT_LIFETIME_MS / 1000);

    const started = clock;
    for (let minutes = 30; minutes < 120; minutes += 30) {
      clock = started + minutes * 60_000;
      expect((await crm.get('subscriptions/show', { token, ...SUB })).body.status.code).toBe('OK');
    }
    clock = started + CRMCOM_JWT_LIFETIME_MS;
    const late = await crm.get('subscriptions/show', { token, ...SUB });
    expect(late.body.status.code).not.toBe('OK');
    expect(late.body.data).toBeNull();
  });

  it('before R12 issues an opaque token that dies after 1 h without use', async () => {
    await release('R11');
    const token = await crm.login();
    expect(jwtClaims(token)).toBeNull();
    expect(token).toMatch(/^[0-9A-F]{32}$/);
    const started = clock;
    for (let minutes = 50; minutes <= 150; minutes += 50) {
      clock = started + minutes * 60_000;
      expect((await crm.get('subscriptions/show', { token, ...SUB })).body.status.code).toBe('OK');
    }
    clock += CRMCOM_IDLE_TOKEN_LIFETIME_MS;
    expect((await crm.get('subscriptions/show', { token, ...SUB })).body.status.code).not.toBe('OK');
    await release('R17_3');
  });

  it('logs in by Web API key (HTTP Basic user name, empty password), empty body or a unit', async () => {
    const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });
    const bare = await fetch(`${fx.headend.crmcomUrl}/authentication/web_api_key/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...basic(DEFAULT_WEB_API_KEY) },
    });
    const body = (await bare.json()) as { status: { code: string }; data: { token: string } };
    expect(body.status.code).toBe('OK');
    expect(jwtClaims(body.data.token)).toMatchObject({ usr: 'web-api', org: 'SANDBOX' });
    const withUnit = await crm.post('authentication/web_api_key/token', { unit: 'Depot' }, basic(DEFAULT_WEB_API_KEY));
    expect(jwtClaims((withUnit.body.data as { token: string }).token)).toMatchObject({ oun: 'Depot' });
    const wrong = await crm.post('authentication/web_api_key/token', {}, basic('not-the-key'));
    expect(wrong.body.status.code).not.toBe('OK');
    expect(wrong.body.status.message).toBeTruthy();
    const none = await crm.post('authentication/web_api_key/token', {});
    expect(none.body.status.code).not.toBe('OK');
  });

  it('refuses a wrong password and missing organisation; releases a token', async () => {
    const bad = await crm.post('authentication/token', { username: 'operator', password: 'nope', organisation: 'SANDBOX' });
    expect(bad.body.status.code).not.toBe('OK');
    const noOrg = await crm.post('authentication/token', { username: 'operator', password: 'sandbox' });
    expect(noOrg.body.status.code).not.toBe('OK');
    expect(noOrg.body.status.description).toContain('organisation');
    const token = await crm.login();
    expect((await crm.post('authentication/token/release', { token })).body.status.code).toBe('OK');
    expect((await crm.get('subscriptions/show', { token, ...SUB })).body.status.code).not.toBe('OK');
  });

  it('switches release by control knob; refuses an unknown release; wrong verb and unknown path are errors', async () => {
    expect((await release('R13')).body.data).toEqual({ release: 'R13' });
    expect(fx.headend.state().crmcom_release).toBe('R13');
    const badRelease = await release('R99');
    expect(badRelease.body.status.code).toBe('INVALID_PARAMETERS');
    expect(fx.headend.state().crmcom_release).toBe('R13');
    fx.headend.setRelease('R17_3');
    expect((await crm.get('authentication/token', {})).httpStatus).toBe(405);
    const unknown = await crm.get('nagravision/provisioning_requests/show', {});
    expect(unknown.httpStatus).toBe(404);
    expect(unknown.body.status.code).not.toBe('OK');
  });
});
