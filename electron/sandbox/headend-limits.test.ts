import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startFixture, type Fixture } from './testing/headend-fixture';
import { httpCall } from './testing/sandbox-probe';
import { lineLogger } from '../logging/testing/line-logger';

const CARD = { serial_number: 'smrt20000054' };
const clearPin = (token: string) => ({ token, subscription_identifier: { number: 'S60507' }, smartcard_identifier: CARD });

/** A raw POST: any content type, any body size; resolves with the status or the socket error. */
function rawPost(
  port: number,
  path: string,
  body: Buffer | string,
  contentType?: string,
): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders } | { error: string }> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: contentType ? { 'content-type': contentType } : {} },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
        res.on('error', (e) => resolve({ error: e.message }));
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', (e) => resolve({ error: e.message }));
    req.end(body);
  });
}

describe('limits: answer frame size, body size, content type', () => {
  let fx: Fixture;
  afterEach(() => fx.stop());

  it('a TCP answer larger than one frame becomes INVALID_PARAMETERS naming records_per_page and fields_set', async () => {
    // a small frame limit stands for the 1 MiB one: 20 requests of ~1.4 KB do not fit in 16 KiB
    const maxFrameBytes = 16 * 1024;
    const logged: string[] = [];
    fx = await startFixture({ processingPaused: true, maxFrameBytes, logger: lineLogger(logged) });
    const token = await fx.login();
    const probe = await fx.probe();
    for (let i = 0; i < 20; i++) expect((await fx.nagra('clear_pin', clearPin(token), probe)).status.code).toBe('OK');
    const list = (extra: Record<string, unknown>) =>
      fx.nagra('list', { token, type: 'CLEAR_CA_PIN', ...extra }, probe);

    const whole = await list({ records_per_page: 20 });
    expect(whole.status.code).toBe('INVALID_PARAMETERS');
    expect(whole.data).toBeNull();
    expect(whole.status.field_errors?.map((e) => e.field)).toEqual(['records_per_page', 'fields_set']);
    expect(whole.status.description).toContain('answer too large for one frame');
    expect(whole.status.description).toContain(`limit ${maxFrameBytes}`);
    expect(logged.some((l) => l.includes('exceeds the frame limit'))).toBe(true);

    // the connection is still in step: fewer records, or fewer fields, fit
    const fewer = await list({ records_per_page: 5 });
    expect(fewer.status.code).toBe('OK');
    expect(fewer.data).toHaveLength(5);
    const narrow = await list({ records_per_page: 20, fields_set: 'number,life_cycle_state' });
    expect(narrow.status.code).toBe('OK');
    expect(narrow.data).toHaveLength(20);
    expect(probe.closed).toBe(false);
    expect(probe.errors).toEqual([]);
  });

  it('a body far over the limit (socket cut while reading) settles its handler; the server keeps serving', async () => {
    // maxBodyBytes 1 KiB: up to 4 KiB is drained and answered 413, beyond that the socket is closed
    fx = await startFixture({ processingPaused: true, maxBodyBytes: 1024 });
    const token = await fx.login();
    const port = fx.headend.httpPort;
    const path = '/conax_web_services/provisioning_request/send_mail_message_to_client';

    const drained = await rawPost(port, path, JSON.stringify({ token, pad: 'x'.repeat(2048) }), 'application/json');
    expect('status' in drained && drained.status).toBe(413);

    const cut = await rawPost(port, path, JSON.stringify({ token, pad: 'x'.repeat(512 * 1024) }), 'application/json');
    expect('error' in cut || cut.status === 413).toBe(true);
    // no handler is left waiting for a body that will never end
    await eventually(() => (fx.headend.state().http_requests_in_flight === 0 ? true : undefined), 3000, 'handlers to settle');

    const fine = await fx.conax('send_mail_message_to_client', { token, smartcard_identifier: CARD, message_text: 'ok' });
    expect(fine.body.status.code).toBe('OK');
    expect(fx.headend.received()).toHaveLength(1);
  });

  it('POSTs not marked application/json get 415 and do nothing (control, login, Conax); no permissive preflight', async () => {
    fx = await startFixture({ processingPaused: true });
    const token = await fx.login();
    const port = fx.headend.httpPort;
    const probe = await fx.probe();
    const creds = JSON.stringify({ username: 'operator', password: 'sandbox', organisation: 'SANDBOX' });
    const add = JSON.stringify({ token, smartcard_identifier: CARD, message_text: 'hi' });
    const conaxPath = '/conax_web_services/provisioning_request/send_mail_message_to_client';

    // what a web page may send cross-origin without a preflight
    for (const [path, body, type] of [
      ['/sandbox/control/restart', '', 'text/plain'],
      ['/sandbox/control/faults', JSON.stringify({ answerNever: true }), 'text/plain;charset=UTF-8'],
      ['/sandbox/control/process-now', '', 'application/x-www-form-urlencoded'],
      ['/authentication/token', creds, 'text/plain'],
      [conaxPath, add, 'multipart/form-data; boundary=x'],
      [conaxPath, add, undefined],
    ] as const) {
      const answer = await rawPost(port, path, body, type);
      if (!('status' in answer)) throw new Error(`${path}: ${answer.error}`);
      expect(answer.status, `${path} ${type}`).toBe(415);
      const envelope = JSON.parse(answer.text) as { status: { code: string; description: string }; data: unknown };
      expect(envelope.status.code).toBe('INVALID_PARAMETERS');
      expect(envelope.status.description).toContain('application/json');
      expect(envelope.data).toBeNull();
    }
    // nothing happened: no restart (the TCP connection lives), no fault, nothing created
    expect(probe.closed || probe.ended).toBe(false);
    expect(fx.headend.state().faults).toMatchObject({ answerNever: false });
    expect(fx.headend.received()).toEqual([]);

    // a CORS preflight gets no permission
    const preflight = await fetch(`${fx.headend.controlUrl}/restart`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(preflight.ok).toBe(false);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();

    // JSON with a charset is JSON
    const ok = await rawPost(port, conaxPath, add, 'application/json; charset=utf-8');
    expect('status' in ok && ok.status).toBe(200);
    expect((await httpCall(fx.headend.baseUrl, 'POST', '/sandbox/control/process-now')).body.status.code).toBe('OK');
  });
});
