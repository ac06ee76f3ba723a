// One labelled text input with its error, as every Settings field shows it.

export function TextField(props: { id: string; label: string; value: string; onChange(v: string): void; error?: string; type?: string; disabled?: boolean }) {
  return (
    <div className={`field${props.error ? ' field-invalid' : ''}`}>
      <label htmlFor={props.id} className="field-label">
        {props.label}
      </label>
      <input
        id={props.id}
        type={props.type ?? 'text'}
        value={props.value}
        disabled={props.disabled}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${props.id}-error` : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.error ? (
        <p className="field-error" id={`${props.id}-error`} data-testid={`error-${props.id}`}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}
