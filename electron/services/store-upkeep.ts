import type { Logger } from '../logging/logger';
import { storeWaysOut } from '../store/errors';
import { checkOpenStoreIntegrity } from '../store/integrity-check';
import type { Store } from '../store/store';

// What the runtime does to the store on a schedule, off the writer's path:
// online backups (store/backups.ts; one that fails is logged and the next one
// tried) and the full integrity_check (store/integrity-check.ts), which the
// open leaves to the background on a large store and which finds damage that
// appears while CA Desk runs. Damage found holds sending (the runtime stops the
// sync engine: a damaged store may have lost what it sent), is told to the
// operator on the status bar and is recorded as desk.store_damaged. A check
// that could not run (no disk space for its copy, a worker that failed) is not
// damage: it is logged, holds nothing and is tried again at the next schedule.

export const DEFAULT_BACKUP_EVERY_MS = 6 * 3600_000;
/** The first full check: soon after start, once the operator's first work is done. */
export const FIRST_INTEGRITY_CHECK_AFTER_MS = 60_000;
export const INTEGRITY_CHECK_EVERY_MS = 24 * 3600_000;

export interface StoreUpkeepOptions {
  logger: Logger;
  /** The store is damaged: hold sending and show `message` (it names the file and the ways out). */
  onDamaged: (message: string) => void;
  backupEveryMs?: number;
  /** Tests set it out of reach and call checkIntegrityNow() themselves. */
  firstIntegrityCheckAfterMs?: number;
  integrityCheckEveryMs?: number;
  /** Free disk space the check's copy must leave (integrity-check.ts; tests raise it out of reach). */
  integrityCopySpareBytes?: number;
}

export class StoreUpkeep {
  private readonly timers: NodeJS.Timeout[] = [];
  private backingUp: Promise<unknown> = Promise.resolve();
  private checking: Promise<string[]> | null = null;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly options: StoreUpkeepOptions,
  ) {
    this.every(options.backupEveryMs ?? DEFAULT_BACKUP_EVERY_MS, () => {
      this.backingUp = store.backup().catch((error: unknown) => options.logger.warn(`backup failed: ${messageOf(error)}`));
    });
    const first = setTimeout(() => {
      void this.checkIntegrityNow();
      this.every(options.integrityCheckEveryMs ?? INTEGRITY_CHECK_EVERY_MS, () => void this.checkIntegrityNow());
    }, options.firstIntegrityCheckAfterMs ?? FIRST_INTEGRITY_CHECK_AFTER_MS);
    first.unref();
    this.timers.push(first);
  }

  /** The full integrity check now (one at a time): the problems found, [] when the store is sound. */
  checkIntegrityNow(): Promise<string[]> {
    this.checking ??= this.checkIntegrity().finally(() => (this.checking = null));
    return this.checking;
  }

  /** Stops the schedule and waits for a backup or check under way (the store may be closed after). */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    await this.backingUp;
    await this.checking?.catch(() => undefined);
  }

  private every(ms: number, run: () => void): void {
    const timer = setInterval(run, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private async checkIntegrity(): Promise<string[]> {
    const { store, options } = this;
    if (this.closed || !store.isOpen) return [];
    let problems: string[];
    try {
      problems = await checkOpenStoreIntegrity(store.file, (target) => store.copyTo(target), options.integrityCopySpareBytes);
    } catch (error) {
      // IntegrityCheckCouldNotRun: says nothing about the store, so nothing is held.
      options.logger.warn(`the integrity check could not run: ${messageOf(error)} (tried again at the next schedule)`);
      return [];
    }
    if (problems.length === 0 || this.closed) return problems;
    const message = `The local database ${store.file} is damaged (${problems.slice(0, 2).join('; ')}): sending is held. ${storeWaysOut(store.file)}`;
    options.logger.error(message);
    try {
      store.operators.record('desk.store_damaged', 'desk', { file: store.file, problems: problems.slice(0, 10) });
    } catch (error) {
      options.logger.error(`the damage could not be recorded in the audit log: ${messageOf(error)}`);
    }
    options.onDamaged(message);
    return problems;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
