import { describe, expect, it } from 'vitest';
import { runKillCycles } from './testing/kill-cycles';

// kill -9 of a child sync process at every named point and at random moments
// (scripts/soak-kill.ts runs the same for longer). After each death the store
// is intact, nothing queued is lost, nothing reaches the head-end twice, and
// every card's requests arrive in queue order.

const CYCLES = Number(process.env.CADESK_KILL_CYCLES ?? 200);

describe('kill -9 of the sync process', () => {
  it(`loses nothing and duplicates nothing over ${CYCLES} crash cycles`, async () => {
    const report = await runKillCycles({ cycles: CYCLES, batchSize: 4, cards: 8, randomShare: 0.3 });
    console.log(
      `kill cycles: ${report.cycles} in ${report.ms} ms, ${report.requests} requests, ` +
        `by mode ${JSON.stringify(report.byMode)}, killed ${JSON.stringify(report.killedByMode)}`,
    );
    expect(report.problems.slice(0, 10)).toEqual([]);
    // Every named point, and random moments, really killed a child.
    for (const point of ['after-enqueue', 'after-mark-sending', 'after-socket-write', 'after-answer-before-commit', 'after-commit', 'random']) {
      expect(report.killedByMode[point] ?? 0).toBeGreaterThan(0);
    }
  }, 170_000);
});
