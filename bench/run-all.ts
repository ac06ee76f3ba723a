// Runs every bench/*.bench.ts in name order; each exports
// `run(options: BenchOptions): Promise<void>`, prints its figures with their
// targets (bench-report.ts) and throws when the work it measured did not
// succeed. A missed target is printed; a failed bench makes the exit code 1.
//
//   npm run bench                    the full run (operator scale; minutes)
//   npm run bench -- --quick         the smoke run CI executes (small sizes, builds nothing)
//   npm run bench -- --quick queue   only the benches whose file name contains "queue"
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { printedFigures, type BenchOptions } from './bench-report';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const unknown = args.filter((a) => a.startsWith('-') && a !== '--quick');
if (unknown.length > 0) {
  console.error(`unknown option ${unknown.join(' ')} (known: --quick, and a part of a bench file name)`);
  process.exit(2);
}
const options: BenchOptions = { quick: args.includes('--quick') };
const only = args.find((a) => !a.startsWith('-'));
const files = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && (!only || f.includes(only)))
  .sort();

const failures: string[] = [];
if (files.length === 0) failures.push(`no bench file matches "${only ?? ''}"`);
console.log(`${options.quick ? 'quick' : 'full'} run; ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (the cores may be shared: figures vary with load)\n`);
const started = performance.now();
for (const file of files) {
  const start = performance.now();
  try {
    const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { run?: (options: BenchOptions) => Promise<void> };
    if (typeof mod.run !== 'function') throw new Error('exports no run()');
    await mod.run(options);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    failures.push(`${file}: ${reason}`);
    console.log(`  FAILED: ${reason}`);
    if (error instanceof Error && error.name !== 'BenchFailure' && error.stack) console.error(error.stack);
  }
  console.log(`(${file}: ${((performance.now() - start) / 1000).toFixed(1)} s)\n`);
}

const missed = printedFigures().filter((f) => !f.met);
console.log(`${printedFigures().length} figures in ${((performance.now() - started) / 1000).toFixed(1)} s; load average now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
if (missed.length > 0) console.log(`targets MISSED (${missed.length}): ${missed.map((f) => f.name.trim()).join('; ')}`);
else if (failures.length === 0) console.log('every target met');
if (failures.length > 0) {
  console.log(`\nBENCH FAILED (${failures.length}):`);
  for (const f of failures) console.log(`  ${f}`);
  process.exitCode = 1;
}
