import Papa from 'papaparse';
import { catalogRowSchemas, type CatalogKind, type CatalogRows } from '../../shared/domain/catalog';
import { localDateTimeSchema } from '../../shared/domain/dates';
import { fieldErrors, type FieldError } from '../../shared/domain/validation';
import type { Store } from '../store/store';
import { binaryProblem } from '../../shared/bulk/bulk-rows';

// Import of the operator's own catalog export (docs/catalog-import.md): a real
// CRM.COM V4 server lists no devices, so an office that needs the whole catalog
// offline imports CSV files of subscriptions, smartcards and STBs with their CA
// ids, and services with their CA ids. Dry run: every row checked, nothing
// written. Commit: the same check, then every row merged in ONE store
// transaction, all or nothing (as the bulk importer). Merged: a column the file
// leaves out keeps what a CRM.COM lookup taught the catalog.

/** The columns of each kind's file; `id` is required, the rest optional. */
export const CATALOG_IMPORT_COLUMNS = {
  subscriptions: ['id', 'number', 'name', 'state', 'updated_date'],
  smartcards: ['id', 'serial_number', 'alternative_code', 'ca_id', 'subscription_id', 'subscription_number', 'updated_date'],
  stbs: ['id', 'serial_number', 'alternative_code', 'ca_id', 'subscription_id', 'subscription_number', 'updated_date'],
  services: ['id', 'code', 'alternative_code', 'name', 'ca_id', 'updated_date'],
} as const satisfies Record<CatalogKind, readonly string[]>;

export interface CatalogImportRowError extends FieldError {
  /** 1-based line in the file; the header is line 1. */
  line: number;
}

export interface CatalogImportReport {
  kind: CatalogKind;
  dryRun: boolean;
  /** Data rows in the file. */
  total: number;
  valid: number;
  invalid: number;
  /** Rows written (0 on a dry run or when anything was wrong). */
  imported: number;
  /** The first MAX_REPORTED_ERRORS row errors, in line order. */
  errors: CatalogImportRowError[];
  /** Problems with the file as a whole (not a CSV, unknown or missing columns). */
  fileErrors: string[];
}

export type CatalogImportStore = Pick<Store, 'mergeCatalog' | 'searchCatalog'>;

const MAX_REPORTED_ERRORS = 1000;
const PROGRESS_EVERY = 5000;

function checkHeaders(kind: CatalogKind, headers: readonly string[]): string[] {
  const allowed: readonly string[] = CATALOG_IMPORT_COLUMNS[kind];
  const errors: string[] = [];
  if (!headers.includes('id')) errors.push('missing column "id" (the item\'s CRM.COM id)');
  for (const h of headers) {
    if (!allowed.includes(h)) errors.push(`unknown column "${h}" for ${kind}: the columns are ${allowed.join(', ')}`);
  }
  const duplicates = headers.filter((h, i) => headers.indexOf(h) !== i);
  if (duplicates.length > 0) errors.push(`duplicate column(s): ${[...new Set(duplicates)].join(', ')}`);
  if (headers.includes('subscription_id') && headers.includes('subscription_number')) {
    errors.push('give subscription_id or subscription_number, not both');
  }
  return errors;
}

/** subscription_number → the local subscription's id, looked up once per number. */
function subscriptionResolver(store: CatalogImportStore): (number: string) => string | undefined {
  const known = new Map<string, string | undefined>();
  return (number) => {
    if (!known.has(number)) {
      const row = store.searchCatalog('subscriptions', number, 20).find((r) => r.number === number);
      known.set(number, row?.id ?? undefined);
    }
    return known.get(number);
  };
}

/** One CSV record → a catalog row, or its errors (never the row's values in a message). */
function toRow(
  kind: CatalogKind,
  record: Record<string, string>,
  resolveSubscription: (number: string) => string | undefined,
): { row: Record<string, unknown> } | { errors: FieldError[] } {
  const row: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const [column, raw] of Object.entries(record)) {
    const cell = typeof raw === 'string' ? raw.trim() : '';
    if (cell === '') continue;
    if (column === 'updated_date') {
      if (!localDateTimeSchema.safeParse(cell).success) {
        errors.push({ field: 'updated_date', message: 'must be a local date-time YYYY-MM-DDTHH:MM:SS' });
      } else row.data = { log_information: { updated_date: cell } };
    } else if (column === 'subscription_number') {
      const id = resolveSubscription(cell);
      if (id === undefined) errors.push({ field: 'subscription_number', message: 'is not in the local catalog: import the subscriptions first' });
      else row.subscription_id = id;
    } else row[column] = cell;
  }
  const parsed = catalogRowSchemas[kind].safeParse(row);
  if (!parsed.success) errors.push(...fieldErrors(parsed.error));
  return errors.length > 0 ? { errors } : { row: parsed.success ? (parsed.data as Record<string, unknown>) : row };
}

/**
 * Checks (dryRun) or imports a catalog export of one kind. Nothing is written
 * unless every row is valid and dryRun is false. `onProgress` is awaited every
 * few thousand rows so the caller can report and yield.
 */
export async function importCatalogCsv(
  store: CatalogImportStore,
  kind: CatalogKind,
  csv: string,
  options: { dryRun: boolean; onProgress?: (done: number, total: number) => Promise<void> | void },
): Promise<CatalogImportReport> {
  const report: CatalogImportReport = { kind, dryRun: options.dryRun, total: 0, valid: 0, invalid: 0, imported: 0, errors: [], fileErrors: [] };
  const text = csv.charCodeAt(0) === 0xfeff ? csv.slice(1) : csv;
  const binary = binaryProblem(text);
  if (binary) return { ...report, fileErrors: [binary] };
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: 'greedy', transformHeader: (h) => h.trim() });
  report.fileErrors = checkHeaders(kind, parsed.meta.fields ?? []);
  for (const e of parsed.errors.slice(0, 20)) report.fileErrors.push(`line ${(e.row ?? 0) + 2}: ${e.message}`);
  report.total = parsed.data.length;
  if (report.fileErrors.length > 0) return report;

  const resolveSubscription = subscriptionResolver(store);
  const rows: Record<string, unknown>[] = [];
  const lineOfId = new Map<string, number>();
  const addErrors = (line: number, errors: FieldError[]) => {
    report.invalid += 1;
    for (const e of errors) if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push({ line, ...e });
  };
  for (let i = 0; i < parsed.data.length; i++) {
    const line = i + 2;
    const result = toRow(kind, parsed.data[i]!, resolveSubscription);
    if ('errors' in result) addErrors(line, result.errors);
    else {
      const id = result.row.id as string;
      const first = lineOfId.get(id);
      if (first !== undefined) addErrors(line, [{ field: 'id', message: `the same id is on line ${first}` }]);
      else {
        lineOfId.set(id, line);
        rows.push(result.row);
      }
    }
    if (options.onProgress && (i + 1) % PROGRESS_EVERY === 0) await options.onProgress(i + 1, report.total);
  }
  report.valid = rows.length;
  await options.onProgress?.(report.total, report.total);
  if (options.dryRun || report.invalid > 0 || rows.length === 0) return report;

  const written = store.mergeCatalog(kind, rows as CatalogRows[typeof kind][]);
  if (!written.ok) {
    // every row passed the same schema above: reaching here means the store refused for its own reason
    for (const e of written.errors.slice(0, MAX_REPORTED_ERRORS)) report.errors.push({ line: e.index + 2, field: e.field, message: e.message });
    return report;
  }
  report.imported = written.count;
  return report;
}
