// Failed sign-ins, counted in memory per operator name as typed (known or not,
// so a lockout does not tell names apart). After FAILURES_BEFORE_LOCKOUT
// failures in a row the name is locked for FIRST_LOCKOUT_MS, doubling with each
// further failure up to MAX_LOCKOUT_MS; while locked even the right password is
// refused. A successful sign-in clears the count. A restart clears every count:
// each guess still costs a full KDF run (operator-passwords.ts).

export const FAILURES_BEFORE_LOCKOUT = 5;
export const FIRST_LOCKOUT_MS = 30_000;
export const MAX_LOCKOUT_MS = 15 * 60_000;
/** Names remembered at most (the oldest forgotten first): typing many names cannot grow memory without bound. */
const MAX_NAMES = 1000;

interface Failures {
  count: number;
  lockedUntil: number;
}

export class SignInThrottle {
  private readonly byName = new Map<string, Failures>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds until `name` may try again; 0 when it may now. */
  lockedFor(name: string): number {
    const entry = this.byName.get(name);
    return entry === undefined ? 0 : Math.max(0, entry.lockedUntil - this.now());
  }

  /** Counts a failure; returns how long `name` is now locked (0: not yet) and the failures in a row. */
  failed(name: string): { failures: number; lockedForMs: number } {
    const entry = this.byName.get(name) ?? { count: 0, lockedUntil: 0 };
    this.byName.delete(name); // re-inserted last: the map's order is the age of the last failure
    entry.count += 1;
    const over = entry.count - FAILURES_BEFORE_LOCKOUT;
    const lockedForMs = over < 0 ? 0 : Math.min(MAX_LOCKOUT_MS, FIRST_LOCKOUT_MS * 2 ** Math.min(over, 16));
    if (lockedForMs > 0) entry.lockedUntil = this.now() + lockedForMs;
    this.byName.set(name, entry);
    if (this.byName.size > MAX_NAMES) this.byName.delete(this.byName.keys().next().value!);
    return { failures: entry.count, lockedForMs };
  }

  succeeded(name: string): void {
    this.byName.delete(name);
  }
}
