import { describe, expect, it } from 'vitest';
import {
  LOCAL_STATES,
  LOCAL_STATE_TABLE,
  TRANSITIONS,
  operatorActionsIn,
  transitionRefusal,
  type LocalState,
  type TransitionRow,
} from './life-cycle';

// The README's state table is checked against this table in
// test/readme-life-cycle.test.ts (this folder must not depend on Node).

describe('the life-cycle table', () => {
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
