import { describe, expect, it } from 'vitest';
import { BulkCsvReader } from './bulk-csv-reader';
import type { CsvRow } from './bulk-rows';
import { MAX_RECORD_CHARS } from './csv-records';

/** Reads `text` through the reader in chunks of `chunk` bytes (UTF-8), as the worker does with a file's stream. */
function read(text: string, chunk = 65_536, notSendable?: (p: string, m: string) => string | null): { rows: CsvRow[]; fileErrors: string[] } {
  const rows: CsvRow[] = [];
  const reader = new BulkCsvReader((row) => rows.push(row), { notSendable });
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += chunk) if (!reader.push(bytes.subarray(i, i + chunk))) break;
  reader.end();
  return { rows, fileErrors: reader.fileErrors };
}

const HEADER = 'provider,method,smartcard_identifier.serial_number,message_text';

describe('bulk CSV reader', () => {
  it('validates each row with its method schema and numbers lines from the header, blank lines not counted', () => {
    const csv = [
      'provider,method,subscription_identifier.number,smartcard_ca_id,pin,udf_string_8',
      'conax,update_ca_pin_to_given_value,S1,100,1234,',
      '',
      'conax,update_ca_pin_to_given_value,S1,100,12a4,',
      ' , , , , , ',
      'conax,update_ca_pin_to_given_value,S1,100,1234,mine',
    ].join('\r\n');
    const { rows, fileErrors } = read(csv);
    expect(fileErrors).toEqual([]);
    expect(rows.map((r) => [r.line, r.errors.map((e) => e.field)])).toEqual([
      [2, []],
      [3, ['pin']],
      [4, ['udf_string_8']],
    ]);
  });

  it('reads RFC 4180 quotes (commas, doubled quotes, line breaks) the same at every chunk boundary', () => {
    const csv = `\ufeff${HEADER}\r\nconax,send_mail_message_to_client,SC1,"Dear viewer, ""Movies"" is back\r\non channel 5 — très bien"\r\nconax,send_mail_message_to_client,"SC2",plain\n`;
    const expected = [
      { line: 2, params: { smartcard_identifier: { serial_number: 'SC1' }, message_text: 'Dear viewer, "Movies" is back\r\non channel 5 — très bien' } },
      { line: 3, params: { smartcard_identifier: { serial_number: 'SC2' }, message_text: 'plain' } },
    ];
    // One byte at a time splits the BOM, "é", "—", the doubled quotes and CRLF across chunks.
    for (const chunk of [1, 2, 3, 7, 65_536]) {
      const { rows, fileErrors } = read(csv, chunk);
      expect(fileErrors, `chunks of ${chunk}`).toEqual([]);
      expect(rows.map((r) => ({ line: r.line, params: r.params })), `chunks of ${chunk}`).toEqual(expected);
      expect(rows.every((r) => r.errors.length === 0)).toBe(true);
    }
  });

  it('makes a row with the wrong number of cells invalid, by line, and keeps reading', () => {
    const { rows, fileErrors } = read([HEADER, 'conax,send_mail_message_to_client,SC1', 'conax,send_mail_message_to_client,SC2,hi'].join('\n'));
    expect(fileErrors).toEqual([]);
    expect(rows.map((r) => [r.line, r.errors.map((e) => e.message)])).toEqual([
      [2, ['has 3 cells where the header names 4 columns']],
      [3, []],
    ]);
  });

  it('refuses the file for its header or a quote never closed, without holding the rest of the file', () => {
    expect(read('method,pin\nconax,1').fileErrors).toEqual(['missing column "provider"']);
    expect(read('').fileErrors).toEqual(['the file is empty']);
    expect(read(`${HEADER}\nconax,send_mail_message_to_client,SC1,"never closed\nmore`).fileErrors).toEqual(['record 2: a quoted cell is never closed']);
    const runaway = read(`${HEADER}\nconax,send_mail_message_to_client,SC1,"${'x'.repeat(MAX_RECORD_CHARS + 10)}`);
    expect(runaway.fileErrors).toEqual([expect.stringMatching(/^record 2 is longer than 1,000,000 characters/)]);
    expect(runaway.rows).toEqual([]);
  });

  it('marks the kinds the connection cannot send as invalid, with the reason', () => {
    const { rows } = read([HEADER, 'conax,send_mail_message_to_client,SC1,hi'].join('\n'), 65_536, (p, m) => (m === 'send_mail_message_to_client' ? 'no Web API method' : null));
    expect(rows[0]?.errors).toEqual([{ field: 'method', message: 'no Web API method' }]);
  });

  it('says a binary or non-UTF-8 file is not a CSV from its first chunk, instead of reading it into errors', () => {
    const notCsv = (bytes: Uint8Array) => {
      const rows: CsvRow[] = [];
      const reader = new BulkCsvReader((row) => rows.push(row));
      const more = reader.push(bytes);
      reader.end();
      return { more, rows: rows.length, notCsv: reader.notCsv, fileErrors: reader.fileErrors };
    };
    // An .xlsx is a zip: NUL bytes in its first bytes.
    const xlsx = notCsv(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, ...new TextEncoder().encode('provider,method\n')]));
    expect(xlsx).toEqual({ more: false, rows: 0, notCsv: expect.stringMatching(/^this is not a CSV file: it holds binary data/), fileErrors: [xlsx.notCsv] });
    // Windows-1252 "é" (0xE9) is no UTF-8: refused with its own words, not read as "Ã©" or U+FFFD.
    const latin1 = notCsv(new Uint8Array([...new TextEncoder().encode('provider,method,message_text\nconax,send_mail_message_to_client,caf'), 0xe9, 0x0a]));
    expect(latin1.notCsv).toMatch(/^this is not a CSV file: its first bytes are not UTF-8 text/);
    expect(latin1.rows).toBe(0);
    const garbage = Array.from({ length: 2000 }, (_, i) => (i % 7 === 0 ? '\u0007' : 'a')).join('');
    expect(read(garbage).fileErrors[0]).toMatch(/not a CSV/);
    expect(read('provider,method\nconax,get_active_subscriptions\n').fileErrors).toEqual([]);
  });

  it('stops at bad UTF-8 after the first chunk, naming the record', () => {
    const rows: CsvRow[] = [];
    const reader = new BulkCsvReader((row) => rows.push(row));
    expect(reader.push(new TextEncoder().encode(`${HEADER}\nconax,send_mail_message_to_client,SC1,hi\n`))).toBe(true);
    expect(reader.push(new Uint8Array([0x63, 0x6f, 0xff, 0x0a]))).toBe(false);
    reader.end();
    expect(reader.notCsv).toBeNull();
    expect(reader.fileErrors).toEqual([expect.stringMatching(/^record 3: the text is not UTF-8/)]);
    expect(rows).toHaveLength(1);
  });
});
