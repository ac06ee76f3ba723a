import { describe, expect, it } from 'vitest';
import { HOSTILE_TIMEOUT_MS, runHostileScenario, type ScenarioOptions } from './testing/hostile-scenario';

// The sync engine against a head-end that misbehaves the ways a real one
// plausibly does (testing/hostile-headend.ts). Whatever it does: at most one
// copy of each local request at the head-end, no local ACKNOWLEDGED /
// COMPLETED / REJECTED that the head-end's records do not back, no QUEUED
// request the head-end already holds, no sync pass that outlives its
// deadlines, and memory that stays bounded.

// A pass runs a lookup, a drain and a status poll, each bounded by the 300 ms
// request deadline (a few calls in sequence): 10 deadlines is generous slack
// for a busy 2-core CI machine, and far below a trickled answer's minutes.
const PASS_BOUND_MS = 10 * HOSTILE_TIMEOUT_MS;

const SCENARIOS: [string, ScenarioOptions][] = [
  ['SYSTEM_ERROR after create', { behaviour: { create: 'system_error' } }],
  ['HTML 502 page after create', { behaviour: { create: 'html_502' } }],
  ['reset after create, list without paging', { behaviour: { create: 'reset', list: 'no_paging' } }],
  ['reset after create, list with lying totals', { behaviour: { create: 'reset', list: 'lying_totals' } }],
  ['reset after create, list items without our UUID field', { behaviour: { create: 'reset', list: 'no_uuid_field' } }],
  ['OK answer without our UUID', { behaviour: { create: 'no_uuid' } }],
  ['OK answer naming another request, ours never created', { behaviour: { create: 'other_uuid' } }],
  ['status answers for requests never sent', { behaviour: { show: 'foreign' } }],
  ['wrong sequence numbers', { behaviour: { create: 'wrong_sequence' }, providers: ['nagravision'] }],
  ['4 GB length prefix / Content-Length', { behaviour: { create: 'huge_length' } }],
  ['answer trickled one byte at a time', { behaviour: { create: 'trickle', trickleMs: 100 } }],
  ['half-open: created, never answered', { behaviour: { create: 'silent' } }],
  ['restart and forget mid-run', { behaviour: { create: 'silent' }, midway: (h) => h.restart() }],
  ['refused before creation (control)', { behaviour: { create: 'refused_validation' } }],
];

describe('sync against a hostile head-end', () => {
  it.each(SCENARIOS)('%s: no copy, no false completion, no stall, bounded memory', async (name, options) => {
    const report = await runHostileScenario(options);
    // One line per scenario in the test output: the figures behind the pass/fail.
    console.log(`hostile scenario | ${name} | max copies ${report.maxCopies} | false completions ${report.falseCompletions.length} | wrongly absent ${report.wronglyAbsent.length} | longest pass ${report.longestPassMs} ms | memory +${Math.round(report.memoryGrowthBytes / 1e6)} MB | ${JSON.stringify(report.states)}`);
    expect(report.maxCopies).toBeLessThanOrEqual(1);
    expect(report.falseCompletions).toEqual([]);
    expect(report.wronglyAbsent).toEqual([]);
    expect(report.longestPassMs).toBeLessThan(PASS_BOUND_MS);
    expect(report.memoryGrowthBytes).toBeLessThan(64 * 1024 * 1024);
  }, 30_000);
});
