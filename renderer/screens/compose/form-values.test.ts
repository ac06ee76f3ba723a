import { describe, expect, it } from 'vitest';
import examples from '../../../shared/domain/fixtures/nagravision-seed-examples.json';
import { findRequestDefinition, REQUEST_DEFINITIONS } from '../../../shared/domain/request-catalog';
import { fieldsOf } from './field-model';
import { fromBody, INCOMPLETE_DATE, initialValues, toBody } from './form-values';

describe('compose form model', () => {
  it('gives every request definition its fields, required ones marked as the schema says', () => {
    for (const d of REQUEST_DEFINITIONS) {
      const fields = fieldsOf(d);
      expect(fields.length).toBeGreaterThan(0);
      const empty = d.params.safeParse(toBody(fields, initialValues(fields)));
      // Every action needs at least one thing the operator must give.
      expect(empty.success).toBe(false);
      expect(fields.some((f) => f.required)).toBe(true);
      expect(fields.map((f) => f.name)).not.toContain('udf_string_8');
    }
  });

  it('round-trips the six seed examples through the form values unchanged', () => {
    for (const example of examples as { method: string; request: Record<string, unknown> }[]) {
      const { token: _token, ...params } = example.request;
      const definition = findRequestDefinition('nagravision', example.method);
      if (!definition) throw new Error(`no definition for ${example.method}`);
      const fields = fieldsOf(definition);
      const body = toBody(fields, fromBody(fields, params));
      expect(body).toEqual(params);
      expect(definition.params.safeParse(body).success).toBe(true);
    }
  });

  it('keeps a half-typed scheduled date as a value the schema refuses, not as "no schedule"', () => {
    const d = findRequestDefinition('conax', 'send_mail_message_to_client')!;
    const fields = fieldsOf(d);
    const values = {
      ...initialValues(fields),
      smartcard_identifier: { key: 'serial_number', value: 'smrt20000054' },
      message_text: 'Hello',
    };
    expect(d.params.safeParse(toBody(fields, values)).success).toBe(true);
    const result = d.params.safeParse(toBody(fields, { ...values, scheduled_date: INCOMPLETE_DATE }));
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues.map((i) => i.path.join('.'))).toEqual(['scheduled_date']);
  });

  it('turns form text into the types the schema wants', () => {
    const d = findRequestDefinition('conax', 'send_repeating_bark_message_to_client')!;
    const fields = fieldsOf(d);
    const values = {
      ...initialValues(fields),
      smartcard_identifier: { key: 'serial_number', value: 'smrt20000054' },
      message_text: 'Hello',
      repetition_interval: '30',
      number_of_repetitions: 'many',
      scheduled_date: '2026-01-02T03:04',
      process_immediately: true,
    };
    const body = toBody(fields, values);
    expect(body).toMatchObject({ repetition_interval: 30, number_of_repetitions: 'many', scheduled_date: '2026-01-02T03:04:00', process_immediately: true });
    const result = d.params.safeParse(body);
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues.map((i) => i.path.join('.'))).toEqual(['number_of_repetitions']);
  });

  it('never brings a redacted PIN back into the form', () => {
    const d = findRequestDefinition('conax', 'update_ca_pin_to_given_value')!;
    const values = fromBody(fieldsOf(d), { subscription_identifier: { number: 'S1' }, smartcard_ca_id: '1', pin: '[redacted]' });
    expect(values.pin).toBe('');
  });
});
