import { useState } from 'react';
import { BULK_CONFIRM_ABOVE, type BulkPreview, type BulkProgress } from '../../../shared/ipc/app-schemas';
import { useApi, useEvent } from '../../app/api-context';
import { plural, requestLabel } from '../../app/format';
import { CatalogImportPanel } from './CatalogImportPanel';

// CSV import: read the file, preview every row (dry run, nothing queued),
// then queue all valid rows in one transaction. Columns: see the help below
// and electron/services/bulk-csv.md.

export function BulkScreen() {
  const api = useApi();
  const [csv, setCsv] = useState('');
  const [fileName, setFileName] = useState('');
  const [fileInputKey, setFileInputKey] = useState(0);
  const [preview, setPreview] = useState<BulkPreview | null>(null);
  const [progress, setProgress] = useState<BulkProgress | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  // Many rows are queued only after the operator has seen what they are.
  const [confirming, setConfirming] = useState(false);

  useEvent('bulk.progress', (p) => setProgress(p));

  const load = async (file: File | undefined) => {
    if (!file) return;
    setFileName(file.name);
    setCsv(await file.text());
    setPreview(null);
    setMessage('');
  };

  const runPreview = async () => {
    setBusy(true);
    setMessage('');
    const result = await api.invoke('bulk.preview', { csv });
    setBusy(false);
    if (result.ok) setPreview(result.value);
    else setMessage(result.error.message);
  };

  const commit = async () => {
    setConfirming(false);
    setBusy(true);
    const result = await api.invoke('bulk.commit', { csv });
    setBusy(false);
    if (result.ok) {
      setMessage(`Queued ${result.value.queued} requests; ${result.value.skipped} invalid rows were left out.`);
      setPreview(null);
      // The rows may hold PINs, and leaving them would let a second click queue them all again.
      setCsv('');
      setFileName('');
      setFileInputKey((k) => k + 1);
    } else setMessage(result.error.message);
  };

  const percent = progress && progress.total > 0 ? Math.round((100 * progress.done) / progress.total) : 0;
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
          <input key={fileInputKey} type="file" accept=".csv,text/csv" onChange={(e) => void load(e.target.files?.[0])} data-testid="bulk-file" />
        </label>
        <span className="hint">{fileName ? `${fileName} · ${csv.length} characters` : 'or paste the rows below'}</span>
        <label className="field">
          <span className="field-label">CSV text</span>
          <textarea rows={6} value={csv} data-testid="bulk-csv" spellCheck={false} onChange={(e) => { setCsv(e.target.value); setPreview(null); setConfirming(false); }} />
        </label>
        <div className="form-actions">
          <button type="button" className="button" disabled={busy || csv.trim() === ''} onClick={() => void runPreview()}>
            Check the file (dry run)
          </button>
          <button type="button" className="button primary" disabled={busy || confirming || !preview || preview.valid === 0 || preview.fileErrors.length > 0} onClick={() => (preview && preview.valid > BULK_CONFIRM_ABOVE ? setConfirming(true) : void commit())}>
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
                  {type}: {n}
                </li>
              ))}
            </ul>
            {preview.invalid > 0 ? <p className="hint">{plural(preview.invalid, 'row')} with errors will be left out.</p> : null}
            <div className="form-actions">
              <button type="button" className="button primary" onClick={() => void commit()}>
                Yes, queue {plural(preview.valid, 'request')}
              </button>
              <button type="button" className="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          </section>
        ) : null}
        {progress && busy ? (
          <div className="progress">
            <label htmlFor="bulk-progress">{progress.phase === 'writing' ? 'Writing to the queue…' : `Checking rows: ${progress.done} of ${progress.total}`}</label>
            <progress id="bulk-progress" max={100} value={progress.phase === 'writing' ? undefined : percent} />
          </div>
        ) : null}
        <p role="status" data-testid="bulk-result">
          {message}
        </p>
      </div>

      {preview ? (
        <section className="panel" aria-labelledby="preview-title" data-testid="bulk-preview">
          <h2 id="preview-title">
            {preview.total} {preview.total === 1 ? 'row' : 'rows'}: {preview.valid} valid, {preview.invalid} with errors
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
