// What every bench reports through: figures with their target (a missed target
// is a printed fact, not a failure) and checks that the measured work really
// happened (a failed piece of work IS a failure: run-all exits non-zero).
// A figure taken from work that did not succeed must never be printed as "ok",
// so benches call check() on the work's answer before they call figure().

export interface BenchOptions {
  /** Smoke run: small sizes, nothing built, well under two minutes in all. */
  quick: boolean;
}

/** The measured work did not succeed; the message says what went wrong. */
export class BenchFailure extends Error {
  override name = 'BenchFailure';
}

export function check(condition: unknown, reason: string): asserts condition {
  if (!condition) throw new BenchFailure(reason);
}

export type Target = { max: number } | { min: number } | null;

export interface Figure {
  name: string;
  value: number;
  unit: string;
  target: Target;
  met: boolean;
}

const figures: Figure[] = [];

/** Every figure printed so far in this process (run-all prints the misses at the end). */
export function printedFigures(): readonly Figure[] {
  return figures;
}

function format(value: number, unit: string): string {
  const digits = unit === 'ms' && value < 10 ? 2 : unit === 'ms' || unit === '%' ? 1 : 0;
  const text = value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return `${text} ${unit}`;
}

function targetText(target: Target, unit: string): string {
  if (target === null) return '(no target)';
  return 'max' in target ? `≤ ${format(target.max, unit)}` : `≥ ${format(target.min, unit)}`;
}

/** Prints one figure beside its target, with ok or MISSED; `detail` goes on the next line. */
export function figure(name: string, value: number, unit: string, target: Target, detail?: string): Figure {
  check(Number.isFinite(value), `${name}: measured no finite value (${value})`);
  const met = target === null || ('max' in target ? value <= target.max : value >= target.min);
  const row: Figure = { name, value, unit, target, met };
  figures.push(row);
  const verdict = target === null ? '' : met ? 'ok' : 'MISSED';
  console.log(`  ${name.padEnd(52)} ${format(value, unit).padStart(14)}   target ${targetText(target, unit).padEnd(16)} ${verdict}`);
  if (detail) console.log(`    (${detail})`);
  return row;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export function megabytes(bytes: number): number {
  return bytes / (1024 * 1024);
}

/** This process's resident set size now, in MiB. */
export function rssMiB(): number {
  return megabytes(process.memoryUsage().rss);
}
