import type { CatalogKind } from '../../shared/domain/catalog';
import type { CatalogItem } from '../../shared/ipc/app-schemas';
import type { Store } from '../store/store';

// catalog.search: the offline catalog (filled by the sync engine) as picker
// items, each with what the catalog last knew of it (subscription, services,
// pairing, PIN state) so the operator sees which card they are about to pick.

const IDENTIFIER_FIELDS: Record<CatalogKind, readonly string[]> = {
  subscriptions: ['id', 'number'],
  smartcards: ['id', 'serial_number', 'alternative_code'],
  stbs: ['id', 'serial_number', 'alternative_code'],
  services: ['id', 'code', 'alternative_code'],
};

type Row = Record<string, unknown>;

const textOf = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const field = (row: Row, k: string) => textOf(row[k]);
/** A value the head-end exported beside the known columns (kept in `data`). */
const extra = (row: Row, k: string) => textOf((row.data as Row | null | undefined)?.[k]);

function labelOf(kind: CatalogKind, row: Row): string {
  switch (kind) {
    case 'subscriptions':
      return [field(row, 'number') ?? field(row, 'id'), field(row, 'name'), field(row, 'state')].filter(Boolean).join(' · ');
    case 'smartcards':
      return [field(row, 'serial_number') ?? field(row, 'id'), field(row, 'ca_id') ? `CA ${field(row, 'ca_id')}` : null, field(row, 'subscription_id') ? `sub ${field(row, 'subscription_id')}` : null]
        .filter(Boolean)
        .join(' · ');
    case 'stbs':
      return [field(row, 'serial_number') ?? field(row, 'id'), field(row, 'ca_id') ? `CA ${field(row, 'ca_id')}` : null].filter(Boolean).join(' · ');
    case 'services':
      return [field(row, 'code') ?? field(row, 'id'), field(row, 'name')].filter(Boolean).join(' · ');
  }
}

/** "S60507 · Bronze · ACTIVE": the subscription a card or STB belongs to, with its name and state when the catalog has it. */
function subscriptionText(store: Store, row: Row): string | null {
  const number = extra(row, 'subscription_number');
  const id = field(row, 'subscription_id');
  const sub = (id ? store.getCatalogItem('subscriptions', id) : undefined) ??
    (number ? store.searchCatalog('subscriptions', number, 1).find((s) => s.number === number) : undefined);
  if (!sub) return number ?? id;
  return [sub.number ?? sub.id, sub.name, sub.state].filter(Boolean).join(' · ');
}

function pairingText(row: Row, partner: string): string | null {
  const paired = field(row, partner);
  const pairing = textOf((row.pairing as Row | null | undefined)?.pairing_id) ?? extra(row, 'pairing_id');
  if (paired) return pairing ? `${paired} (${pairing})` : paired;
  return pairing;
}

function detailsOf(store: Store, kind: CatalogKind, row: Row): { label: string; value: string }[] {
  const details: [string, string | null][] = [];
  if (kind === 'smartcards' || kind === 'stbs') {
    details.push(['CA id', field(row, 'ca_id')], ['Subscription', subscriptionText(store, row)]);
  }
  if (kind === 'smartcards') {
    const services = Array.isArray(row.entitlements) ? row.entitlements.filter((s): s is string => typeof s === 'string') : [];
    details.push(
      ['Services', services.length === 0 ? null : services.slice(0, 6).join(', ') + (services.length > 6 ? ` +${services.length - 6}` : '')],
      ['Paired with', pairingText(row, 'paired_stb_id') ?? 'not paired'],
      ['PIN', field(row, 'pin_state')],
    );
  }
  if (kind === 'stbs') details.push(['Paired with', pairingText(row, 'paired_smartcard_id') ?? 'not paired']);
  if (kind === 'subscriptions') details.push(['Name', field(row, 'name')], ['State', field(row, 'state')]);
  if (kind === 'services') details.push(['Name', field(row, 'name')]);
  const state = extra(row, 'state') ?? extra(row, 'life_cycle_state');
  if (kind !== 'subscriptions' && state) details.push(['State', state]);
  return details.filter((d): d is [string, string] => d[1] !== null).map(([label, value]) => ({ label, value }));
}

export function searchCatalogItems(store: Store, kind: CatalogKind, text: string, limit: number): CatalogItem[] {
  const typed = text.trim().toLowerCase();
  if (typed === '') return [];
  const rows = store.searchCatalog(kind, text, limit) as unknown as Row[];
  return rows.map((row) => {
    const identifier: Record<string, string> = {};
    for (const name of IDENTIFIER_FIELDS[kind]) {
      const v = row[name];
      if (typeof v === 'string' && v !== '') identifier[name] = v;
    }
    const caId = field(row, 'ca_id');
    const exact = [...Object.values(identifier), caId].some((v) => v !== null && v.toLowerCase() === typed);
    return { kind, identifier, ca_id: caId, label: labelOf(kind, row), provider: null, details: detailsOf(store, kind, row), exact };
  });
}
