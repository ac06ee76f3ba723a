import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  LOCAL_STATES,
  LOCAL_STATE_TABLE,
  LOCAL_STATE_VARIANTS,
  TRANSITIONS,
  operatorActionsIn,
  transitionRefusal,
  type LocalState,
  type TransitionRow,
} from './life-cycle';

const README = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../README.md');

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

describe('the life-cycle table', () => {
  it("is the README's state table, row for row (each state, then its variants)", () => {
    const expected = LOCAL_STATES.flatMap((state) => [
      { label: LOCAL_STATE_TABLE[state].label, meaning: LOCAL_STATE_TABLE[state].meaning },
      ...Object.values(LOCAL_STATE_VARIANTS)
        .filter((variant) => variant.state === state)
        .map((variant) => ({ label: variant.label, meaning: variant.meaning })),
    ]);
    expect(readmeStateRows()).toEqual(expected);
  });

  it('gives every state one label of its own', () => {
    const labels = LOCAL_STATES.map((state) => LOCAL_STATE_TABLE[state].label);
    expect(new Set(labels).size).toBe(LOCAL_STATES.length);
  });

  it('keeps finished requests out of the outbox, and lets nothing but an operator act on them', () => {
    for (const state of LOCAL_STATES) {
      const row = LOCAL_STATE_TABLE[state];
      if (row.finished) expect(row.inOutbox, state).toBe(false);
      const movers = (Object.values(TRANSITIONS) as TransitionRow[]).filter((t) => t.from.includes(state) && t.to.some((to) => to !== state));
      if (row.finished) expect(movers, `${state} is finished, yet a transition leaves it`).toEqual([]);
      else expect(movers.length, `${state} is not finished, so something must move it on`).toBeGreaterThan(0);
    }
  });

  it('names only states of the table in its transitions', () => {
    for (const [kind, row] of Object.entries(TRANSITIONS) as [string, TransitionRow][]) {
      for (const state of [...row.from, ...row.to]) expect(LOCAL_STATES, `${kind}: ${state}`).toContain(state);
    }
  });

  it('offers an operator a way out of every state that needs attention', () => {
    for (const state of LOCAL_STATES) {
      if (LOCAL_STATE_TABLE[state].attention !== 'no') expect(operatorActionsIn(state).length, state).toBeGreaterThan(0);
    }
  });

  it('checks the condition of a transition besides its states', () => {
    const facts = (local_state: LocalState, outcome_unknown: boolean, rejectionOpen?: boolean) => ({ local_state, outcome_unknown, rejectionOpen });
    expect(transitionRefusal('edit', facts('NEEDS_ATTENTION', false))).toBeNull();
    expect(transitionRefusal('edit', facts('NEEDS_ATTENTION', true))).toMatch(/may have reached the head-end/);
    expect(transitionRefusal('confirmNotArrived', facts('UNKNOWN', true))).toMatch(/allowed only from NEEDS_ATTENTION/);
    expect(transitionRefusal('close', facts('REJECTED', false, true))).toBeNull();
    expect(transitionRefusal('close', facts('REJECTED', false, false))).toMatch(/already closed/);
  });
});
