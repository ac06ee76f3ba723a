import { afterEach, describe, expect, it } from 'vitest';
import seeds from '../../shared/domain/fixtures/nagravision-seed-examples.json';
import { REAL_SERVER_CAPABILITIES, SANDBOX_CAPABILITIES, type CrmcomCapabilities, type CrmcomRelease } from '../../shared/domain/crmcom-v4';
import { CrmcomClient } from './crmcom-client';
import { CrmcomConnection, type CrmcomLogin } from './crmcom-connection';
import { ERROR, fakeJwt, OK, startScriptedServer, type RecordedCall, type ScriptedServer } from './testing/crmcom-scripted-server';

// The CRM.COM V4 client against a scripted loopback server: the wiki's
// encodings, paths, paging, tokens and answers, and what each failure proves.

const BASE = '/crmapi/rest/v2';
const UUID = '3f2a1c4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const PASSWORD_LOGIN: CrmcomLogin = { method: 'password', username: 'op', password: 'secret-pw', organisation: 'ORG' };
const seedRequest = (seeds[0] as { response: { data: Record<string, unknown> } }).response.data;

let server: ScriptedServer | null = null;
const connections: CrmcomConnection[] = [];
afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.close()));
  await server?.close();
  server = null;
});

function connect(
  s: ScriptedServer,
  options: { release?: CrmcomRelease; capabilities?: Partial<CrmcomCapabilities>; login?: CrmcomLogin; now?: () => number } = {},
): CrmcomConnection {
  const connection = new CrmcomConnection({
    baseUrl: s.baseUrl,
    release: options.release ?? 'R13',
    capabilities: { ...REAL_SERVER_CAPABILITIES, ...options.capabilities },
    login: options.login ?? PASSWORD_LOGIN,
    timeoutMs: 2_000,
    now: options.now,
  });
  connections.push(connection);
  return connection;
}

/** A server that logs in with `token` and answers every other call with `rest`. */
function honest(token: () => string, rest: (call: RecordedCall) => ReturnType<typeof OK>) {
  return (call: RecordedCall) => {
    if (call.path === 'authentication/token' || call.path === 'authentication/web_api_key/token') return OK({ token: token() });
    if (call.path === 'authentication/token/release') return OK(null);
    return rest(call);
  };
}

const posts = (s: ScriptedServer, path: string) => s.calls.filter((c) => c.method === 'POST' && c.path === path);

describe('CRM.COM V4 client', () => {
  it('keeps the base path, POSTs to the plural provider paths and encodes GET identifiers as name=field=value', async () => {
    server = await startScriptedServer(BASE, honest(() => 'T'.repeat(40), (call) => (call.method === 'POST' ? OK({ ...seedRequest, udf_string_8: UUID }) : OK({ id: 'A'.repeat(32), number: '18570', life_cycle_state: 'PENDING' }))));
    const connection = connect(server, { capabilities: { echoesClientUuid: true } });
    const nagra = new CrmcomClient('nagravision', connection);
    const conax = new CrmcomClient('conax', connection);
    const sent = await nagra.submit('add_enhanced_list_of_products', { smartcard_identifier: { serial_number: 'smrt1' }, services_set: [] }, UUID);
    expect(sent.kind).toBe('acknowledged');
    await conax.submit('add_subscriptions', { x: 1 }, UUID);
    expect(posts(server, 'nagravision/provisioning_requests/add_enhanced_list_of_products')).toHaveLength(1);
    expect(posts(server, 'conax_web_services/provisioning_requests/add_subscriptions')).toHaveLength(1);
    expect(server.calls.every((c) => c.url.startsWith(`${BASE}/`))).toBe(true);

    await nagra.show({ number: '18570' }, 'id,number,udf_string_8');
    await conax.show({ id: 'A'.repeat(32) });
    const [generic, conaxShow] = server.calls.filter((c) => c.method === 'GET');
    expect(generic!.path).toBe('provisioning/provisioning_requests/show');
    expect(generic!.url).toContain('provisioning_request_identifier=number=18570');
    // Our UUID is asked only where the server echoes it; the provider's own error words always.
    expect(generic!.query.get('fields_set')).toBe('id,number,udf_string_8,provider_error_code,provider_error_description');
    expect(conaxShow!.path).toBe('conax_web_services/provisioning_requests/show');
    expect(conaxShow!.url).toContain(`provisioning_request_identifier=id=${'A'.repeat(32)}`);
    // One login served both providers.
    expect(posts(server, 'authentication/token')).toHaveLength(1);
  });

  it('R17.3: Nagravision names the card by installed_item_identifier, drops process_immediately and refuses a scheduled_date unsent', async () => {
    server = await startScriptedServer(BASE, honest(() => 'tok', () => OK({ ...seedRequest })));
    const nagra = new CrmcomClient('nagravision', connect(server, { release: 'R17_3' }));
    await nagra.submit('clear_pin', { smartcard_identifier: { serial_number: 's1' }, process_immediately: true }, UUID);
    const body = posts(server, 'nagravision/provisioning_requests/clear_pin')[0]!.body!;
    expect(body.installed_item_identifier).toEqual({ serial_number: 's1' });
    expect(body).not.toHaveProperty('smartcard_identifier');
    expect(body).not.toHaveProperty('process_immediately');
    const scheduled = await nagra.submit('clear_pin', { smartcard_identifier: { serial_number: 's1' }, scheduled_date: '2030-01-01T00:00:00' }, UUID);
    expect(scheduled).toMatchObject({ kind: 'rejected', code: 'NOT_SENDABLE_ON_RELEASE' });
    expect(posts(server, 'nagravision/provisioning_requests/clear_pin')).toHaveLength(1);
  });

  it('never sends a kind the connection cannot send: undocumented Conax methods and PIN paths stay off on a real server', async () => {
    server = await startScriptedServer(BASE, honest(() => 'tok', () => OK({ ...seedRequest })));
    const conax = new CrmcomClient('conax', connect(server));
    const mail = await conax.submit('send_mail_message_to_client', { text: 'hi' }, UUID);
    const pin = await conax.submit('update_ca_pin_to_default_value', {}, UUID);
    expect(mail).toMatchObject({ kind: 'rejected', code: 'NOT_SENDABLE_ON_CONNECTION' });
    expect(pin).toMatchObject({ kind: 'rejected', code: 'NOT_SENDABLE_ON_CONNECTION' });
    expect(server.calls).toHaveLength(0);
    // With the capability on (the sandbox offers it), and the singular spelling when asked for.
    const sandboxLike = new CrmcomClient('conax', connect(server, { capabilities: { ...SANDBOX_CAPABILITIES, conaxSingularPostPath: true } }));
    await sandboxLike.submit('send_mail_message_to_client', { text: 'hi' }, UUID);
    expect(posts(server, 'conax_web_services/provisioning_request/send_mail_message_to_client')).toHaveLength(1);
  });

  it("reads real answers leniently and shows the provider's error as the request's error", async () => {
    const answer = { id: 'B'.repeat(32), number: '7', life_cycle_state: 'REJECTED', sequence_number: 12, error_code: 'AxisFault', error_description: 'java.rmi.RemoteException at ...', provider_error_code: 4711, provider_error_description: 'card unknown to the CAS', udf_string_8: null };
    server = await startScriptedServer(BASE, honest(() => 'tok', () => OK(answer)));
    const conax = new CrmcomClient('conax', connect(server));
    const shown = await conax.show({ number: '7' }, 'id,number');
    expect(shown.kind).toBe('ok');
    if (shown.kind !== 'ok') return;
    expect(shown.data.error_code).toBe('AxisFault');
    expect(shown.data.error_description).toContain('provider error 4711: card unknown to the CAS');
    expect(shown.data.sequence_number).toBe(12);
    // A null UDF from a server that does not echo it is dropped, not read as another request's UUID.
    expect(shown.data).not.toHaveProperty('udf_string_8');
  });

  it('an OK POST answer without our UUID is flagged for verification, not taken as ours', async () => {
    server = await startScriptedServer(BASE, honest(() => 'tok', () => OK({ ...seedRequest })));
    const outcome = await new CrmcomClient('nagravision', connect(server)).submit('clear_pin', { smartcard_identifier: { serial_number: 's' } }, UUID);
    expect(outcome).toMatchObject({ kind: 'unknown', outcomeClass: 'ok_unverifiable' });
  });

  it('refreshes a JWT before its exp, relogs once on a refused read, and never resends a POST whose token was refused', async () => {
    let clock = Date.parse('2026-12-01T08:00:00Z');
    const now = () => clock;
    let issued = 0;
    let refuseNextGet = false;
    server = await startScriptedServer(
      BASE,
      honest(
        () => {
          issued += 1;
          return fakeJwt(clock, 2 * 3600_000, { n: issued });
        },
        (call) => {
          if (call.method === 'GET' && refuseNextGet) {
            refuseNextGet = false;
            return ERROR('INVALID_TOKEN', 'token expired', 401);
          }
          return call.method === 'POST' ? ERROR('TOKEN_EXPIRED', 'token expired') : OK({ id: 'C'.repeat(32), number: '1', life_cycle_state: 'PENDING' });
        },
      ),
    );
    const conax = new CrmcomClient('conax', connect(server, { release: 'R13', now }));
    expect((await conax.show({ number: '1' })).kind).toBe('ok');
    clock += 2 * 3600_000 - 4 * 60_000; // inside the refresh margin: a new login before the call
    expect((await conax.show({ number: '1' })).kind).toBe('ok');
    expect(issued).toBe(2);
    refuseNextGet = true;
    expect((await conax.show({ number: '1' })).kind).toBe('ok');
    expect(issued).toBe(3);

    const outcome = await conax.submit('add_subscriptions', { a: 1 }, UUID);
    expect(outcome).toMatchObject({ kind: 'unknown', outcomeClass: 'unknown_error_code' });
    expect(posts(server, 'conax_web_services/provisioning_requests/add_subscriptions')).toHaveLength(1);
  });

  it('a refused login proves the POST was not sent', async () => {
    server = await startScriptedServer(BASE, (call) => (call.path === 'authentication/token' ? ERROR('LOGIN_FAILED', 'wrong password') : OK({})));
    const outcome = await new CrmcomClient('conax', connect(server)).submit('add_subscriptions', {}, UUID);
    expect(outcome).toMatchObject({ kind: 'auth' });
    expect(server.calls.filter((c) => c.path !== 'authentication/token')).toHaveLength(0);
  });

  it('logs in by Web API key (HTTP Basic user name, empty password) and releases the token at shutdown', async () => {
    server = await startScriptedServer(BASE, honest(() => 'KEYTOKEN', () => OK([])));
    const connection = connect(server, { login: { method: 'web_api_key', key: 'my-api-key', unit: 'U1' } });
    const conax = new CrmcomClient('conax', connection);
    await conax.list({ type: 'ADD_SUBSCRIPTIONS' });
    const login = server.calls[0]!;
    expect(login.path).toBe('authentication/web_api_key/token');
    expect(login.headers.authorization).toBe(`Basic ${Buffer.from('my-api-key:').toString('base64')}`);
    expect(login.body).toEqual({ unit: 'U1' });
    await conax.close();
    const release = posts(server, 'authentication/token/release');
    expect(release).toHaveLength(1);
    expect(release[0]!.body).toEqual({ token: 'KEYTOKEN' });
  });

  it('pages the Conax list by number_of_results and offset from R13, sends no paging before, and has no Nagravision list', async () => {
    server = await startScriptedServer(BASE, honest(() => 'tok', () => OK([])));
    await new CrmcomClient('conax', connect(server, { release: 'R13' })).list({ type: 'ADD_SUBSCRIPTIONS', number_of_results: 50, offset: 100, page: 3, records_per_page: 50 });
    await new CrmcomClient('conax', connect(server, { release: 'R12' })).list({ type: 'ADD_SUBSCRIPTIONS', number_of_results: 50, offset: 100 });
    const [r13, r12] = server.calls.filter((c) => c.method === 'GET');
    expect([r13!.query.get('number_of_results'), r13!.query.get('offset'), r13!.query.get('page')]).toEqual(['50', '100', null]);
    expect([r12!.query.get('number_of_results'), r12!.query.get('offset')]).toEqual([null, null]);
    const nagra = new CrmcomClient('nagravision', connect(server));
    expect(await nagra.list({ type: 'CLEAR_CA_PIN' })).toMatchObject({ kind: 'error', code: 'NO_LIST' });
    expect(nagra.listing).toBe('none');
  });

  it('refuses plain HTTP to another machine unless overridden', () => {
    const options = { release: 'R13' as const, capabilities: REAL_SERVER_CAPABILITIES, login: PASSWORD_LOGIN };
    expect(() => new CrmcomConnection({ ...options, baseUrl: 'http://crm.example/crmapi/rest/v2' })).toThrow(/plain HTTP/);
    const allowed = new CrmcomConnection({ ...options, baseUrl: 'http://crm.example/crmapi/rest/v2', allowPlainHttp: true });
    const secure = new CrmcomConnection({ ...options, baseUrl: 'https://crm.example/crmapi/rest/v2' });
    expect(secure.http.basePath).toBe('/crmapi/rest/v2');
    void allowed.close();
    void secure.close();
  });
});
