import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LOCAL_STATES, LOCAL_STATE_TABLE, LOCAL_STATE_VARIANTS } from '../shared/domain/life-cycle';

// The operator's manual and the code say the same about each state: the
// README's "What happens to a request" table is the life-cycle table
// (shared/domain/life-cycle.ts), word for word once its markdown is removed.

const README = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../README.md');

/** The rows of the README's state table ("you see | it means"), as plain text: label and meaning. */
function readmeStateRows(): { label: string; meaning: string }[] {
  const lines = fs.readFileSync(README, 'utf8').split('\n');
  const header = lines.findIndex((line) => /^\|\s*you see\s*\|\s*it means\s*\|$/.test(line.trim()));
  expect(header, 'the README has a "| you see | it means |" table').toBeGreaterThan(-1);
  const rows: { label: string; meaning: string }[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
    expect(cells, line).toHaveLength(2);
    const label = /^\*\*(.+?)\*\*/.exec(cells[0]!)?.[1];
    expect(label, `a bold label in ${cells[0]}`).toBeDefined();
    rows.push({ label: label!, meaning: plain(cells[1]!) });
  }
  return rows;
}

/** Markdown emphasis and code marks removed: the words the table holds. */
const plain = (markdown: string) => markdown.replace(/\*\*|\*|`/g, '').replace(/\s+/g, ' ').trim();

describe("the README's state table", () => {
  it("is the README's state table, row for row (each state, then its variants)", () => {
    const expected = LOCAL_STATES.flatMap((state) => [
      { label: LOCAL_STATE_TABLE[state].label, meaning: LOCAL_STATE_TABLE[state].meaning },
      ...Object.values(LOCAL_STATE_VARIANTS)
        .filter((variant) => variant.state === state)
        .map((variant) => ({ label: variant.label, meaning: variant.meaning })),
    ]);
    expect(readmeStateRows()).toEqual(expected);
  });

});
