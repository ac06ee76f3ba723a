// Soak test of crash safety: kill -9 of a child sync process, cycle after
// cycle (electron/sync/testing/kill-cycles.ts). CI runs 200 cycles in
// electron/sync/kill-recovery.test.ts; this runs as many as you like.
//
//   npx tsx scripts/soak-kill.ts [cycles=2000] [batchSize=6] [cards=8, at most 9 with the tiny seed]
import { runKillCycles } from '../electron/sync/testing/kill-cycles';

const [cycles = 2000, batchSize = 6, cards = 8] = process.argv.slice(2).map(Number);
const report = await runKillCycles({ cycles, batchSize, cards, randomShare: 0.4, log: (line) => console.log(line) });
console.log(`cycles: ${report.cycles}, requests: ${report.requests}, ${(report.ms / 1000).toFixed(1)} s`);
console.log(`by mode: ${JSON.stringify(report.byMode)}`);
console.log(`killed: ${JSON.stringify(report.killedByMode)}`);
if (report.problems.length > 0) {
  console.error(`${report.problems.length} problem(s):`);
  for (const p of report.problems.slice(0, 50)) console.error(`  ${p}`);
  process.exit(1);
}
console.log('no problem: integrity ok, nothing lost, nothing twice at the head-end, order kept');
