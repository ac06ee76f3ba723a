// Named points where a crash test can make this process SIGKILL itself, to
// prove that no moment of a send loses or duplicates a request. Off unless
// CADESK_CRASH_AT is set, as "<point>" or "<point>:<n>" (die at the n-th
// passage, default 1). Production never sets it.

export const CRASH_POINTS = [
  'after-enqueue',
  'after-mark-sending',
  'after-socket-write',
  'after-answer-before-commit',
  'after-commit',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export const CRASH_ENV = 'CADESK_CRASH_AT';

interface Armed {
  point: CrashPoint;
  remaining: number;
}

function parse(spec: string | undefined): Armed | null {
  if (!spec) return null;
  const [name, count] = spec.split(':');
  if (!(CRASH_POINTS as readonly string[]).includes(name ?? '')) {
    throw new Error(`${CRASH_ENV}: unknown crash point "${name}"; known: ${CRASH_POINTS.join(', ')}`);
  }
  const n = count === undefined ? 1 : Number(count);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${CRASH_ENV}: passage count must be a whole number ≥ 1`);
  return { point: name as CrashPoint, remaining: n };
}

const armed = parse(process.env[CRASH_ENV]);

export function crashPoint(point: CrashPoint): void {
  if (armed === null || armed.point !== point) return;
  armed.remaining -= 1;
  if (armed.remaining === 0) process.kill(process.pid, 'SIGKILL');
}
