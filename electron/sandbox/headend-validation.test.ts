import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixture, type Fixture } from './testing/headend-fixture';
import { httpCall } from './testing/sandbox-probe';

const sub = { number: 'S60507' };
const card = { serial_number: 'smrt20000054' };
const services = [{ service_identifier: { code: 'Gold' } }];

// [provider, method, body (token added), field the error must name]
const CASES: [string, string, Record<string, unknown>, string][] = [
  ['nagra', 'add_enhanced_list_of_products', { subscription_identifier: sub, smartcard_identifier: card }, 'services_set'],
  ['nagra', 'add_enhanced_list_of_products', { smartcard_identifier: card, services_set: [] }, 'services_set'],
  ['nagra', 'add_enhanced_list_of_products', { services_set: services }, 'smartcard_identifier'],
  ['nagra', 'add_enhanced_list_of_products', { smartcard_identifier: {}, services_set: services }, 'smartcard_identifier'],
  ['nagra', 'add_enhanced_list_of_products', { smartcard_identifier: { id: 'A', serial_number: 'B' }, services_set: services }, 'smartcard_identifier'],
  ['nagra', 'add_enhanced_list_of_products', { smartcard_identifier: card, services_set: [{ service_identifier: { name: 'Gold' } }] }, 'services_set.0.service_identifier'],
  ['nagra', 'cancel_list_of_products', { smartcard_identifier: card, services_set: services }, 'subscription_identifier'],
  ['nagra', 'pair_smartcard_decoder', { subscription_identifier: sub }, 'smartcard_identifier'],
  ['nagra', 'set_pin_to_given_value', { subscription_identifier: sub, smartcard_identifier: card }, 'pin'],
  ['nagra', 'set_pin_to_given_value', { subscription_identifier: sub, smartcard_identifier: card, pin: '12a4' }, 'pin'],
  ['nagra', 'set_pin_to_given_value', { subscription_identifier: sub, smartcard_identifier: card, pin: '12345' }, 'pin'],
  ['nagra', 'clear_pin', { subscription_identifier: sub, smartcard_identifier: card, priority: 'URGENT' }, 'priority'],
  ['nagra', 'clear_pin', { subscription_identifier: sub, smartcard_identifier: card, scheduled_date: '2015-13-01T00:00:00' }, 'scheduled_date'],
  ['nagra', 'clear_pin', { subscription_identifier: sub, smartcard_identifier: card, process_immediately: 'yes' }, 'process_immediately'],
  ['nagra', 'clear_pin', { subscription_identifier: sub, smartcard_identifier: card, udf_float_1: 'x' }, 'udf_float_1'],
  ['nagra', 'clear_pin', { subscription_identifier: sub, smartcard_identifier: card, colour: 'red' }, 'colour'],
  ['conax', 'add_subscriptions', { subscription_identifier: sub, smartcard_identifier: card }, 'service_identifier'],
  ['conax', 'create_pairing', { smartcard_set: [card], stb_set: [] }, 'stb_set'],
  ['conax', 'add_to_existing_pairing', { smartcard_ca_id: '10020000054' }, 'smartcard_set'],
  ['conax', 'update_ca_pin_to_given_value', { subscription_identifier: sub, smartcard_ca_id: '10020000054', pin: '98' }, 'pin'],
  ['conax', 'send_mail_message_to_client', { smartcard_identifier: card, message_text: 'x'.repeat(142) }, 'message_text'],
  ['conax', 'send_bark_message_to_client', { smartcard_identifier: card, message_text: 'x'.repeat(130) }, 'message_text'],
  ['conax', 'send_bark_message_to_client', { smartcard_identifier: card, message_text: 'hi', display_duration: 0 }, 'display_duration'],
  ['conax', 'send_repeating_bark_message_to_client', { smartcard_identifier: card, message_text: 'hi', repetition_interval: 15, number_of_repetitions: 2 }, 'repetition_interval'],
  ['conax', 'send_repeating_bark_message_to_client', { smartcard_identifier: card, message_text: 'hi', repetition_interval: 2560, number_of_repetitions: 2 }, 'repetition_interval'],
  ['conax', 'send_repeating_bark_message_to_client', { smartcard_identifier: card, message_text: 'hi', repetition_interval: 20 }, 'number_of_repetitions'],
  ['conax', 'get_pairing_status_for_pairing_module', { smartcard_identifier: card }, 'stb_identifier'],
];

describe('validation: every rule answers INVALID_PARAMETERS naming the field, data null', () => {
  let fx: Fixture;
  let token: string;
  beforeAll(async () => {
    fx = await startFixture({ processingPaused: true });
    token = await fx.login();
  });
  afterAll(() => fx.stop());

  for (const [provider, method, body, field] of CASES) {
    it(`${provider} ${method}: ${field}`, async () => {
      const answer =
        provider === 'nagra'
          ? await fx.nagra(method, { ...body, token }, fx.probes[0] ?? (await fx.probe()))
          : (await fx.conax(method, { ...body, token })).body;
      expect(answer.status.code).toBe('INVALID_PARAMETERS');
      expect(answer.status.description).toContain(field);
      expect(answer.data).toBeNull();
      expect(answer.status.field_errors?.some((e) => e.field.startsWith(field))).toBe(true);
      // the offending values never come back
      if (typeof body.pin === 'string') expect(JSON.stringify(answer)).not.toContain(body.pin);
    });
  }

  it('nothing was created by refused bodies', () => {
    expect(fx.headend.received()).toEqual([]);
  });

  it('show and list validate their queries (one filter exactly, JSON identifiers, paging bounds)', async () => {
    const get = (path: string, query: Record<string, string>) =>
      httpCall(fx.headend.baseUrl, 'GET', `/conax_web_services/provisioning_requests/${path}`, undefined, { token, ...query });
    const none = await get('list', {});
    expect(none.body.status.code).toBe('INVALID_PARAMETERS');
    expect(none.body.status.description).toContain('exactly one of type, life_cycle_state, reference_number');
    const two = await get('list', { type: 'ADD_SUBSCRIPTIONS', life_cycle_state: 'PENDING' });
    expect(two.body.status.description).toContain('only one of');
    const badType = await get('list', { type: 'ADD_ENHANCED_LIST_OF_PRODUCTS' });
    expect(badType.body.status.description).toContain('type');
    const perPage = await get('list', { life_cycle_state: 'PENDING', records_per_page: '1001' });
    expect(perPage.body.status.description).toContain('records_per_page');
    const page = await get('list', { life_cycle_state: 'PENDING', page: '0' });
    expect(page.body.status.description).toContain('page');
    const fields = await get('list', { life_cycle_state: 'PENDING', fields_set: 'number,colour' });
    expect(fields.body.status.description).toContain('fields_set');
    const notJson = await get('show', { provisioning_request_identifier: 'number=1' });
    expect(notJson.body.status.description).toContain('provisioning_request_identifier');
    const twoKeys = await get('show', { provisioning_request_identifier: JSON.stringify({ id: 'A', number: '1' }) });
    expect(twoKeys.body.status.description).toContain('provisioning_request_identifier');
    const missing = await get('show', { provisioning_request_identifier: JSON.stringify({ number: '999999' }) });
    expect(missing.httpStatus).toBe(404);
    expect(missing.body.status.code).toBe('NOT_FOUND');
  });

  it('malformed JSON, non-object bodies, unknown methods and oversize bodies get clear answers', async () => {
    const base = fx.headend.baseUrl;
    const malformed = await httpCall(base, 'POST', '/conax_web_services/provisioning_request/add_subscriptions', '{"token": ');
    expect(malformed.httpStatus).toBe(400);
    expect(malformed.body.status.description).toContain('not valid JSON');
    const array = await fx.conax('add_subscriptions', [] as unknown as Record<string, unknown>);
    expect(array.body.status.description).toContain('JSON object');
    const unknown = await fx.conax('format_disk', { token });
    expect(unknown.body.status.code).toBe('NOT_FOUND');
    const unknownTcp = await fx.nagra('format_disk', { token }, fx.probes[0]);
    expect(unknownTcp.status.code).toBe('NOT_FOUND');
    const huge = await fx.conax('send_mail_message_to_client', { token, pad: 'x'.repeat(1100 * 1024) });
    expect(huge.httpStatus).toBe(413);
    expect(huge.body.status.code).toBe('INVALID_PARAMETERS');
    expect(huge.body.status.description).toContain('exceeds');
    const path = await httpCall(base, 'GET', '/no/such/path');
    expect(path.body.status.code).toBe('NOT_FOUND');
    // still alive and answering
    expect((await fx.conax('send_mail_message_to_client', { token, smartcard_identifier: card, message_text: 'ok' })).body.status.code).toBe('OK');
  });

  it('frames with a wrong destination_id, bad sequence_number or no method get error answers on a live connection', async () => {
    const probe = await fx.probe();
    const wrong = await probe.call('clear_pin', { token, subscription_identifier: sub, smartcard_identifier: card }, 'OTHER-HEADEND');
    expect(wrong.status.code).toBe('INVALID_PARAMETERS');
    expect(wrong.status.description).toContain('destination_id');
    probe.socket.write(
      (await import('../protocol/frame-codec')).encodeFrame({ destination_id: fx.headend.destinationId, sequence_number: 'x', method: 'ping' }),
    );
    await probe.until(() => probe.frames.some((f) => f.sequence_number === null));
    expect(probe.frames.find((f) => f.sequence_number === null)?.status.description).toContain('sequence_number');
    const noMethod = await probe.call('', {}, fx.headend.destinationId);
    expect(noMethod.status.description).toContain('method');
    expect((await probe.call('ping', {}, fx.headend.destinationId)).data).toEqual({ pong: true });
  });
});
