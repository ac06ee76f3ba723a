import { describe, expect, it } from 'vitest';
import { listQuery, showQuery } from './conax-requests';
import { parseLocalDateTime, formatLocalDateTime } from './dates';
import { provisioningRequestSchema } from './provisioning-request';
import { parseRequestInput } from './request-catalog';
import { fieldErrors } from './validation';

const card = { serial_number: 'smrt20000054' };
const sub = { number: 'S60507' };
const gold = [{ service_identifier: { code: 'Gold' } }];

interface Case {
  name: string;
  provider: string;
  method: string;
  params: Record<string, unknown>;
  /** the field the error must name */
  field: string;
  /** a fragment the message must contain */
  says: RegExp;
}

const cases: Case[] = [
  { name: 'two identifier fields', provider: 'nagravision', method: 'clear_pin', params: { subscription_identifier: sub, smartcard_identifier: { serial_number: 'a', id: 'b' } }, field: 'smartcard_identifier', says: /only one of id, serial_number, alternative_code/ },
  { name: 'no identifier field', provider: 'nagravision', method: 'clear_pin', params: { subscription_identifier: sub, smartcard_identifier: {} }, field: 'smartcard_identifier', says: /specify exactly one of/ },
  { name: 'identifier with an unknown key', provider: 'nagravision', method: 'clear_pin', params: { subscription_identifier: sub, smartcard_identifier: { serial: 'x' } }, field: 'smartcard_identifier.serial', says: /unknown field/ },
  { name: 'missing mandatory identifier', provider: 'nagravision', method: 'cancel_list_of_products', params: { smartcard_identifier: card, services_set: gold }, field: 'subscription_identifier', says: /required/ },
  { name: 'service identifier with two fields', provider: 'nagravision', method: 'add_enhanced_list_of_products', params: { smartcard_identifier: card, services_set: [{ service_identifier: { code: 'Gold', id: '1' } }] }, field: 'services_set.0.service_identifier', says: /only one of id, code, alternative_code/ },
  { name: 'empty services_set', provider: 'nagravision', method: 'add_enhanced_list_of_products', params: { smartcard_identifier: card, services_set: [] }, field: 'services_set', says: /at least one service/ },
  { name: 'unknown method', provider: 'nagravision', method: 'add_subscriptions', params: {}, field: 'method', says: /must be one of the nagravision methods/ },
  { name: 'unknown provider', provider: 'irdeto', method: 'add_subscriptions', params: {}, field: 'provider', says: /provider must be one of nagravision, conax/ },
  { name: '142-character mail', provider: 'conax', method: 'send_mail_message_to_client', params: { smartcard_identifier: card, message_text: 'x'.repeat(142) }, field: 'message_text', says: /at most 141 characters/ },
  { name: '130-character bark', provider: 'conax', method: 'send_bark_message_to_client', params: { smartcard_identifier: card, message_text: 'x'.repeat(130) }, field: 'message_text', says: /at most 129 characters/ },
  { name: 'repeat interval off the 10 s step', provider: 'conax', method: 'send_repeating_bark_message_to_client', params: { smartcard_identifier: card, message_text: 'hi', repetition_interval: 15, number_of_repetitions: 2 }, field: 'repetition_interval', says: /multiple of 10/ },
  { name: 'repeat interval too long', provider: 'conax', method: 'send_repeating_bark_message_to_client', params: { smartcard_identifier: card, message_text: 'hi', repetition_interval: 2560, number_of_repetitions: 2 }, field: 'repetition_interval', says: /at most 2550/ },
  { name: 'repeat interval too short', provider: 'conax', method: 'send_repeating_bark_message_to_client', params: { smartcard_identifier: card, message_text: 'hi', repetition_interval: 0, number_of_repetitions: 2 }, field: 'repetition_interval', says: /at least 10/ },
  { name: 'bad priority', provider: 'nagravision', method: 'clear_pin', params: { subscription_identifier: sub, smartcard_identifier: card, priority: 'URGENT' }, field: 'priority', says: /REGULAR, EXPRESS/ },
  { name: 'impossible date', provider: 'nagravision', method: 'clear_pin', params: { subscription_identifier: sub, smartcard_identifier: card, scheduled_date: '2015-02-30T10:00:00' }, field: 'scheduled_date', says: /local date-time/ },
  { name: 'date with a zone', provider: 'nagravision', method: 'clear_pin', params: { subscription_identifier: sub, smartcard_identifier: card, scheduled_date: '2015-09-07T15:03:33Z' }, field: 'scheduled_date', says: /YYYY-MM-DDTHH:MM:SS/ },
  { name: 'bad udf date', provider: 'conax', method: 'add_subscriptions', params: { subscription_identifier: sub, smartcard_identifier: card, service_identifier: { code: 'Gold' }, udf_date_1: '07/09/2015' }, field: 'udf_date_1', says: /date YYYY-MM-DD/ },
  { name: 'udf float as text', provider: 'conax', method: 'add_subscriptions', params: { subscription_identifier: sub, smartcard_identifier: card, service_identifier: { code: 'Gold' }, udf_float_2: '1.5' }, field: 'udf_float_2', says: /number/ },
  { name: 'process_immediately as text', provider: 'conax', method: 'add_subscriptions', params: { subscription_identifier: sub, smartcard_identifier: card, service_identifier: { code: 'Gold' }, process_immediately: 'yes' }, field: 'process_immediately', says: /true or false/ },
  { name: 'PIN with letters', provider: 'nagravision', method: 'set_pin_to_given_value', params: { subscription_identifier: sub, smartcard_identifier: card, pin: '12a4' }, field: 'pin', says: /digits only/ },
  { name: 'PIN too long', provider: 'conax', method: 'update_ca_pin_to_given_value', params: { subscription_identifier: sub, smartcard_ca_id: '01234567890', pin: '12345' }, field: 'pin', says: /exactly 4 digits/ },
  { name: 'unknown body field', provider: 'nagravision', method: 'clear_pin', params: { subscription_identifier: sub, smartcard_identifier: card, colour: 'red' }, field: 'colour', says: /unknown field: colour/ },
  { name: 'pairing extension with neither set', provider: 'conax', method: 'add_to_existing_pairing', params: { smartcard_ca_id: '01234567890' }, field: 'smartcard_set', says: /smartcard_set or stb_set/ },
  { name: 'create pairing without STBs', provider: 'conax', method: 'create_pairing', params: { smartcard_set: [card] }, field: 'stb_set', says: /required/ },
];

describe('bad inputs are refused with an error naming the field', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = parseRequestInput({ provider: c.provider, method: c.method, params: c.params });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      const match = result.errors.find((e) => e.field === c.field);
      expect(match, `errors were ${JSON.stringify(result.errors)}`).toBeDefined();
      expect(match!.message).toMatch(c.says);
    });
  }

  it('the same inputs, corrected, are accepted (the table tests the rule, not a broken schema)', () => {
    const good = parseRequestInput({ provider: 'conax', method: 'send_repeating_bark_message_to_client', params: { smartcard_identifier: card, message_text: 'x'.repeat(129), repetition_interval: 2550, number_of_repetitions: 3 } });
    expect(good.ok).toBe(true);
    const mail = parseRequestInput({ provider: 'conax', method: 'send_mail_message_to_client', params: { smartcard_identifier: card, message_text: 'x'.repeat(141) } });
    expect(mail.ok).toBe(true);
    const pin = parseRequestInput({ provider: 'nagravision', method: 'set_pin_to_given_value', params: { subscription_identifier: sub, smartcard_identifier: card, pin: '0042', priority: 'EXPRESS', scheduled_date: '2016-02-29T23:59:59', udf_string_8: 'x', udf_float_4: 2.5, udf_date_4: '2016-02-29' } });
    expect(pin.ok).toBe(true);
  });

  it('an unknown type in a provisioning request object names type', () => {
    const result = provisioningRequestSchema.safeParse({ type: 'ADD_EVERYTHING' });
    expect(result.success).toBe(false);
    if (result.success) return;
    const typeError = fieldErrors(result.error).find((e) => e.field === 'type');
    expect(typeError?.message).toMatch(/not a known provisioning request type/);
  });

  it('list takes exactly one filter, and names an unknown type', () => {
    expect(listQuery.safeParse({ life_cycle_state: 'PENDING' }).success).toBe(true);
    const two = listQuery.safeParse({ life_cycle_state: 'PENDING', reference_number: 'R1' });
    expect(two.success).toBe(false);
    expect(JSON.stringify(two.error?.issues)).toMatch(/only one of type, life_cycle_state, reference_number/);
    const badType = listQuery.safeParse({ type: 'ADD_ENHANCED_LIST_OF_PRODUCTS' });
    expect(fieldErrors(badType.error!)[0]!.field).toBe('type');
    expect(showQuery.safeParse({ provisioning_request_identifier: { number: '18570' }, fields_set: 'id,number' }).success).toBe(true);
    expect(showQuery.safeParse({ provisioning_request_identifier: { number: '18570' }, fields_set: 'id, number' }).success).toBe(false);
  });

  it('local date-times round-trip', () => {
    const d = parseLocalDateTime('2015-09-07T15:03:33');
    expect(formatLocalDateTime(d)).toBe('2015-09-07T15:03:33');
  });
});
