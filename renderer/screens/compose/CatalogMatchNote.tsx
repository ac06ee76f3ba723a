import { useEffect, useState } from 'react';
import type { CatalogKind } from '../../../shared/domain/catalog';
import type { CatalogItem } from '../../../shared/ipc/app-schemas';
import { useApi } from '../../app/api-context';

// Under a picker: what the local catalog knows of the identifier in the box
// (its subscription, services, pairing, PIN), or a warning that it is not in
// the catalog. Only a warning: the catalog may not have seen a new card yet,
// so the operator can acknowledge it and queue the identifier as typed.

const KIND_WORDS: Record<CatalogKind, string> = {
  smartcards: 'smartcards',
  stbs: 'set-top boxes',
  subscriptions: 'subscriptions',
  services: 'services',
};

type Check = { text: string; match: CatalogItem | null } | null;

/** The catalog item whose identifier is exactly `value`, looked up once typing pauses; null while unknown. */
function useCatalogMatch(kind: CatalogKind, value: string): Check {
  const api = useApi();
  const [check, setCheck] = useState<Check>(null);
  const text = value.trim();
  useEffect(() => {
    if (text === '') return;
    let cancelled = false;
    const timer = setTimeout(() => {
      void api.invoke('catalog.search', { kind, text, limit: 8 }).then((r) => {
        // A failed search proves nothing: no warning, no details.
        if (!cancelled && r.ok) setCheck({ text, match: r.value.items.find((i) => i.exact) ?? null });
      });
    }, 300);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, kind, text]);
  return check !== null && check.text === text ? check : null;
}

export function CatalogDetails({ item, id }: { item: CatalogItem; id?: string }) {
  if (item.details.length === 0) return null;
  return (
    <dl className="catalog-details" id={id}>
      {item.details.map((d) => (
        <div key={d.label}>
          <dt>{d.label}</dt>
          <dd>{d.value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function CatalogMatchNote({ kind, value, id }: { kind: CatalogKind; value: string; id: string }) {
  const check = useCatalogMatch(kind, value);
  const [acknowledged, setAcknowledged] = useState<ReadonlySet<string>>(new Set());
  if (check === null) return null;
  if (check.match) {
    return (
      <div className="catalog-match" id={id} data-testid="catalog-match">
        <span className="hint">In the catalog: {check.match.label}</span>
        <CatalogDetails item={check.match} />
      </div>
    );
  }
  if (acknowledged.has(check.text)) {
    return (
      <p className="hint" id={id} data-testid="catalog-unknown-acknowledged">
        Not in the local catalog; you confirmed “{check.text}” is right.
      </p>
    );
  }
  return (
    <div className="catalog-warning" role="status" id={id} data-testid="catalog-unknown">
      <span>
        <strong>Not in the local catalog:</strong> “{check.text}” is none of the {KIND_WORDS[kind]} CA Desk knows. It may be one the catalog has not
        seen yet: check it before queueing.
      </span>
      <button type="button" className="button small" onClick={() => setAcknowledged(new Set([...acknowledged, check.text]))}>
        It is right, keep it
      </button>
    </div>
  );
}
