import { useState } from 'react';
import { BULK_CONFIRM_ABOVE } from '../../../shared/bulk/bulk-tally';
import { useApi } from '../../app/api-context';
import { plural, requestLabel } from '../../app/format';
import { useLeaveWarning } from '../../app/router';
import { CatalogImportPanel } from './CatalogImportPanel';
import { useBulkImport } from './useBulkImport';

// CSV import: check the file (dry run, nothing queued), then queue its valid
// rows. A worker reads the file as a stream, so even a million rows never
// block the page (useBulkImport.ts); above BULK_CONFIRM_ABOVE valid rows the
// operator confirms the counts by type and card first. Columns: see the help
// below and shared/bulk/bulk-csv.md.

export function BulkScreen() {
  const api = useApi();
  const bulk = useBulkImport(api);
  const { stage, summary: preview, progress } = bulk;
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState('');
  const [fileInputKey, setFileInputKey] = useState(0);
  // Many rows are queued only after the operator has seen what they are.
  const [confirming, setConfirming] = useState(false);
  const source = (): Blob => file ?? new Blob([text], { type: 'text/csv' });
  const busy = stage === 'checking' || stage === 'queueing';
  // Leaving ends the import unseen: the batch on its way may or may not be queued, and the count queued is no longer shown.
  useLeaveWarning(stage === 'queueing' ? 'Requests are being queued from this file. Leave the Bulk screen? Queueing stops: the batch on its way may or may not be queued, and the count queued will not be shown.' : null);

  const choose = (chosen: File | undefined) => {
    setFile(chosen ?? null);
    setText('');
    setConfirming(false);
    bulk.forget();
    bulk.setMessage('');
  };

  const commit = () => {
    setConfirming(false);
    void bulk.queue(source(), () => {
      // The rows may hold PINs, and leaving them would let a second click queue them all again.
      setText('');
      setFile(null);
      setFileInputKey((k) => k + 1);
    });
  };

  return (
    <section className="screen screen-bulk" aria-labelledby="bulk-title">
      <header className="screen-header">
        <h1 id="bulk-title" tabIndex={-1}>
          Bulk import
        </h1>
      </header>
      <div className="bulk-input">
        <label className="file-label">
          CSV file
          <input key={fileInputKey} type="file" accept=".csv,text/csv" disabled={busy} onChange={(e) => choose(e.target.files?.[0])} data-testid="bulk-file" />
        </label>
        <span className="hint" data-testid="bulk-source">{file ? `${file.name} · ${(file.size / 1e6).toLocaleString(undefined, { maximumFractionDigits: 1 })} MB` : 'or paste the rows below'}</span>
        <label className="field">
          <span className="field-label">CSV text</span>
          <textarea rows={6} value={text} data-testid="bulk-csv" spellCheck={false} disabled={busy || file !== null} onChange={(e) => { setText(e.target.value); bulk.forget(); setConfirming(false); }} />
        </label>
        <div className="form-actions">
          <button type="button" className="button" disabled={busy || (file === null && text.trim() === '')} onClick={() => { setConfirming(false); void bulk.check(source()); }}>
            Check the file (dry run)
          </button>
          <button type="button" className="button primary" disabled={busy || confirming || !preview || preview.valid === 0 || preview.fileErrors.length > 0} onClick={() => (preview && preview.valid > BULK_CONFIRM_ABOVE ? setConfirming(true) : commit())}>
            {preview ? `Queue ${plural(preview.valid, 'valid row')}` : 'Queue the valid rows'}
          </button>
        </div>
        {confirming && preview ? (
          <section className="panel confirm" role="alertdialog" aria-labelledby="confirm-title" data-testid="bulk-confirm">
            <h2 id="confirm-title">
              Queue {plural(preview.valid, 'request')} for {plural(preview.cards, 'card')}?
            </h2>
            <ul className="plain-list">
              {Object.entries(preview.byType).map(([type, n]) => (
                <li key={type}>
                  {type}: {n.toLocaleString()}
                </li>
              ))}
            </ul>
            {preview.invalid > 0 ? <p className="hint">{plural(preview.invalid, 'row')} with errors will be left out.</p> : null}
            <div className="form-actions">
              <button type="button" className="button primary" onClick={commit}>
                Yes, queue {plural(preview.valid, 'request')}
              </button>
              <button type="button" className="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          </section>
        ) : null}
        {busy ? (
          <div className="progress" data-testid="bulk-progress">
            <label htmlFor="bulk-progress">
              {stage === 'checking'
                ? `Checking the file: ${Math.floor(100 * progress.fraction)}% read, ${plural(progress.rows, 'row')}`
                : `Queueing: ${progress.rows.toLocaleString()} of ${plural(preview?.valid ?? 0, 'request')}`}
            </label>
            <progress id="bulk-progress" max={1} value={progress.fraction} />
            <button type="button" className="button" onClick={bulk.cancel}>
              {stage === 'checking' ? 'Cancel the check' : 'Stop queueing'}
            </button>
          </div>
        ) : null}
        <p role="status" data-testid="bulk-result">
          {bulk.message}
        </p>
      </div>

      {preview?.notCsv ? (
        <section className="panel" aria-labelledby="preview-title" data-testid="bulk-preview">
          <h2 id="preview-title">This is not a CSV file</h2>
          <p className="error-summary" role="alert">
            {file ? `${file.name}: ` : ''}
            {preview.notCsv}
          </p>
        </section>
      ) : preview ? (
        <section className="panel" aria-labelledby="preview-title" data-testid="bulk-preview">
          <h2 id="preview-title">
            {plural(preview.total, 'row')}: {preview.valid.toLocaleString()} valid, {preview.invalid.toLocaleString()} with errors
          </h2>
          {preview.fileErrors.length > 0 ? (
            <ul className="error-summary" role="alert">
              {preview.fileErrors.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          ) : null}
          <table className="plain-table preview-table">
            <caption className="sr-only">Rows with errors first, then the first valid rows</caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Request</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {[...preview.rows].sort((a, b) => Number(a.errors.length === 0) - Number(b.errors.length === 0) || a.line - b.line).map((r) => (
                <tr key={r.line} className={r.errors.length > 0 ? 'row-invalid' : undefined}>
                  <td>{r.line}</td>
                  <td>{r.provider && r.method ? requestLabel(r.provider, r.method) : '—'}</td>
                  <td>{r.errors.length === 0 ? 'OK' : r.errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <CatalogImportPanel />

      <details className="panel csv-help">
        <summary>CSV columns</summary>
        <ul>
          <li><code>provider</code> (nagravision or conax) and <code>method</code> (e.g. add_enhanced_list_of_products): required.</li>
          <li>A plain field by its name: <code>pin</code>, <code>priority</code>, <code>scheduled_date</code>, <code>process_immediately</code> (true/false), <code>message_text</code>, <code>smartcard_ca_id</code>, <code>udf_string_1</code>…</li>
          <li>One key of an identifier with a dot: <code>subscription_identifier.number</code>, <code>smartcard_identifier.serial_number</code>, <code>stb_identifier.id</code>, <code>service_identifier.code</code>.</li>
          <li>Sets in one column, entries separated by <code>;</code> and an entry's keys by <code>|</code>: <code>services_set</code> = <code>code:Gold;code:Silver</code>, <code>smartcard_set</code> = <code>serial_number:SC1|ca_id:0001</code>.</li>
          <li>Empty cells are absent fields. Every row is checked exactly like Compose; line numbers count the header as line 1.</li>
        </ul>
      </details>
    </section>
  );
}
