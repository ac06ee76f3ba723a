// CSV text → records, fed in chunks of any size (RFC 4180: a quoted cell may
// hold commas, line breaks and quotes written twice; lines end with CRLF or
// LF). Only the record being read is held, so a file of any length is read
// in constant memory; a record longer than MAX_RECORD_CHARS (a quote never
// closed swallows the rest of the file) stops the reading with an error.

export const MAX_RECORD_CHARS = 1_000_000;

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

export class CsvRecordSplitter {
  private cells: string[] = [];
  private cell = '';
  /** Inside a quoted cell. */
  private quoted = false;
  /** A quote ended the last chunk inside a quoted cell: the next character says whether it was "" or the closing quote. */
  private quoteAtEnd = false;
  /** A CR ended the last chunk: an LF starting the next one belongs to it. */
  private crAtEnd = false;
  private recordChars = 0;
  /** Records handed out so far: the one being read is number `records + 1`. */
  records = 0;

  constructor(private readonly onRecord: (cells: string[]) => void) {}

  /** Reads a chunk; throws CsvTooLong when a record grows past MAX_RECORD_CHARS. */
  push(text: string): void {
    let i = 0;
    const n = text.length;
    if (this.crAtEnd && n > 0) {
      this.crAtEnd = false;
      if (text.charCodeAt(0) === LF) i = 1;
    }
    if (this.quoteAtEnd && n > 0) {
      this.quoteAtEnd = false;
      if (text.charCodeAt(0) === QUOTE) {
        this.cell += '"';
        i = 1;
      } else this.quoted = false;
    }
    this.recordChars += n - i;
    this.read(text, i);
    // What is held now is the record not yet ended.
    if (this.recordChars > MAX_RECORD_CHARS) throw new CsvTooLong(this.records + 1);
  }

  private read(text: string, from: number): void {
    const n = text.length;
    let i = from;
    while (i < n) {
      if (this.quoted) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          this.cell += text.slice(i);
          return;
        }
        this.cell += text.slice(i, q);
        if (q + 1 === n) {
          this.quoteAtEnd = true;
          return;
        }
        if (text.charCodeAt(q + 1) === QUOTE) {
          this.cell += '"';
          i = q + 2;
        } else {
          this.quoted = false;
          i = q + 1;
        }
        continue;
      }
      let j = i;
      let c = 0;
      while (j < n) {
        c = text.charCodeAt(j);
        if (c === COMMA || c === LF || c === CR || c === QUOTE) break;
        j++;
      }
      this.cell += text.slice(i, j);
      if (j === n) return;
      if (c === QUOTE) {
        // A quote opens a quoted cell only at its start; elsewhere it is kept as written.
        if (this.cell === '') this.quoted = true;
        else this.cell += '"';
        i = j + 1;
      } else if (c === COMMA) {
        this.cells.push(this.cell);
        this.cell = '';
        i = j + 1;
      } else {
        if (c === CR) {
          if (j + 1 === n) this.crAtEnd = true;
          else if (text.charCodeAt(j + 1) === LF) j++;
        }
        this.endRecord(n - j - 1);
        i = j + 1;
      }
    }
  }

  /** The end of the text: hands out the last record; returns an error when a quoted cell was never closed. */
  end(): string | null {
    const open = this.quoted && !this.quoteAtEnd;
    if (this.cell !== '' || this.cells.length > 0 || this.quoted) this.endRecord(0);
    return open ? `record ${this.records}: a quoted cell is never closed` : null;
  }

  private endRecord(charsLeftInChunk: number): void {
    this.cells.push(this.cell);
    const cells = this.cells;
    this.cells = [];
    this.cell = '';
    this.quoted = false;
    this.quoteAtEnd = false;
    this.records += 1;
    // What is left of the chunk counts towards the next record.
    this.recordChars = charsLeftInChunk;
    this.onRecord(cells);
  }
}

export class CsvTooLong extends Error {
  constructor(readonly record: number) {
    super(`record ${record} is longer than ${MAX_RECORD_CHARS.toLocaleString('en-US')} characters (a quote that is never closed?)`);
  }
}
