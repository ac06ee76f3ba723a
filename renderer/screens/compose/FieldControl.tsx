import type { CatalogItem } from '../../../shared/ipc/app-schemas';
import { PRIORITIES } from '../../../shared/domain/common-fields';
import { CatalogCombobox } from './CatalogCombobox';
import type { FieldModel } from './field-model';
import { preferredKey } from '../../../shared/domain/request-fields';
import { INCOMPLETE_DATE, type FormValue, type IdentifierValue } from './form-values';

// One form field, chosen by its kind; every control is labelled, points at its
// error with aria-describedby, and says when it is required.

interface Props {
  field: FieldModel;
  value: FormValue;
  onChange(value: FormValue): void;
  errors: string[];
}

export const fieldDomId = (name: string) => `field-${name}`;
const errorId = (name: string) => `field-${name}-error`;

function pickedIdentifier(item: CatalogItem, current: IdentifierValue, keys: readonly string[]): IdentifierValue {
  const key = keys.includes(current.key) && item.identifier[current.key] ? current.key : preferredKey(keys.filter((k) => item.identifier[k]));
  const next: IdentifierValue = { key, value: item.identifier[key] ?? '' };
  if (current.ca_id !== undefined || item.ca_id) next.ca_id = item.ca_id ?? undefined;
  return next;
}

function IdentifierInput(props: {
  id: string;
  field: FieldModel;
  value: IdentifierValue;
  onChange(v: IdentifierValue): void;
  describedBy?: string;
  invalid: boolean;
  label: string;
}) {
  const { id, field, value, onChange, describedBy, invalid, label } = props;
  const keys = field.keys ?? ['id'];
  return (
    <div className="identifier-input">
      <select aria-label={`${label}: identify by`} value={value.key} onChange={(e) => onChange({ ...value, key: e.target.value })}>
        {keys.map((k) => (
          <option key={k} value={k}>
            {k.replace(/_/g, ' ')}
          </option>
        ))}
      </select>
      <CatalogCombobox
        id={id}
        kind={field.catalog ?? 'smartcards'}
        label={label}
        value={value.value}
        describedBy={describedBy}
        invalid={invalid}
        required={field.required}
        placeholder="Type to search the catalog"
        onChange={(v) => onChange({ ...value, value: v })}
        onPick={(item) => onChange(pickedIdentifier(item, value, keys))}
      />
      {field.withCaId ? (
        <input
          type="text"
          aria-label={`${label}: CA id (optional)`}
          placeholder="CA id (optional)"
          value={value.ca_id ?? ''}
          onChange={(e) => onChange({ ...value, ca_id: e.target.value || undefined })}
        />
      ) : null}
    </div>
  );
}

export function FieldControl({ field, value, onChange, errors }: Props) {
  const id = fieldDomId(field.name);
  const invalid = errors.length > 0;
  const describedBy = invalid ? errorId(field.name) : undefined;
  const common = { id, 'aria-describedby': describedBy, 'aria-invalid': invalid || undefined, 'aria-required': field.required || undefined };
  const labelText = `${field.label}${field.required ? '' : ' (optional)'}`;
  let control: React.ReactNode;

  const syncDate = (input: HTMLInputElement) => {
    const next = dateInputValue(input);
    if (next !== value) onChange(next);
  };
  switch (field.kind) {
    case 'identifier':
      control = (
        <IdentifierInput id={id} field={field} value={value as IdentifierValue} onChange={onChange} describedBy={describedBy} invalid={invalid} label={field.label} />
      );
      break;
    case 'identifier-list':
    case 'services': {
      const list = value as IdentifierValue[];
      control = (
        <div className="list-input">
          {list.map((item, i) => (
            <div key={i} className="list-input-row">
              <IdentifierInput
                id={i === 0 ? id : `${id}-${i}`}
                field={field}
                value={item}
                onChange={(v) => onChange(list.map((old, j) => (j === i ? v : old)))}
                describedBy={describedBy}
                invalid={invalid}
                label={`${field.label} ${i + 1}`}
              />
              <button type="button" className="button small" aria-label={`Remove ${field.label} ${i + 1}`} onClick={() => onChange(list.filter((_, j) => j !== i))}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" className="button small" onClick={() => onChange([...list, { key: preferredKey(field.keys), value: '' }])}>
            Add {field.label.toLowerCase().replace(/s$/, '')}
          </button>
        </div>
      );
      break;
    }
    case 'ca-id':
      control = (
        <CatalogCombobox
          id={id}
          kind="smartcards"
          label={field.label}
          value={String(value)}
          describedBy={describedBy}
          invalid={invalid}
          required={field.required}
          placeholder="CA id, or search a smartcard"
          onChange={onChange}
          onPick={(item) => onChange(item.ca_id ?? '')}
        />
      );
      break;
    case 'secret':
      control = <input {...common} type="password" inputMode="numeric" autoComplete="off" maxLength={12} value={String(value)} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'message':
      control = (
        <>
          <textarea {...common} rows={3} value={String(value)} onChange={(e) => onChange(e.target.value)} />
          <span className="hint" aria-live="polite">
            {String(value).length} / {field.maxLength ?? '—'} characters
          </span>
        </>
      );
      break;
    case 'boolean':
      control = <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
      break;
    case 'number':
      control = <input {...common} type="text" inputMode="decimal" value={String(value)} onChange={(e) => onChange(e.target.value)} />;
      break;
    // One control for both date kinds: a half-typed value must show the same hint either way.
    case 'datetime':
    case 'date':
      control = (
        <>
          <input
            {...common}
            {...(field.kind === 'datetime' ? { type: 'datetime-local', step: 1 } : { type: 'date' })}
            value={value === INCOMPLETE_DATE ? '' : String(value)}
            onChange={(e) => onChange(dateInputValue(e.currentTarget))}
            onInput={(e) => syncDate(e.currentTarget)}
            onKeyUp={(e) => syncDate(e.currentTarget)}
            onBlur={(e) => syncDate(e.currentTarget)}
          />
          {value === INCOMPLETE_DATE ? (
            <span className="hint" data-testid={`incomplete-${field.name}`}>
              incomplete date
            </span>
          ) : null}
        </>
      );
      break;
    case 'priority':
      control = (
        <select {...common} value={String(value)} onChange={(e) => onChange(e.target.value)}>
          <option value="">Default (REGULAR)</option>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      );
      break;
    default:
      control = <input {...common} type="text" value={String(value)} onChange={(e) => onChange(e.target.value)} />;
  }

  const boxed = field.kind === 'identifier' || field.kind === 'identifier-list' || field.kind === 'services';
  return (
    <div className={`field field-${field.kind}${invalid ? ' field-invalid' : ''}`} data-field={field.name}>
      {boxed ? (
        <span className="field-label" id={`${id}-label`}>
          {labelText}
        </span>
      ) : (
        <label htmlFor={id} className="field-label">
          {labelText}
        </label>
      )}
      {control}
      {invalid ? (
        <p className="field-error" id={errorId(field.name)} role="alert" data-testid={`error-${field.name}`}>
          {errors.join(' · ')}
        </p>
      ) : null}
    </div>
  );
}

/**
 * A half-typed or impossible date reads as "" in Chromium, and no change or
 * input event fires while the value stays "": check on each key and on leaving.
 */
function dateInputValue(input: HTMLInputElement): string {
  return input.validity.badInput ? INCOMPLETE_DATE : input.value;
}
