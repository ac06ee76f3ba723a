import { describe, expect, it } from 'vitest';
import examples from './fixtures/nagravision-seed-examples.json';
import { provisioningRequestEnvelope, provisioningRequestSchema } from './provisioning-request';
import { findRequestDefinition, parseWireBody } from './request-catalog';

describe('the six Nagravision seed examples', () => {
  it('are all six methods of the seed page', () => {
    expect(examples.map((e) => e.method)).toEqual([
      'add_enhanced_list_of_products',
      'cancel_list_of_products',
      'pair_smartcard_decoder',
      'set_pin_to_default_value',
      'set_pin_to_given_value',
      'clear_pin',
    ]);
  });

  for (const example of examples) {
    describe(example.method, () => {
      const definition = findRequestDefinition('nagravision', example.method);

      it('has a definition', () => {
        expect(definition).toBeDefined();
      });

      it('request body parses into token and params', () => {
        const result = parseWireBody(definition!, example.request);
        expect(result.success, JSON.stringify(!result.success && result.error.issues)).toBe(true);
        if (!result.success) return;
        expect(result.token).toBe(example.request.token);
        expect(result.params).not.toHaveProperty('token');
        expect(result.params.smartcard_identifier).toEqual({ serial_number: 'smrt20000054' });
      });

      it('response parses into the provisioning request object', () => {
        const result = provisioningRequestEnvelope.safeParse(example.response);
        expect(result.success, JSON.stringify(!result.success && result.error.issues)).toBe(true);
        if (!result.success) return;
        const data = provisioningRequestSchema.parse(result.data.data);
        expect(data.type).toBe(definition!.type);
        expect(data.process_name).toBe(definition!.processName);
        expect(data.life_cycle_state).toBe('PENDING');
        expect(data.priority).toBe(example.request.priority ?? 'REGULAR');
      });
    });
  }

  it('a response echoing a PIN in parameters_set is refused', () => {
    const pinExample = examples.find((e) => e.method === 'set_pin_to_given_value')!;
    const tampered = structuredClone(pinExample.response) as {
      data: { parameters_set: Record<string, unknown>[] };
    };
    tampered.data.parameters_set = tampered.data.parameters_set.map((p) =>
      'ca_pin' in p ? { ...p, ca_pin: '1234' } : p,
    );
    const result = provisioningRequestEnvelope.safeParse(tampered);
    expect(result.success).toBe(false);
  });

  it('an error envelope carries a code other than OK and null data', () => {
    const ok = provisioningRequestEnvelope.safeParse({
      status: { message: '', description: 'smartcard_identifier: unknown serial', code: 'CLIENT_NOT_FOUND' },
      data: null,
    });
    expect(ok.success).toBe(true);
    const incoherent = provisioningRequestEnvelope.safeParse({
      status: { message: '', description: '', code: 'OK' },
      data: null,
    });
    expect(incoherent.success).toBe(false);
  });
});
