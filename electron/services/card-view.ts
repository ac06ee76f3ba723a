import { LOCAL_STATE_TABLE } from '../../shared/domain/life-cycle';
import { summarizeQueryAnswer } from '../../shared/domain/query-answer';
import type { CardView } from '../../shared/ipc/card-schemas';
import type { QueryResult } from '../../shared/ipc/request-schemas';
import type { Store } from '../store/store';
import type { StoredQueryAnswer } from '../store/query-answers';
import { cardFacts } from './card-facts';
import { findCard } from './card-lookup';
import { toSummary } from './request-view';

// cards.get: the card desk for whatever the operator typed or linked.

export function toQueryResult(stored: StoredQueryAnswer): QueryResult {
  return {
    request_id: stored.request_id,
    type: stored.type,
    answer: stored.answer,
    problem: stored.problem,
    summary: stored.answer ? summarizeQueryAnswer(stored.answer) : null,
    fetched_at: stored.fetched_at,
    executed_date: stored.executed_date,
  };
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function cardView(store: Store, typed: string): CardView {
  const match = findCard(store, typed);
  const stb = match.key.startsWith('stb:');
  const catalogId = /^(?:stb:)?id:(.+)$/.exec(match.key)?.[1] ?? null;
  const requests = store.listRequests({ cardKey: match.key, limit: 500 });
  const answers = store.queryAnswersOfCard(match.key, 50).map(toQueryResult);
  const card = catalogId && !stb ? store.getCatalogItem('smartcards', catalogId) : undefined;
  const stbItem = catalogId && stb ? store.getCatalogItem('stbs', catalogId) : undefined;
  const item = (card ?? stbItem) as (Record<string, unknown> & { data?: unknown }) | undefined;
  const data = (item?.data ?? {}) as Record<string, unknown>;
  const typedAs = /^(?:stb:)?(serial_number|ca_id|alternative_code):(.+)$/.exec(match.key);
  return {
    card: match.key,
    found: match.found,
    matchedBy: match.matchedBy,
    identity: {
      kind: stb ? 'stb' : 'smartcard',
      catalog_id: catalogId,
      serial_number: text(item?.serial_number) ?? (typedAs?.[1] === 'serial_number' ? typedAs[2]! : null),
      alternative_code: text(item?.alternative_code) ?? (typedAs?.[1] === 'alternative_code' ? typedAs[2]! : null),
      ca_id: text(item?.ca_id) ?? (typedAs?.[1] === 'ca_id' ? typedAs[2]! : null),
      subscription: text(data.subscription_number) ?? text(item?.subscription_id) ?? subscriptionOfRequests(requests.map(toSummary)),
    },
    headend: cardFacts(
      card ? { updated_at: card.updated_at, entitlements: card.entitlements, pairing: card.pairing, paired_stb_id: card.paired_stb_id, pin_state: card.pin_state } : null,
      answers,
      requests,
    ),
    onItsWay: requests.filter((r) => !LOCAL_STATE_TABLE[r.local_state].finished).reverse().map(toSummary),
    answers,
    requests: requests.map(toSummary),
  };
}

/** "number:S60507" of the newest request that names a subscription → "S60507". */
function subscriptionOfRequests(requests: readonly { subscription: string | null }[]): string | null {
  const key = requests.find((r) => r.subscription !== null)?.subscription ?? null;
  return key === null ? null : key.slice(key.indexOf(':') + 1);
}
