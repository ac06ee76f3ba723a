import { identifierKey } from '../../shared/domain/identifiers';
import { findRequestDefinition } from '../../shared/domain/request-catalog';
import type { LocalRequest } from '../../shared/domain/local-request';
import type { CardView } from '../../shared/ipc/card-schemas';
import type { QueryResult } from '../../shared/ipc/request-schemas';

// One coherent account of a card: for each fact (services, pairing, PIN) the
// newest thing the head-end told us — the catalog export, a query's answer, or
// a request it completed after that — with its time and source. Never two
// panels that contradict each other.

type Headend = CardView['headend'];

export interface CardCatalogFacts {
  updated_at: number;
  entitlements: unknown;
  pairing: unknown;
  paired_stb_id: string | null;
  pin_state: string | null;
}

function keyOf(value: unknown): string | null {
  if (value === null || typeof value !== 'object') return null;
  try {
    return identifierKey(value as Record<string, unknown>);
  } catch {
    return null;
  }
}

/** "code:Gold" → "Gold"; other identifiers stay as keys. */
function codeOf(key: string): string {
  return key.startsWith('code:') ? key.slice(5) : key;
}

function servicesOf(params: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (Array.isArray(params.services_set)) {
    for (const s of params.services_set) {
      const key = keyOf((s as { service_identifier?: unknown } | null)?.service_identifier);
      if (key) out.push(codeOf(key));
    }
  }
  const single = keyOf(params.service_identifier);
  if (single) out.push(codeOf(single));
  return out;
}

function stbsOf(params: Record<string, unknown>): string[] {
  const stbs: unknown[] = Array.isArray(params.stb_set) ? params.stb_set : params.stb_identifier ? [params.stb_identifier] : [];
  return stbs.map((s) => {
    const r = s as Record<string, unknown>;
    return String(r.serial_number ?? r.stb_ca_id ?? r.ca_id ?? r.alternative_code ?? r.id ?? '?');
  });
}

function startingFacts(catalog: CardCatalogFacts | null, answers: readonly QueryResult[]): Headend {
  const at = catalog?.updated_at ?? null;
  const source = catalog ? ('catalog' as const) : ('none' as const);
  const entitlements = Array.isArray(catalog?.entitlements) ? (catalog.entitlements as unknown[]).map(String) : null;
  const pairingId = (catalog?.pairing as { pairing_id?: unknown } | null | undefined)?.pairing_id;
  const facts: Headend = {
    services: { at, source, request_id: null, items: entitlements?.map((code) => ({ code, name: null })) ?? null },
    pairing: {
      at,
      source,
      request_id: null,
      paired: catalog ? typeof pairingId === 'string' : null,
      pairing_id: typeof pairingId === 'string' ? pairingId : null,
      stbs: catalog?.paired_stb_id ? [catalog.paired_stb_id] : [],
      smartcards: [],
    },
    pin: { at, source, request_id: null, state: catalog?.pin_state ?? null },
  };
  // answers are newest first: the first of each kind newer than the catalog wins.
  for (const a of [...answers].reverse()) {
    const when = a.fetched_at;
    if (a.answer?.kind === 'active_subscriptions' && (facts.services.at ?? 0) <= when) {
      facts.services = { at: when, source: 'query', request_id: a.request_id, items: a.answer.services.map((s) => ({ code: s.code, name: s.name })) };
    }
    if (a.answer?.kind === 'pairing_status' && (facts.pairing.at ?? 0) <= when) {
      const name = (d: { serial_number: string | null; ca_id: string | null }) => d.serial_number ?? d.ca_id ?? '?';
      facts.pairing = {
        at: when,
        source: 'query',
        request_id: a.request_id,
        paired: a.answer.paired,
        pairing_id: a.answer.pairing_id,
        stbs: a.answer.stbs.map(name),
        smartcards: a.answer.smartcards.map(name),
      };
    }
  }
  return facts;
}

/** The card's facts: catalog and query answers, then what completed requests changed after them (oldest first). */
export function cardFacts(catalog: CardCatalogFacts | null, answers: readonly QueryResult[], requests: readonly LocalRequest[]): Headend {
  const facts = startingFacts(catalog, answers);
  const completed = requests.filter((r) => r.local_state === 'COMPLETED' && r.finished_at !== null).sort((a, b) => a.finished_at! - b.finished_at!);
  for (const r of completed) {
    const at = r.finished_at!;
    const told = { at, source: 'completed-request' as const, request_id: r.id };
    // What the request did follows from its kind's effect (request-catalog.ts).
    const effect = findRequestDefinition(r.provider, r.method)?.effect;
    switch (effect?.kind) {
      case 'products': {
        if ((facts.services.at ?? 0) >= at) break;
        const items = [...(facts.services.items ?? [])];
        for (const code of servicesOf(r.params)) {
          const i = items.findIndex((s) => s.code === code);
          if (effect.change === 'add' && i < 0) items.push({ code, name: null });
          if (effect.change === 'cancel' && i >= 0) items.splice(i, 1);
        }
        facts.services = { ...told, items };
        break;
      }
      case 'pairing':
        if ((facts.pairing.at ?? 0) >= at) break;
        if (effect.change === 'pair-or-unpair') {
          // Without stb_identifier it unpairs the card (nagravision-requests.ts).
          facts.pairing = r.params.stb_identifier
            ? { ...facts.pairing, ...told, paired: true, stbs: stbsOf(r.params) }
            : { ...facts.pairing, ...told, paired: false, pairing_id: null, stbs: [], smartcards: [] };
        } else {
          facts.pairing = {
            ...facts.pairing,
            ...told,
            paired: true,
            stbs: [...new Set([...(effect.change === 'extend' ? facts.pairing.stbs : []), ...stbsOf(r.params)])],
          };
        }
        break;
      case 'pin':
        if ((facts.pin.at ?? 0) < at) facts.pin = { ...told, state: effect.state };
        break;
      case 'query':
      case 'message':
      case undefined:
        // Queries tell through their answers (startingFacts); messages change no fact.
        break;
      default:
        effect satisfies never;
    }
  }
  return facts;
}
