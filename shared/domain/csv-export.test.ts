import { describe, expect, it } from 'vitest';
import { csvField, csvLine, isoTime } from './csv-export';

describe('CSV export', () => {
  it('quotes as RFC 4180 says and ends lines with CRLF', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', 'two\nlines', null, 3])).toBe('a,"b,c","say ""hi""","two\nlines",,3\r\n');
  });

  it('defuses spreadsheet formulas in text cells, not in numbers', () => {
    for (const evil of ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) expect(csvField(evil).replace(/^"/, '').startsWith("'")).toBe(true);
    expect(csvField('=1,2')).toBe(`"'=1,2"`);
    expect(csvField(-5)).toBe('-5');
    expect(csvField('smrt20000054')).toBe('smrt20000054');
  });

  it('writes times as ISO 8601', () => {
    expect(isoTime(Date.UTC(2026, 11, 1, 5, 45, 12))).toBe('2026-12-01T05:45:12.000Z');
    expect(isoTime(null)).toBe('');
  });
});
