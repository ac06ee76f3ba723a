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
    expect(interpretSubmitAnswer(err('SYSTEM_ERROR', 'busy'))).toMatchObject({ kind: 'transient', code: 'SYSTEM_ERROR' });
    expect(interpretSubmitAnswer(err('UNAUTHORIZED', 'token expired'))).toMatchObject({ kind: 'auth' });
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

  it('reads partial list answers (fields_set) as arrays', () => {
    const outcome = interpretListAnswer({
      status: { message: '', description: '', code: 'OK' },
      data: [{ id: '751427A869C84129BA5C2184745A7447', udf_string_8: 'x' }],
    });
    expect(outcome).toMatchObject({ kind: 'ok', data: { items: [{ id: '751427A869C84129BA5C2184745A7447' }], paging: null } });
  });
});
