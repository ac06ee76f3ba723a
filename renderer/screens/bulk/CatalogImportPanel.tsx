import { useState } from 'react';
import type { CatalogKind } from '../../../shared/domain/catalog';
import type { CatalogImportReport } from '../../../shared/ipc/app-schemas';
import { useApi } from '../../app/api-context';
import { plural } from '../../app/format';

// Import of the operator's own catalog export (docs/catalog-import.md), for
// offices that need the whole catalog offline: a real CRM.COM server lists no
// devices. One kind per file; check (dry run), then import all or nothing.

const KINDS: { kind: CatalogKind; label: string; columns: string }[] = [
  { kind: 'subscriptions', label: 'Subscriptions', columns: 'id, number, name, state, updated_date' },
  { kind: 'smartcards', label: 'Smartcards', columns: 'id, serial_number, alternative_code, ca_id, subscription_id or subscription_number, updated_date' },
  { kind: 'stbs', label: 'Set-top boxes', columns: 'id, serial_number, alternative_code, ca_id, subscription_id or subscription_number, updated_date' },
  { kind: 'services', label: 'Services', columns: 'id, code, alternative_code, name, ca_id, updated_date' },
];

export function CatalogImportPanel() {
  const api = useApi();
  const [kind, setKind] = useState<CatalogKind>('smartcards');
  const [csv, setCsv] = useState('');
  const [fileName, setFileName] = useState('');
  const [report, setReport] = useState<CatalogImportReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');

  const run = async (channel: 'catalog.importCheck' | 'catalog.import') => {
    setBusy(true);
    setMessage('');
    const result = await api.invoke(channel, { kind, csv });
    setBusy(false);
    if (!result.ok) return setMessage(result.error.message);
    setReport(result.value);
    if (!result.value.dryRun && result.value.imported > 0) setMessage(`Imported ${plural(result.value.imported, 'row')} into the local catalog.`);
  };
  const checked = report?.dryRun === true && report.kind === kind && report.fileErrors.length === 0 && report.invalid === 0 && report.valid > 0;

  return (
    <section className="panel" aria-labelledby="catalog-import-title" data-testid="catalog-import">
      <h2 id="catalog-import-title">Import a catalog export</h2>
      <p className="hint">For offices that need the whole catalog offline. Columns: {KINDS.find((k) => k.kind === kind)?.columns} (docs/catalog-import.md).</p>
      <label className="field">
        <span className="field-label">What the file holds</span>
        <select value={kind} data-testid="catalog-import-kind" onChange={(e) => { setKind(e.target.value as CatalogKind); setReport(null); }}>
          {KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>{k.label}</option>
          ))}
        </select>
      </label>
      <label className="file-label">
        Catalog CSV file
        <input type="file" accept=".csv,text/csv" data-testid="catalog-import-file" onChange={(e) => {
          const file = e.target.files?.[0];
          if (!file) return;
          setFileName(file.name);
          setReport(null);
          void file.text().then(setCsv);
        }} />
      </label>
      <span className="hint">{fileName ? `${fileName} · ${csv.length} characters` : ''}</span>
      <div className="form-actions">
        <button type="button" className="button" disabled={busy || csv === ''} onClick={() => void run('catalog.importCheck')}>
          Check the catalog file (dry run)
        </button>
        <button type="button" className="button primary" disabled={busy || !checked} onClick={() => void run('catalog.import')}>
          {checked ? `Import ${plural(report.valid, 'row')} into the catalog` : 'Import into the catalog'}
        </button>
      </div>
      {report ? (
        <div data-testid="catalog-import-report">
          <p>{report.total} rows: {report.valid} valid, {report.invalid} with errors{report.dryRun ? ' (nothing written yet)' : ''}</p>
          {[...report.fileErrors, ...report.errors.map((e) => `line ${e.line}: ${e.field}: ${e.message}`)].length > 0 ? (
            <ul className="error-summary" role="alert">
              {report.fileErrors.map((e) => <li key={e}>{e}</li>)}
              {report.errors.slice(0, 50).map((e) => <li key={`${e.line}:${e.field}`}>line {e.line}: {e.field}: {e.message}</li>)}
            </ul>
          ) : null}
        </div>
      ) : null}
      <p role="status">{message}</p>
    </section>
  );
}
