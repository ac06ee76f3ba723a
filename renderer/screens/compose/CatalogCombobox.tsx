import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { CatalogKind } from '../../../shared/domain/catalog';
import type { CatalogItem } from '../../../shared/ipc/app-schemas';
import { useApi } from '../../app/api-context';
import { CatalogMatchNote } from './CatalogMatchNote';

// A text box that searches the local catalog as one types and offers matches
// in a listbox (ARIA combobox pattern), each with what the catalog knows of
// it. Free text stays allowed: the catalog may not know a brand-new card yet;
// an identifier it does not know gets a warning the operator acknowledges.

interface Props {
  id: string;
  kind: CatalogKind;
  value: string;
  onChange(value: string): void;
  onPick(item: CatalogItem): void;
  label: string;
  describedBy?: string;
  invalid?: boolean;
  required?: boolean;
  placeholder?: string;
}

export function CatalogCombobox({ id, kind, value, onChange, onPick, label, describedBy, invalid, required, placeholder }: Props) {
  const api = useApi();
  const listId = useId();
  const [items, setItems] = useState<CatalogItem[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const typed = useRef(false);

  useEffect(() => {
    if (!open || !typed.current) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      void api.invoke('catalog.search', { kind, text: value, limit: 8 }).then((r) => {
        if (!cancelled && r.ok) {
          setItems(r.value.items);
          setActive(r.value.items.length > 0 ? 0 : -1);
        }
      });
    }, 120);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, kind, value, open]);

  const pick = (item: CatalogItem) => {
    onPick(item);
    setOpen(false);
    typed.current = false;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      if (!open) {
        typed.current = true;
        setOpen(true);
      } else setActive((a) => Math.min(items.length - 1, a + 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (event.key === 'Enter' && open && active >= 0 && items[active]) {
      event.preventDefault();
      pick(items[active]);
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
      setOpen(false);
    }
  };

  const showList = open && items.length > 0;
  const noteId = `${id}-catalog-note`;
  return (
    <div className="combobox-field">
      <div className="combobox">
        <input
          id={id}
          type="text"
          role="combobox"
          autoComplete="off"
          aria-label={label}
          aria-autocomplete="list"
          aria-expanded={showList}
          aria-controls={listId}
          aria-activedescendant={showList && active >= 0 ? `${listId}-${active}` : undefined}
          aria-describedby={[describedBy, value.trim() ? noteId : null].filter(Boolean).join(' ') || undefined}
          aria-invalid={invalid || undefined}
          aria-required={required || undefined}
          placeholder={placeholder}
          value={value}
          onChange={(e) => {
            typed.current = true;
            setOpen(true);
            onChange(e.target.value);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
        />
        <ul id={listId} role="listbox" className="combobox-list" hidden={!showList} aria-label={`${label} matches`}>
          {items.map((item, i) => (
            <li
              key={`${item.kind}-${JSON.stringify(item.identifier)}`}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(item);
              }}
            >
              <span className="option-label">{item.label}</span>
              {item.details.length > 0 ? (
                <span className="option-details">{item.details.map((d) => `${d.label}: ${d.value}`).join(' · ')}</span>
              ) : null}
            </li>
          ))}
        </ul>
      </div>
      {value.trim() ? <CatalogMatchNote kind={kind} value={value} id={noteId} /> : null}
    </div>
  );
}
