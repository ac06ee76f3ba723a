import { describe, expect, it } from 'vitest';
import { parseQueryResponse, summarizeQueryAnswer } from './query-answer';

describe('parseQueryResponse', () => {
  it('reads active subscriptions as the sandbox writes them', () => {
    const parsed = parseQueryResponse(
      'GET_ACTIVE_SUBSCRIPTIONS',
      JSON.stringify({ smartcard_ca_id: '10020000054', services: [{ code: 'BRONZE', name: 'Bronze', ca_id: '501' }, { code: 'MOV1', name: 'Movies 1', ca_id: null }] }),
    );
    expect(parsed).toEqual({
      ok: true,
      answer: {
        kind: 'active_subscriptions',
        smartcard_ca_id: '10020000054',
        services: [{ code: 'BRONZE', name: 'Bronze', ca_id: '501' }, { code: 'MOV1', name: 'Movies 1', ca_id: null }],
      },
    });
    expect(parsed.ok && summarizeQueryAnswer(parsed.answer)).toBe('Bronze, Movies 1');
  });

  it('reads pairing status for a card and for a module, with every STB', () => {
    const response = JSON.stringify({ paired: true, pairing_id: 'PAIR-1', smartcards: [{ serial_number: 'smrt1', ca_id: '1' }], stbs: [{ serial_number: 'dc1', ca_id: '2' }, { serial_number: 'dc2', ca_id: '3' }] });
    for (const type of ['GET_PAIRING_STATUS_FOR_CARD', 'GET_PAIRING_STATUS_FOR_PAIRING_MODULE'] as const) {
      const parsed = parseQueryResponse(type, response);
      if (!parsed.ok) throw new Error(parsed.message);
      expect(parsed.answer).toMatchObject({ kind: 'pairing_status', paired: true, pairing_id: 'PAIR-1' });
      expect(summarizeQueryAnswer(parsed.answer)).toBe('paired: STB dc1, STB dc2, card smrt1');
    }
    const unpaired = parseQueryResponse('GET_PAIRING_STATUS_FOR_CARD', JSON.stringify({ paired: false, pairing_id: null, smartcards: [], stbs: [] }));
    expect(unpaired.ok && summarizeQueryAnswer(unpaired.answer)).toBe('not paired');
  });

  it('records a fingerprint display without needing a result', () => {
    expect(parseQueryResponse('DISPLAY_FINGERPRINT', null, '2026-12-01T05:00:00')).toEqual({
      ok: true,
      answer: { kind: 'fingerprint_displayed', executed_date: '2026-12-01T05:00:00' },
    });
  });

  it('says clearly what is wrong with a missing or malformed result', () => {
    expect(parseQueryResponse('GET_ACTIVE_SUBSCRIPTIONS', null)).toEqual({ ok: false, message: expect.stringMatching(/no result/) });
    expect(parseQueryResponse('GET_ACTIVE_SUBSCRIPTIONS', '{not json')).toEqual({ ok: false, message: expect.stringMatching(/not JSON/) });
    expect(parseQueryResponse('GET_ACTIVE_SUBSCRIPTIONS', '[1]')).toEqual({ ok: false, message: expect.stringMatching(/not an object/) });
    const bad = parseQueryResponse('GET_PAIRING_STATUS_FOR_CARD', JSON.stringify({ paired: 'yes' }));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/paired/);
  });
});
