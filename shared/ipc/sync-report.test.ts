import { describe, expect, it } from 'vitest';
import { describeSync } from './sync-report';

describe('describeSync', () => {
  it('says nothing was to send only when the queue is empty', () => {
    expect(describeSync({}, 0, null)).toMatchObject({ outcome: 'nothing', message: 'Nothing to send: the queue is empty.' });
    expect(describeSync({}, 2, null)).toMatchObject({ outcome: 'nothing', message: expect.stringContaining('2 requests waiting') });
  });

  it('never says the sync finished when every send failed', () => {
    const all = describeSync({ sent: 3, retry_scheduled: 3 }, 3, 'nagravision: connect ECONNREFUSED');
    expect(all.outcome).toBe('failed');
    expect(all.message).toMatch(/^Sync failed: 3 sends did not go through \(nagravision: connect ECONNREFUSED\)\. 3 requests still waiting\.$/);
    expect(describeSync({}, 1, 'conax: offline')).toMatchObject({ outcome: 'failed', message: expect.stringContaining('1 request still waiting') });
  });

  it('counts what was sent and how it ended, with correct plurals', () => {
    expect(describeSync({ sent: 1, acknowledged: 1, completed: 1 }, 0, null)).toMatchObject({
      outcome: 'done',
      sent: 1,
      completed: 1,
      message: 'Sent 1: 1 completed, 1 pending at the head-end.',
    });
    expect(describeSync({ sent: 4, completed: 2, retry_scheduled: 2 }, 2, null)).toMatchObject({
      outcome: 'partly',
      failed: 2,
      message: 'Sent 4: 2 completed; 2 failed. 2 requests still waiting.',
    });
  });
});
