import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisioningRequestListEnvelope, provisioningRequestSchema } from '../../shared/domain/provisioning-request';
import { startFixture, type Fixture } from './testing/headend-fixture';
import { httpCall } from './testing/sandbox-probe';

const CARD = { serial_number: 'smrt20000054' };

describe('Conax over HTTP: POST, show, list, paging, fields_set', () => {
  let fx: Fixture;
  let token: string;
  const get = (path: string, query: Record<string, string>) =>
    httpCall(fx.headend.baseUrl, 'GET', `/conax_web_services/provisioning_requests/${path}`, undefined, { token, ...query });
  beforeAll(async () => {
    fx = await startFixture({ processingPaused: true, processingDelayMs: 0 });
    token = await fx.login();
  });
  afterAll(() => fx.stop());

  it('accepts both POST spellings, echoes udf fields, answers the request object', async () => {
    const a = await fx.conax('send_mail_message_to_client', { token, smartcard_identifier: CARD, message_text: 'a', udf_string_1: 'ticket-7', udf_float_2: 1.5 });
    expect(a.httpStatus).toBe(200);
    const data = provisioningRequestSchema.parse(a.body.data);
    expect(data).toMatchObject({ type: 'SEND_MAIL_MESSAGE_TO_CLIENT', life_cycle_state: 'PENDING', udf_string_1: 'ticket-7', udf_float_2: 1.5 });
    const b = await httpCall(fx.headend.baseUrl, 'POST', '/conax_web_services/provisioning_requests/add_subscriptions', {
      token, subscription_identifier: { number: 'S60507' }, smartcard_identifier: CARD, service_identifier: { code: 'Gold' },
    });
    expect(provisioningRequestSchema.parse(b.body.data).type).toBe('ADD_SUBSCRIPTIONS');
    const pin = await fx.conax('update_ca_pin_to_given_value', { token, subscription_identifier: { number: 'S60507' }, smartcard_ca_id: '10020000054', pin: '2468' });
    const pinData = provisioningRequestSchema.parse(pin.body.data);
    expect(pinData.parameters_set.some((p) => 'ca_pin' in p && p.ca_pin === null)).toBe(true);
    expect(JSON.stringify(pin.body)).not.toContain('2468');
  });

  it('show by number and by id (JSON-encoded identifier), with fields_set', async () => {
    const created = provisioningRequestSchema.parse(
      (await fx.conax('send_mail_message_to_client', { token, smartcard_identifier: CARD, message_text: 'show me' })).body.data,
    );
    const byNumber = await get('show', { provisioning_request_identifier: JSON.stringify({ number: created.number }) });
    expect(provisioningRequestSchema.parse(byNumber.body.data)).toEqual(created);
    const byId = await get('show', { provisioning_request_identifier: JSON.stringify({ id: created.id }), fields_set: 'id,life_cycle_state' });
    expect(byId.body.data).toEqual({ id: created.id, life_cycle_state: 'PENDING' });
    // a Nagravision request is not visible through the Conax API, and vice versa
    const nagra = await fx.nagra('clear_pin', { token, subscription_identifier: { number: 'S60507' }, smartcard_identifier: CARD });
    const hidden = await get('show', { provisioning_request_identifier: JSON.stringify({ number: (nagra.data as { number: string }).number }) });
    expect(hidden.body.status.code).toBe('NOT_FOUND');
    const hiddenTcp = await fx.nagra('show', { token, provisioning_request_identifier: { number: created.number } }, fx.probes[0]);
    expect(hiddenTcp.status.code).toBe('NOT_FOUND');
  });

  it('lists by type, life_cycle_state and reference_number, paged', async () => {
    for (let i = 0; i < 7; i++) {
      await fx.conax('send_bark_message_to_client', { token, smartcard_identifier: CARD, message_text: `bark ${i}` });
    }
    const page1 = await get('list', { type: 'SEND_BARK_MESSAGE_TO_CLIENT', records_per_page: '3' });
    expect(provisioningRequestListEnvelope.safeParse(page1.body).success).toBe(true);
    expect(page1.body.paging).toEqual({ page: 1, records_per_page: 3, total_records: 7, total_pages: 3 });
    const page3 = await get('list', { type: 'SEND_BARK_MESSAGE_TO_CLIENT', records_per_page: '3', page: '3', fields_set: 'number' });
    expect(page3.body.data).toHaveLength(1);
    const all = await get('list', { type: 'SEND_BARK_MESSAGE_TO_CLIENT', fields_set: 'number' });
    const numbers = (all.body.data as { number: string }[]).map((r) => Number(r.number));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect((page3.body.data as { number: string }[])[0]!.number).toBe(String(numbers[6]));

    fx.headend.processNow();
    const completed = await get('list', { life_cycle_state: 'COMPLETED', records_per_page: '1000' });
    const objects = (completed.body.data as unknown[]).map((o) => provisioningRequestSchema.parse(o));
    expect(objects.length).toBeGreaterThanOrEqual(7);
    const ref = objects[0]!.reference_number!;
    const byRef = await get('list', { reference_number: ref });
    expect((byRef.body.data as { reference_number: string }[]).map((r) => r.reference_number)).toEqual([ref]);
    const pending = await get('list', { life_cycle_state: 'PENDING' });
    expect(pending.body.data).toEqual([]);
    // Nagravision list over TCP sees Nagravision types only
    const tcpList = await fx.nagra('list', { token, life_cycle_state: 'COMPLETED', records_per_page: 1000 }, fx.probes[0]);
    expect((tcpList.data as { type: string }[]).every((r) => r.type === 'CLEAR_CA_PIN')).toBe(true);
  });

  it('a GET on a POST method, or a POST on show, is refused with 405', async () => {
    const wrong = await httpCall(fx.headend.baseUrl, 'GET', '/conax_web_services/provisioning_request/add_subscriptions');
    expect(wrong.httpStatus).toBe(405);
    const wrong2 = await httpCall(fx.headend.baseUrl, 'POST', '/conax_web_services/provisioning_requests/show', { token });
    expect(wrong2.httpStatus).toBe(405);
  });
});
