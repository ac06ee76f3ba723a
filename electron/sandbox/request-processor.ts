// The processing run: every interval it takes the due PENDING requests (EXPRESS
// before REGULAR, then by number) and turns each into COMPLETED, with its effect
// applied, or REJECTED with an error code. A run is one transaction (one commit
// for thousands of requests, not one each); each request is a savepoint in it,
// so a refused effect is undone alone and its rejection recorded in its place.
import { formatLocalDateTime } from '../../shared/domain/dates';
import { silentLogger, type Logger } from '../logging/logger';
import type { CatalogRepo } from './catalog-repo';
import type { FaultController } from './faults';
import { getMeta, setMeta, type Db } from './headend-db';
import { newHeadendId } from './request-factory';
import { Rejection, RequestEffects } from './request-effects';
import type { RequestStore, StoredRequest } from './request-store';

export class RequestProcessor {
  private timer: NodeJS.Timeout | null = null;
  private paused: boolean;
  private readonly effects: RequestEffects;

  constructor(
    private readonly db: Db,
    private readonly store: RequestStore,
    catalog: CatalogRepo,
    private readonly faults: FaultController,
    private readonly intervalMs: number,
    paused: boolean,
    private readonly logger: Logger = silentLogger,
    private readonly now: () => number = Date.now,
  ) {
    this.effects = new RequestEffects(catalog);
    this.paused = paused;
  }

  start(): void {
    this.stop();
    const tick = () => {
      try {
        if (!this.paused) this.runOnce();
      } catch (error) {
        // a failed run is retried at the next tick; it must never take the head-end down
        this.logger.error(`processing run failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      this.timer = setTimeout(tick, this.intervalMs);
      this.timer.unref();
    };
    this.timer = setTimeout(tick, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  /** One processing run over what is due now; returns the numbers processed, in order. */
  runOnce(): string[] {
    return this.db.transaction(() => {
      const due = this.store.due(this.now());
      if (due.length === 0) return [];
      const runId = newHeadendId();
      return due.map((r) => this.process(r, runId));
    })();
  }

  /** process_immediately: handled while being created, whatever the run does. */
  processNowNumber(number: number): Record<string, unknown> | undefined {
    const r = this.store.byNumber(number);
    if (!r || r.life_cycle_state !== 'PENDING') return r?.object;
    this.process(r, newHeadendId());
    return this.store.byNumber(number)?.object;
  }

  private process(r: StoredRequest, runId: string): string {
    const inRun = this.db.inTransaction;
    const executed = formatLocalDateTime(new Date(this.now()));
    const finish = (patch: Record<string, unknown>) => {
      const processed = Number(getMeta(this.db, 'processed_count') ?? '0') + 1;
      setMeta(this.db, 'processed_count', String(processed));
      const logInformation = { ...(r.object.log_information as Record<string, unknown>), updated_date: executed };
      this.store.update(r.number, {
        ...r.object,
        ...patch,
        executed_date: executed,
        process_id: runId,
        sequence_number: processed,
        log_information: logInformation,
      });
    };
    const reject = (code: string, description: string) =>
      finish({ life_cycle_state: 'REJECTED', error_code: code, error_description: description });

    if (this.faults.shouldReject()) {
      this.db.transaction(() => reject('SYSTEM_ERROR', 'the conditional access system did not answer (injected fault)'))();
      return String(r.number);
    }
    try {
      this.db.transaction(() => {
        const { response } = this.effects.apply(r, r.params, String(r.number));
        finish({
          life_cycle_state: 'COMPLETED',
          reference_number: `REF${String(r.number).padStart(10, '0')}`,
          response: response === null ? null : JSON.stringify(response),
        });
      })();
    } catch (error) {
      // An error that ended the run's own transaction (disk full, I/O) is not
      // this request's rejection: the run fails whole and is done again.
      if (inRun && !this.db.inTransaction) throw error;
      // The effect's savepoint rolled back: a refused request changes nothing.
      const rejection =
        error instanceof Rejection
          ? error
          : new Rejection('SYSTEM_ERROR', `processing failed: ${error instanceof Error ? error.message : String(error)}`);
      this.db.transaction(() => reject(rejection.code, rejection.description))();
    }
    return String(r.number);
  }
}
