import { findRequestDefinition } from '../domain/request-catalog';
import { ALL_PARAM_FIELDS, preferredKey } from '../domain/request-fields';
import { fieldErrors, type FieldError } from '../domain/validation';
import { CLIENT_UUID_UDF, reservedUdfProblem } from '../domain/client-uuid';

// A CSV row → a request body, validated. The columns are documented in bulk-csv.md:
//   provider, method                         which request (both required)
//   <field>                                  a plain field (pin, priority, message_text, udf_string_1, …)
//   <identifier>.<key>                       one key of an identifier (smartcard_identifier.serial_number)
//   services_set / smartcard_set / stb_set   entries separated by ";", an entry's keys by "|":
//                                            "code:Gold;code:Silver", "serial_number:SC1|ca_id:0001;serial_number:SC2"
// Empty cells are absent fields. Rows are validated with the method's params
// schema, exactly like Compose; how a cell is read follows from its field's
// shape, as the shared field reader reads the schemas (request-fields.ts).

export interface CsvRow {
  /** 1-based line in the file; the header is line 1. */
  line: number;
  provider: string;
  method: string;
  params: Record<string, unknown>;
  errors: FieldError[];
}

const isSet = (field: string) => ['identifier-list', 'services'].includes(ALL_PARAM_FIELDS.get(field)?.shape ?? '');

function parseSet(field: string, cell: string): unknown[] {
  return cell
    .split(';')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const identifier: Record<string, string> = {};
      for (const pair of entry.split('|')) {
        const colon = pair.indexOf(':');
        // A bare value names the entry by the key operators usually have (a service's code, a card's serial number).
        const key = colon < 0 ? preferredKey(ALL_PARAM_FIELDS.get(field)?.keys) : pair.slice(0, colon).trim();
        identifier[key] = (colon < 0 ? pair : pair.slice(colon + 1)).trim();
      }
      return ALL_PARAM_FIELDS.get(field)?.shape === 'services' ? { service_identifier: identifier } : identifier;
    });
}

function parseBoolean(cell: string): boolean | string {
  const v = cell.trim().toLowerCase();
  if (['true', '1', 'yes', 'y'].includes(v)) return true;
  if (['false', '0', 'no', 'n'].includes(v)) return false;
  return cell;
}

function parseNumber(cell: string): number | string {
  const n = Number(cell.trim());
  return cell.trim() !== '' && Number.isFinite(n) ? n : cell;
}

export function checkHeaders(headers: readonly string[]): string[] {
  const errors: string[] = [];
  for (const required of ['provider', 'method']) {
    if (!headers.includes(required)) errors.push(`missing column "${required}"`);
  }
  for (const header of headers) {
    if (header === 'provider' || header === 'method') continue;
    const top = header.split('.')[0]!;
    if (!ALL_PARAM_FIELDS.has(top)) errors.push(`unknown column "${header}"`);
    else if (header.includes('.') && isSet(top)) errors.push(`column "${header}": write ${top} as one column`);
  }
  const duplicates = headers.filter((h, i) => headers.indexOf(h) !== i);
  if (duplicates.length > 0) errors.push(`duplicate column(s): ${[...new Set(duplicates)].join(', ')}`);
  return errors;
}

export function rowToBody(record: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [header, raw] of Object.entries(record)) {
    if (header === 'provider' || header === 'method') continue;
    const cell = typeof raw === 'string' ? raw.trim() : '';
    if (cell === '') continue;
    const [top, key] = header.split('.') as [string, string | undefined];
    if (key !== undefined) {
      const current = body[top];
      const target = current !== null && typeof current === 'object' ? (current as Record<string, unknown>) : {};
      target[key] = cell;
      body[top] = target;
    } else {
      const shape = ALL_PARAM_FIELDS.get(top)?.shape;
      if (isSet(top)) body[top] = parseSet(top, cell);
      else if (shape === 'boolean') body[top] = parseBoolean(cell);
      else if (shape === 'number') body[top] = parseNumber(cell);
      else body[top] = cell;
    }
  }
  return body;
}

export function validateRow(line: number, record: Record<string, string>): CsvRow {
  const provider = (record.provider ?? '').trim();
  const method = (record.method ?? '').trim();
  const params = rowToBody(record);
  const definition = findRequestDefinition(provider, method);
  if (!definition) {
    const errors: FieldError[] = provider === '' || method === '' ? [{ field: provider === '' ? 'provider' : 'method', message: 'is required' }] : [{ field: 'method', message: `${provider}/${method} is not a known request` }];
    return { line, provider, method, params, errors };
  }
  const parsed = definition.params.safeParse(params);
  const errors = parsed.success ? [] : fieldErrors(parsed.error);
  const reserved = reservedUdfProblem(params);
  if (reserved) errors.push({ field: CLIENT_UUID_UDF, message: reserved });
  return { line, provider, method, params: parsed.success ? parsed.data : params, errors };
}

export const NOT_CSV = 'this is not a CSV file: it holds binary data. Save the sheet as "CSV UTF-8" and choose that file';

/**
 * A spreadsheet, archive or image read as text holds NUL characters or many
 * control and replacement characters (U+FFFD, what undecodable bytes become);
 * a CSV holds neither. Looks at the start only, so it costs nothing on big files.
 */
export function binaryProblem(text: string, sampleSize = 8192): string | null {
  const sample = text.slice(0, sampleSize);
  if (sample.length === 0) return null;
  let odd = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0) return NOT_CSV;
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) odd += 1;
  }
  return odd / sample.length > 0.01 ? NOT_CSV : null;
}
