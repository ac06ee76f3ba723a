import { identifierKey } from '../../shared/domain/identifiers';
import type { LocalRequest } from '../../shared/domain/local-request';
import type { CardView } from '../../shared/ipc/request-schemas';

// What a card should look like after its COMPLETED requests, replayed oldest
// first: services added/cancelled, pairing, PIN state. A fallback for cards
// the catalog has not heard about from the head-end yet.

function keyOf(value: unknown): string | null {
  if (value === null || typeof value !== 'object') return null;
  try {
    return identifierKey(value as Record<string, unknown>);
  } catch {
    return null;
  }
}

function servicesOf(params: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (Array.isArray(params.services_set)) {
    for (const s of params.services_set) {
      const key = keyOf((s as { service_identifier?: unknown } | null)?.service_identifier);
      if (key) out.push(key);
    }
  }
  const single = keyOf(params.service_identifier);
  if (single) out.push(single);
  return out;
}

export function deriveCardState(requests: readonly LocalRequest[]): CardView['derived'] {
  const services = new Set<string>();
  let pairedWith: string | null = null;
  let pinState: CardView['derived']['pinState'] = 'unknown';
  let lastCompletedAt: number | null = null;
  const completed = requests.filter((r) => r.local_state === 'COMPLETED').sort((a, b) => a.id - b.id);
  for (const r of completed) {
    lastCompletedAt = Math.max(lastCompletedAt ?? 0, r.finished_at ?? r.updated_at);
    switch (r.type) {
      case 'ADD_ENHANCED_LIST_OF_PRODUCTS':
      case 'ADD_SUBSCRIPTIONS':
        servicesOf(r.params).forEach((s) => services.add(s));
        break;
      case 'CANCEL_LIST_OF_PRODUCTS':
      case 'CANCEL_SUBSCRIPTIONS':
        servicesOf(r.params).forEach((s) => services.delete(s));
        break;
      case 'PAIR_SMARTCARD_AND_STB':
        pairedWith = keyOf(r.params.stb_identifier);
        break;
      case 'CREATE_PAIRING':
      case 'ADD_TO_EXISTING_PAIRING':
        if (Array.isArray(r.params.stb_set)) pairedWith = keyOf(r.params.stb_set[0]) ?? pairedWith;
        break;
      case 'UPDATE_CA_PIN_TO_DEFAULT_VALUE':
        pinState = 'default';
        break;
      case 'UPDATE_CA_PIN_TO_GIVEN_VALUE':
        pinState = 'set';
        break;
      case 'CLEAR_CA_PIN':
        pinState = 'cleared';
        break;
    }
  }
  return { services: [...services], pairedWith, pinState, lastCompletedAt };
}
