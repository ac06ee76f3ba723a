import { describe, expect, it } from 'vitest';
import type { LocalRequest } from '../../shared/domain/local-request';
import { findRequestDefinition, type RequestKind } from '../../shared/domain/request-catalog';
import type { QueryResult } from '../../shared/ipc/request-schemas';
import { cardFacts, type CardCatalogFacts } from './card-facts';

// One account of a card, newest fact first, each with its time and source.

const catalog: CardCatalogFacts = { updated_at: 1000, entitlements: ['Bronze'], pairing: { pairing_id: 'PAIR-1' }, paired_stb_id: null, pin_state: 'default' };

function completed(id: number, kind: RequestKind, finishedAt: number, params: Record<string, unknown>): LocalRequest {
  const definition = findRequestDefinition(...(kind.split('/') as [string, string]))!;
  return { id, provider: definition.provider, method: definition.method, type: definition.type, local_state: 'COMPLETED', finished_at: finishedAt, params } as unknown as LocalRequest;
}

const activeAnswer = (id: number, at: number, codes: string[]): QueryResult => ({
  request_id: id,
  type: 'GET_ACTIVE_SUBSCRIPTIONS',
  answer: { kind: 'active_subscriptions', smartcard_ca_id: null, services: codes.map((code) => ({ code, name: `${code} pack`, ca_id: null })) },
  problem: null,
  summary: null,
  fetched_at: at,
  executed_date: null,
});

describe('cardFacts', () => {
  it('takes the catalog when nothing newer is known', () => {
    const facts = cardFacts(catalog, [], []);
    expect(facts.services).toEqual({ at: 1000, source: 'catalog', request_id: null, items: [{ code: 'Bronze', name: null }] });
    expect(facts.pairing).toMatchObject({ paired: true, pairing_id: 'PAIR-1', source: 'catalog' });
    expect(facts.pin).toMatchObject({ state: 'default', source: 'catalog' });
  });

  it('a newer query answer replaces the catalog; an older one does not', () => {
    expect(cardFacts(catalog, [activeAnswer(7, 2000, ['Movies 1'])], []).services).toMatchObject({ source: 'query', request_id: 7, items: [{ code: 'Movies 1', name: 'Movies 1 pack' }] });
    expect(cardFacts(catalog, [activeAnswer(7, 500, ['Movies 1'])], []).services.source).toBe('catalog');
  });

  it('applies requests completed after the newest fact, and only those', () => {
    const requests = [
      completed(1, 'nagravision/add_enhanced_list_of_products', 900, { services_set: [{ service_identifier: { code: 'Old' } }] }),
      completed(2, 'nagravision/add_enhanced_list_of_products', 3000, { services_set: [{ service_identifier: { code: 'Gold' } }] }),
      completed(3, 'nagravision/cancel_list_of_products', 3100, { services_set: [{ service_identifier: { code: 'Movies 1' } }] }),
      completed(4, 'nagravision/clear_pin', 3200, {}),
      completed(5, 'nagravision/pair_smartcard_decoder', 3300, { stb_identifier: { serial_number: 'dc1' } }),
    ];
    const facts = cardFacts(catalog, [activeAnswer(7, 2000, ['Movies 1'])], requests);
    expect(facts.services).toMatchObject({ source: 'completed-request', request_id: 3, at: 3100, items: [{ code: 'Gold', name: null }] });
    expect(facts.pin).toMatchObject({ state: 'cleared', request_id: 4 });
    expect(facts.pairing).toMatchObject({ paired: true, stbs: ['dc1'], request_id: 5 });
    const unpaired = cardFacts(catalog, [], [completed(6, 'nagravision/pair_smartcard_decoder', 4000, {})]);
    expect(unpaired.pairing).toMatchObject({ paired: false, stbs: [], pairing_id: null });
  });

  it('says nothing is known when nothing told us', () => {
    const facts = cardFacts(null, [], []);
    expect(facts.services).toEqual({ at: null, source: 'none', request_id: null, items: null });
    expect(facts.pairing.paired).toBeNull();
    expect(facts.pin.state).toBeNull();
  });
});
