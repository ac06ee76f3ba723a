import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { interpretListAnswer, interpretShowAnswer, interpretSubmitAnswer } from './answer-parsing';

const examples = JSON.parse(
  readFileSync(new URL('../../shared/domain/fixtures/nagravision-seed-examples.json', import.meta.url), 'utf8'),
) as { method: string; response: Record<string, unknown> }[];

describe('interpreting head-end answers', () => {
  it('acknowledges each of the six seed answers with the request the head-end created', () => {
    expect(examples).toHaveLength(6);
    for (const example of examples) {
      const outcome = interpretSubmitAnswer(example.response);
      expect(outcome.kind).toBe('acknowledged');
      if (outcome.kind === 'acknowledged') {
        expect(outcome.request.id).toBe((example.response.data as { id: string }).id);
      }
    }
  });

  it('classifies error envelopes: permanent, transient and auth', () => {
    const err = (code: string, description: string) => ({ status: { message: 'x', description, code }, data: null });
    expect(interpretSubmitAnswer(err('CLIENT_NOT_FOUND', 'no such card'))).toEqual({
      kind: 'rejected',
      code: 'CLIENT_NOT_FOUND',
      description: 'no such card',
    });
    // SYSTEM_ERROR and codes we do not know prove nothing about creation: unknown, never a blind retry.
    expect(interpretSubmitAnswer(err('SYSTEM_ERROR', 'busy'))).toMatchObject({ kind: 'unknown', outcomeClass: 'system_error' });
    expect(interpretSubmitAnswer(err('QUOTA_EXCEEDED', 'later'))).toMatchObject({ kind: 'unknown', outcomeClass: 'unknown_error_code' });
    expect(interpretSubmitAnswer(err('UNAUTHORIZED', 'token expired'))).toMatchObject({ kind: 'auth' });
    // A connection that confirmed no codes (a CRM.COM server by default): a refusal code proves nothing either.
    expect(interpretSubmitAnswer(err('INVALID_PARAMETERS', 'bad'), undefined, [])).toMatchObject({ kind: 'unknown', outcomeClass: 'unknown_error_code' });
    expect(interpretSubmitAnswer(err('AxisFault', 'bad'), undefined, ['AxisFault'])).toMatchObject({ kind: 'rejected', code: 'AxisFault' });
  });

  it('never takes a malformed answer for success, and says what is wrong', () => {
    const seed = examples[0]!.response as { status: unknown; data: Record<string, unknown> };
    const badId = { ...seed, data: { ...seed.data, id: 'not-hex' } };
    const outcome = interpretSubmitAnswer(badId);
    expect(outcome.kind).toBe('unknown');
    expect(outcome.kind === 'unknown' && outcome.reason).toMatch(/data\.id/);
    for (const garbage of [null, 42, 'OK', [], { status: 'OK' }, { status: { code: 'OK' } }]) {
      expect(interpretSubmitAnswer(garbage).kind).toBe('unknown');
      expect(interpretShowAnswer(garbage)).toMatchObject({ kind: 'error', code: 'MALFORMED_ANSWER' });
      expect(interpretListAnswer(garbage)).toMatchObject({ kind: 'error', code: 'MALFORMED_ANSWER' });
    }
    const echoedPin = {
      ...seed,
      data: { ...seed.data, parameters_set: [{ id: 'F5B3462375494E9E9D8C97C6367447A0', ca_pin: '1234' }] },
    };
    expect(interpretSubmitAnswer(echoedPin).kind).toBe('unknown');
  });

  it('accepts an OK answer only when it echoes our UUID where the head-end promises an echo', () => {
    const seed = examples[0]!.response as { status: unknown; data: Record<string, unknown> };
    const ours = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
    const withUuid = (uuid: unknown) => ({ ...seed, data: { ...seed.data, udf_string_8: uuid } });
    expect(interpretSubmitAnswer(withUuid(ours), { clientUuid: ours, echoesUuid: true }).kind).toBe('acknowledged');
    expect(interpretSubmitAnswer(withUuid(ours.toUpperCase()), { clientUuid: ours, echoesUuid: true }).kind).toBe('acknowledged');
    expect(interpretSubmitAnswer(withUuid('0190a1b2-c3d4-7e5f-8a9b-000000000000'), { clientUuid: ours, echoesUuid: true })).toMatchObject({ kind: 'unknown', outcomeClass: 'ok_not_ours' });
    expect(interpretSubmitAnswer(seed, { clientUuid: ours, echoesUuid: true })).toMatchObject({ kind: 'unknown', outcomeClass: 'ok_unverifiable' });
    // A head-end that promises no echo (CRM.COM): a UUID it does carry still decides; without one, the type sent and a number do.
    const type = seed.data.type as string;
    expect(interpretSubmitAnswer(withUuid(ours), { clientUuid: ours, echoesUuid: false }).kind).toBe('acknowledged');
    expect(interpretSubmitAnswer(withUuid('0190a1b2-c3d4-7e5f-8a9b-000000000000'), { clientUuid: ours, echoesUuid: false, type })).toMatchObject({ kind: 'unknown', outcomeClass: 'ok_not_ours' });
    expect(interpretSubmitAnswer(seed, { clientUuid: ours, echoesUuid: false, type })).toMatchObject({ kind: 'acknowledged', request: { number: seed.data.number } });
    expect(interpretSubmitAnswer(seed, { clientUuid: ours, echoesUuid: false, type: 'CLEAR_CA_PIN' })).toMatchObject({ kind: 'unknown', outcomeClass: 'ok_unverifiable' });
    expect(interpretSubmitAnswer(seed, { clientUuid: ours, echoesUuid: false })).toMatchObject({ kind: 'unknown', outcomeClass: 'ok_unverifiable' });
  });

  it('reads partial list answers (fields_set) as arrays', () => {
    const outcome = interpretListAnswer({
      status: { message: '', description: '', code: 'OK' },
      data: [{ id: '751427A869C84129BA5C2184745A7447', udf_string_8: 'x' }],
    });
    expect(outcome).toMatchObject({ kind: 'ok', data: { items: [{ id: '751427A869C84129BA5C2184745A7447' }], paging: null } });
  });
});
