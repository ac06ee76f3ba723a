// CSV as RFC 4180 says (CRLF line ends, every field quoted when it holds a
// quote, comma, CR or LF, quotes doubled), and safe to open in a spreadsheet:
// a text cell starting with = + - @ or a tab/CR is a formula to Excel and
// LibreOffice, so it is prefixed with an apostrophe (OWASP "CSV injection").
// Times are ISO 8601 in exports, whatever the screen shows.

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export type CsvValue = string | number | boolean | null | undefined;

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : String(value);
  // Numbers are numbers; only text can smuggle a formula in ("-1+cmd|…").
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** An epoch-ms time as ISO 8601 UTC ("2026-12-01T05:45:12.000Z"); empty when absent. */
export function isoTime(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '' : new Date(ms).toISOString();
}
