import type { CatalogKind } from '../../shared/domain/catalog';
import type { CatalogItem } from '../../shared/ipc/app-schemas';
import type { Store } from '../store/store';

// catalog.search: the offline catalog (filled by the sync engine) as picker items.

const IDENTIFIER_FIELDS: Record<CatalogKind, readonly string[]> = {
  subscriptions: ['id', 'number'],
  smartcards: ['id', 'serial_number', 'alternative_code'],
  stbs: ['id', 'serial_number', 'alternative_code'],
  services: ['id', 'code', 'alternative_code'],
};

function labelOf(kind: CatalogKind, row: Record<string, unknown>): string {
  const text = (k: string) => (typeof row[k] === 'string' && row[k] !== '' ? (row[k] as string) : null);
  switch (kind) {
    case 'subscriptions':
      return [text('number') ?? text('id'), text('name'), text('state')].filter(Boolean).join(' · ');
    case 'smartcards':
      return [text('serial_number') ?? text('id'), text('ca_id') ? `CA ${text('ca_id')}` : null, text('subscription_id') ? `sub ${text('subscription_id')}` : null]
        .filter(Boolean)
        .join(' · ');
    case 'stbs':
      return [text('serial_number') ?? text('id'), text('ca_id') ? `CA ${text('ca_id')}` : null].filter(Boolean).join(' · ');
    case 'services':
      return [text('code') ?? text('id'), text('name')].filter(Boolean).join(' · ');
  }
}

export function searchCatalogItems(store: Store, kind: CatalogKind, text: string, limit: number): CatalogItem[] {
  if (text.trim() === '') return [];
  const rows = store.searchCatalog(kind, text, limit) as unknown as Record<string, unknown>[];
  return rows.map((row) => {
    const identifier: Record<string, string> = {};
    for (const field of IDENTIFIER_FIELDS[kind]) {
      const v = row[field];
      if (typeof v === 'string' && v !== '') identifier[field] = v;
    }
    const caId = row.ca_id;
    return { kind, identifier, ca_id: typeof caId === 'string' ? caId : null, label: labelOf(kind, row), provider: null };
  });
}
