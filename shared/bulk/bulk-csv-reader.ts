import { binaryProblem, checkHeaders, NOT_CSV, validateRow, type CsvRow } from './bulk-rows';
import { CsvRecordSplitter, CsvTooLong } from './csv-records';

// A bulk file, read as it arrives: bytes → text → records → validated rows,
// one row at a time, holding only the record being read (csv-records.ts).
// The reader of the Bulk screen's worker, and of the tests.
//
// Lines are counted as bulk-csv.md says: the header is line 1, blank lines
// are skipped and not counted.

export interface BulkReadOptions {
  /** Why the active connection cannot send this kind, or null: such rows are invalid, not queued to fail. */
  notSendable?: (provider: string, method: string) => string | null;
}

const NOT_UTF8 = 'this is not a CSV file: its first bytes are not UTF-8 text (a spreadsheet, an archive, or a CSV saved in another encoding). Save the sheet as "CSV UTF-8" and choose that file';

export class BulkCsvReader {
  /** Errors about the file itself; the first one stops the reading. */
  readonly fileErrors: string[] = [];
  /** Why the file is no CSV at all (binary, not UTF-8), judged on its first chunk; null for a CSV. */
  notCsv: string | null = null;
  /** Fatal: a byte that is not UTF-8 is an error, never a silent U+FFFD. */
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly splitter: CsvRecordSplitter;
  private headers: string[] | null = null;
  private line = 1;
  private started = false;

  constructor(
    private readonly onRow: (row: CsvRow) => void,
    private readonly options: BulkReadOptions = {},
  ) {
    this.splitter = new CsvRecordSplitter((cells) => this.record(cells));
  }

  /** True once the file is refused: read no further. */
  get refused(): boolean {
    return this.fileErrors.length > 0;
  }

  /** Reads the next bytes of the file; returns false when the file is refused and reading should stop. */
  push(bytes: Uint8Array): boolean {
    if (this.refused) return false;
    const first = !this.started && bytes.length > 0;
    if (first) {
      this.started = true;
      // A text file never holds a NUL byte; spreadsheets, archives, images and UTF-16 text do.
      if (bytes.includes(0)) return this.refuseAsNotCsv(NOT_CSV);
    }
    let text: string;
    try {
      text = this.decoder.decode(bytes, { stream: true });
    } catch {
      if (first) return this.refuseAsNotCsv(NOT_UTF8);
      this.fileErrors.push(`record ${this.splitter.records + 1}: the text is not UTF-8 from here on. Save the sheet as "CSV UTF-8" and choose that file`);
      return false;
    }
    if (first) {
      const binary = binaryProblem(text);
      if (binary) return this.refuseAsNotCsv(binary);
    }
    return this.split(text);
  }

  private refuseAsNotCsv(why: string): false {
    this.notCsv = why;
    this.fileErrors.push(why);
    return false;
  }

  /** The end of the file. */
  end(): void {
    if (this.refused) return;
    let rest: string;
    try {
      rest = this.decoder.decode();
    } catch {
      this.fileErrors.push('the file ends in the middle of a UTF-8 character');
      return;
    }
    if (!this.split(rest)) return;
    const open = this.splitter.end();
    if (open) this.fileErrors.push(open);
    else if (this.headers === null) this.fileErrors.push('the file is empty');
  }

  private split(text: string): boolean {
    if (this.refused) return false;
    try {
      this.splitter.push(text);
    } catch (error) {
      if (!(error instanceof CsvTooLong)) throw error;
      this.fileErrors.push(error.message);
    }
    return !this.refused;
  }

  private record(cells: string[]): void {
    if (this.refused) return;
    if (this.headers === null) {
      this.headers = cells.map((h) => h.trim());
      this.fileErrors.push(...checkHeaders(this.headers));
      return;
    }
    // A blank line, or one of empty cells only, is no row.
    if (cells.every((c) => c.trim() === '')) return;
    this.line += 1;
    if (cells.length !== this.headers.length) {
      const cell = (name: string) => (cells[this.headers!.indexOf(name)] ?? '').trim();
      const message = `has ${cells.length} cells where the header names ${this.headers.length} columns`;
      this.onRow({ line: this.line, provider: cell('provider'), method: cell('method'), params: {}, errors: [{ field: '', message }] });
      return;
    }
    const record: Record<string, string> = {};
    for (let i = 0; i < cells.length; i++) record[this.headers[i]!] = cells[i]!;
    const row = validateRow(this.line, record);
    const why = row.errors.length === 0 ? (this.options.notSendable?.(row.provider, row.method) ?? null) : null;
    if (why !== null) row.errors.push({ field: 'method', message: why });
    this.onRow(row);
  }
}
