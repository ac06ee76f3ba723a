import { describe, expect, it } from 'vitest';
import { parseCommandInput, parseCommandOutput } from './contract';
import { BULK_ACTION_MAX_IDS } from './request-schemas';

// The queue's sort and selection over IPC: what the main process accepts,
// checked by the same contract the renderer uses.

describe('queue sort and selection in the IPC contract', () => {
  it('lists in a column order, and refuses a column or direction the queue does not have', () => {
    expect(parseCommandInput('requests.list', { sort: { column: 'detail', direction: 'asc' }, afterId: 7 })).toEqual({
      ok: true,
      value: { filter: {}, limit: 200, sort: { column: 'detail', direction: 'asc' }, afterId: 7 },
    });
    expect(parseCommandInput('requests.list', { sort: { column: 'params', direction: 'asc' } }).ok).toBe(false);
    expect(parseCommandInput('requests.list', { sort: { column: 'type', direction: 'up' } }).ok).toBe(false);
    expect(parseCommandInput('requests.list', { sort: { column: 'type', direction: 'asc', raw: 'x' } }).ok).toBe(false);
    expect(parseCommandInput('exports.requests', { filter: { states: ['REJECTED'] }, sort: { column: 'card', direction: 'desc' } }).ok).toBe(true);
  });

  it('takes a selection of 1 to the maximum local ids, with one optional reason', () => {
    for (const channel of ['requests.retryMany', 'requests.discardMany'] as const) {
      expect(parseCommandInput(channel, { ids: [3, 4], reason: 'wrong batch' }).ok).toBe(true);
      expect(parseCommandInput(channel, { ids: [] }).ok).toBe(false);
      expect(parseCommandInput(channel, { ids: [0] }).ok).toBe(false);
      expect(parseCommandInput(channel, { ids: Array.from({ length: BULK_ACTION_MAX_IDS + 1 }, (_, i) => i + 1) }).ok).toBe(false);
      expect(parseCommandInput(channel, { ids: [1], reason: 'x'.repeat(501) }).ok).toBe(false);
    }
    expect(parseCommandInput('exports.selected', { ids: [1, 2] }).ok).toBe(true);
    expect(parseCommandInput('exports.selected', { ids: [1.5] }).ok).toBe(false);
  });

  it('answers what was done and what was refused, and why', () => {
    expect(parseCommandOutput('requests.retryMany', { done: [1], refused: [{ id: 2, message: 'it is COMPLETED' }] }).ok).toBe(true);
    expect(parseCommandOutput('requests.retryMany', { done: [1] }).ok).toBe(false);
  });
});
