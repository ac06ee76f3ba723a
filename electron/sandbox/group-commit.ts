// Group commit: the writes asked for in one event-loop turn (every request a
// burst of pipelined frames or concurrent POSTs creates) run in one SQLite
// transaction, committed once, instead of one commit each. A commit is most of
// what creating a request costs, so this is what lets the sandbox keep up with
// a pipelining client.
//
// The promise of each write settles only after the commit that holds it: a
// caller answers its client from there, so nothing is acknowledged before it
// is on disk (the sandbox promises every acknowledged request survives a
// restart). Each write runs in its own savepoint: one that throws is undone
// alone and rejects alone; the others of its group still commit.
import type { Db } from './headend-db';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private readonly commitGroup: (group: Pending[]) => Outcome[];

  constructor(db: Db) {
    // Called inside the group's transaction, better-sqlite3 runs this one in a
    // savepoint: a write that throws is undone alone.
    const inSavepoint = db.transaction((work: () => unknown) => work());
    this.commitGroup = db.transaction((group: Pending[]) =>
      group.map((item): Outcome => {
        try {
          return { ok: true, value: inSavepoint(item.work) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
  }

  /**
   * Runs `work` in the next group's transaction (after the I/O of this turn,
   * in the order asked) and settles once that transaction committed.
   */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Writes waiting for the next group. */
  get pendingCount(): number {
    return this.queue.length;
  }

  /**
   * Runs and commits what is queued now. Called on its own after each turn;
   * call it before closing the database so nothing asked for is lost.
   */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    const group = this.queue;
    this.queue = [];
    if (group.length === 0) return;
    let outcomes: Outcome[];
    try {
      outcomes = this.commitGroup(group);
    } catch (error) {
      // the commit itself failed: none of the group is stored, none is acknowledged
      for (const item of group) item.reject(error);
      return;
    }
    group.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }
}
