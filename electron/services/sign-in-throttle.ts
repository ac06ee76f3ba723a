// Failed sign-ins, counted in memory per key (the caller's signInKeyOf: the
// operator's id when the name is an operator's, whatever its case, else the
// name trimmed and lower-cased, so a lockout does not tell names apart and a
// change of case gives no fresh tries). After FAILURES_BEFORE_LOCKOUT failures
// in a row the key is locked for FIRST_LOCKOUT_MS, doubling with each further
// failure up to MAX_LOCKOUT_MS; while locked even the right password is
// refused. A successful sign-in clears the count. A restart clears every count:
// each guess still costs a full KDF run (operator-passwords.ts).
//
// At most MAX_KEYS keys are remembered, so typing many names cannot grow
// memory without bound. Only an unlocked entry is ever forgotten (the oldest
// failure first): forgetting a locked one would free it. When all MAX_KEYS are
// locked, a key not yet counted is refused as locked too, until the earliest
// lockout ends (a flood of failures holds the desk for at most MAX_LOCKOUT_MS;
// refusing known and unknown names alike keeps them apart from no one).

export const FAILURES_BEFORE_LOCKOUT = 5;
export const FIRST_LOCKOUT_MS = 30_000;
export const MAX_LOCKOUT_MS = 15 * 60_000;
/** Keys remembered at most. */
export const MAX_KEYS = 1000;

interface Failures {
  count: number;
  lockedUntil: number;
}

/** The throttle's key: an operator's id when the typed name is theirs (operators.name is COLLATE NOCASE), else the normalised name. */
export function signInKeyOf(name: string, operatorId: number | null): string {
  return operatorId === null ? `name:${name.trim().toLowerCase()}` : `operator:${operatorId}`;
}

export class SignInThrottle {
  private readonly byKey = new Map<string, Failures>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxKeys: number = MAX_KEYS,
  ) {}

  /** Milliseconds until `key` may try again; 0 when it may now. */
  lockedFor(key: string): number {
    const entry = this.byKey.get(key);
    if (entry !== undefined) return Math.max(0, entry.lockedUntil - this.now());
    return this.byKey.size < this.maxKeys || this.oldestUnlocked() !== undefined ? 0 : this.earliestUnlock();
  }

  /** Counts a failure; returns how long `key` is now locked (0: not yet) and the failures in a row. */
  failed(key: string): { failures: number; lockedForMs: number } {
    if (!this.byKey.has(key) && this.byKey.size >= this.maxKeys) {
      const unlocked = this.oldestUnlocked();
      if (unlocked !== undefined) this.byKey.delete(unlocked);
    }
    const entry = this.byKey.get(key) ?? { count: 0, lockedUntil: 0 };
    this.byKey.delete(key); // re-inserted last: the map's order is the age of the last failure
    entry.count += 1;
    const over = entry.count - FAILURES_BEFORE_LOCKOUT;
    const lockedForMs = over < 0 ? 0 : Math.min(MAX_LOCKOUT_MS, FIRST_LOCKOUT_MS * 2 ** Math.min(over, 16));
    if (lockedForMs > 0) entry.lockedUntil = this.now() + lockedForMs;
    this.byKey.set(key, entry);
    return { failures: entry.count, lockedForMs };
  }

  succeeded(key: string): void {
    this.byKey.delete(key);
  }

  /** The key whose last failure is oldest among those not locked now: the one to forget for room. */
  private oldestUnlocked(): string | undefined {
    const now = this.now();
    for (const [key, entry] of this.byKey) if (entry.lockedUntil <= now) return key;
    return undefined;
  }

  private earliestUnlock(): number {
    let earliest = Infinity;
    for (const entry of this.byKey.values()) earliest = Math.min(earliest, entry.lockedUntil);
    return Math.max(1, earliest - this.now());
  }
}
