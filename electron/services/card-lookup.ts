import type { Store } from '../store/store';

// Finds the card an operator means from whatever they typed: a card key (from
// a link), a serial number, CA id, alternative code or catalog id of a
// smartcard or STB, or a number that belongs to one of the card's requests
// (head-end number, reference number, subscription number).

export interface CardMatch {
  /** The card key its requests are filed under. */
  key: string;
  found: boolean;
  /** How it matched, in words. */
  matchedBy: string | null;
}

const CARD_KEY = /^(stb:)?(id|serial_number|alternative_code|ca_id):(.+)$/;
const FIELDS = ['serial_number', 'ca_id', 'alternative_code', 'id'] as const;
const WORDS: Record<(typeof FIELDS)[number], string> = {
  serial_number: 'serial number',
  ca_id: 'CA id',
  alternative_code: 'alternative code',
  id: 'catalog id',
};

/** The catalog card (smartcard first, then STB) one of whose identifiers (of `fields`) is exactly `text`. */
export function catalogCardKey(store: Store, text: string, fields: readonly (typeof FIELDS)[number][] = FIELDS): CardMatch | null {
  for (const kind of ['smartcard', 'stb'] as const) {
    const knownPrefix = kind === 'stb' ? 'stb:id:' : 'id:';
    for (const field of fields) {
      // An unknown catalog id keys as "id:<text>" too: ask the catalog itself.
      if (field === 'id' && !store.getCatalogItem(kind === 'stb' ? 'stbs' : 'smartcards', text)) continue;
      const key = store.cardKeyFor(kind, { [field]: text } as { serial_number: string });
      if (key.startsWith(knownPrefix)) return { key, found: true, matchedBy: `${kind === 'stb' ? 'STB ' : ''}${WORDS[field]}` };
    }
  }
  return null;
}

export function findCard(store: Store, typed: string): CardMatch {
  const text = typed.trim();
  const asKey = CARD_KEY.exec(text);
  if (asKey) {
    const [, stb, field, value] = asKey as unknown as [string, string | undefined, (typeof FIELDS)[number], string];
    // A link made before the catalog knew the card finds it under the key its
    // requests were re-keyed to when the catalog learnt it.
    const key = store.cardKeyFor(stb ? 'stb' : 'smartcard', { [field]: value } as { serial_number: string });
    const known = field === 'id' ? store.getCatalogItem(stb ? 'stbs' : 'smartcards', value) !== undefined : key.startsWith(stb ? 'stb:id:' : 'id:');
    const found = known || store.listRequests({ cardKey: key, limit: 1 }).length > 0;
    return { key, found, matchedBy: found ? 'card link' : null };
  }
  // Catalog ids are opaque numbers that may equal a request number: they come last.
  const inCatalog = catalogCardKey(store, text, ['serial_number', 'ca_id', 'alternative_code']);
  if (inCatalog) return inCatalog;
  // Not in the catalog: a card only our requests name, under the name typed.
  for (const prefix of ['', 'stb:']) {
    for (const field of FIELDS) {
      const key = `${prefix}${field}:${text}`;
      if (store.listRequests({ cardKey: key, limit: 1 }).length > 0) return { key, found: true, matchedBy: `${prefix ? 'STB ' : ''}${WORDS[field]}` };
    }
  }
  // A number of one of its requests.
  for (const r of store.listRequests({ search: text, limit: 20 })) {
    if (r.number === text) return { key: r.card_key, found: true, matchedBy: `head-end number of request #${r.id}` };
    if (r.reference_number === text) return { key: r.card_key, found: true, matchedBy: `reference number of request #${r.id}` };
    const sub = r.params.subscription_identifier as Record<string, unknown> | undefined;
    if (sub?.number === text || sub?.id === text) return { key: r.card_key, found: true, matchedBy: `subscription of request #${r.id}` };
  }
  return catalogCardKey(store, text, ['id']) ?? { key: `serial_number:${text}`, found: false, matchedBy: null };
}
