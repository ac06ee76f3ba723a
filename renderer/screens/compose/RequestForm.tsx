import { useMemo, useRef, useState, type FormEvent } from 'react';
import type { RequestDefinition } from '../../../shared/domain/request-catalog';
import { fieldErrors, type FieldError } from '../../../shared/domain/validation';
import { fieldDomId, FieldControl } from './FieldControl';
import { fieldOfError, fieldsOf } from './field-model';
import { fromBody, initialValues, toBody, type FormValues } from './form-values';

// The fields of one action, validated with its params schema before submit.
// Compose and the request editor both use it.

interface Props {
  definition: RequestDefinition;
  initialBody?: Record<string, unknown>;
  submitLabel: string;
  busyLabel: string;
  /** Returns field errors from the main process, or null when accepted. */
  onSubmit(params: Record<string, unknown>): Promise<{ errors?: FieldError[]; message?: string } | null>;
  /** Called after an accepted submit; the form then resets. */
  resetAfterSubmit?: boolean;
  children?: React.ReactNode;
}

const GROUP_ORDER = ['main', 'options', 'advanced'];

export function RequestForm({ definition, initialBody, submitLabel, busyLabel, onSubmit, resetAfterSubmit, children }: Props) {
  const fields = useMemo(() => fieldsOf(definition), [definition]);
  const [values, setValues] = useState<FormValues>(() => (initialBody ? fromBody(fields, initialBody) : initialValues(fields)));
  const [errors, setErrors] = useState<FieldError[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);

  const validate = (next: FormValues): FieldError[] => {
    const body = toBody(fields, next);
    const result = definition.params.safeParse(body);
    if (result.success) return [];
    // An absent field gets zod's type message; say what the operator must do.
    return fieldErrors(result.error).map((e) => (e.field !== '' && !e.field.includes('.') && body[e.field] === undefined ? { ...e, message: 'This field is required.' } : e));
  };

  const update = (name: string, value: FormValues[string]) => {
    const next = { ...values, [name]: value };
    setValues(next);
    // Once the operator has tried to submit, errors follow every change.
    if (errors !== null) setErrors(validate(next));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = validate(values);
    setErrors(found);
    setMessage(null);
    if (found.length > 0) {
      // Focus the first wrong field as the form shows them (schema order differs).
      const rank = (e: FieldError) => {
        const i = fields.findIndex((f) => f.name === fieldOfError(e.field));
        return i < 0 ? Number.MAX_SAFE_INTEGER : GROUP_ORDER.indexOf(fields[i]!.group) * fields.length + i;
      };
      const first = [...found].filter((e) => e.field !== '').sort((a, b) => rank(a) - rank(b))[0] ?? found[0];
      const target = first ? document.getElementById(fieldDomId(fieldOfError(first.field))) : null;
      (target ?? summaryRef.current)?.focus();
      return;
    }
    setBusy(true);
    const refused = await onSubmit(toBody(fields, values));
    setBusy(false);
    if (refused) {
      setErrors(refused.errors ?? []);
      setMessage(refused.message ?? null);
      summaryRef.current?.focus();
      return;
    }
    setErrors(null);
    if (resetAfterSubmit) setValues(initialValues(fields));
  };

  const errorsOf = (name: string) =>
    (errors ?? []).filter((e) => fieldOfError(e.field) === name).map((e) => (e.field.includes('.') ? `${e.field.slice(name.length + 1)}: ${e.message}` : e.message));
  const general = (errors ?? []).filter((e) => e.field === '' || !fields.some((f) => f.name === fieldOfError(e.field)));
  const control = (f: (typeof fields)[number]) => (
    <FieldControl key={f.name} field={f} value={values[f.name]!} onChange={(v) => update(f.name, v)} errors={errorsOf(f.name)} />
  );
  const advanced = fields.filter((f) => f.group === 'advanced');
  const count = errors?.length ?? 0;

  return (
    <form
      className="request-form"
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          e.currentTarget.requestSubmit();
        }
      }}
      noValidate
    >
      <div ref={summaryRef} tabIndex={-1} className="error-summary" role="alert" hidden={!(message || count > 0)} data-testid="form-errors">
        {count > 0 ? <p>Fix {count === 1 ? 'this problem' : `these ${count} problems`} first; each is shown next to its field.</p> : null}
        {message ? <p>{message}</p> : null}
        {general.length > 0 ? (
          <ul>
            {general.map((e, i) => (
              <li key={i}>{e.field ? `${e.field}: ${e.message}` : e.message}</li>
            ))}
          </ul>
        ) : null}
      </div>
      {fields.filter((f) => f.group === 'main').map(control)}
      <fieldset className="options">
        <legend>Scheduling and priority</legend>
        {fields.filter((f) => f.group === 'options').map(control)}
      </fieldset>
      {advanced.length > 0 ? (
        <details className="advanced">
          <summary>Advanced: user-defined fields</summary>
          <div className="udf-grid">{advanced.map(control)}</div>
        </details>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy} aria-keyshortcuts="Control+Enter">
          {busy ? busyLabel : submitLabel}
        </button>
        {children}
      </div>
    </form>
  );
}
