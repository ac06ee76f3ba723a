// Runs every bench/*.bench.ts in name order; each exports `run(): Promise<void>`
// and prints its own figures. Benchmarks print, they never assert.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const files = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && (!only || f.includes(only)))
  .sort();

for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { run?: () => Promise<void> };
  if (typeof mod.run !== 'function') {
    console.error(`${file}: exports no run()`);
    process.exitCode = 1;
    continue;
  }
  const start = performance.now();
  await mod.run();
  console.log(`(${file}: ${((performance.now() - start) / 1000).toFixed(1)} s)\n`);
}
