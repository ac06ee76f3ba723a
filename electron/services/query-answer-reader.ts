import { answerKindOf, isQueryType, parseQueryResponse } from '../../shared/domain/query-answer';
import type { Provider } from '../../shared/domain/request-types';
import type { Logger } from '../logging/logger';
import type { Store } from '../store/store';
import type { HeadendClient } from '../sync/headend-client';

// Reads what completed queries found. The sync engine records a query's state
// but not its `response` (the result), so once a query is COMPLETED this asks
// the head-end for that one field with `show` — a read, never a resend — and
// stores the parsed answer with the request (store/query-answers.ts). A head-end
// that is down is simply asked again on the next run; an answer that cannot be
// read is stored as a problem, so it is not asked for forever.

const ANSWER_FIELDS = 'id,number,response,executed_date';

export interface QueryAnswerReaderOptions {
  /** Requests read per batch. */
  batchSize?: number;
  /** Batches per run, so a run is bounded whatever the backlog. */
  maxBatches?: number;
  logger?: Logger;
}

export class QueryAnswerReader {
  private running: Promise<number> | null = null;
  private again = false;

  constructor(
    private readonly store: Store,
    private readonly clientFor: (provider: Provider) => Pick<HeadendClient, 'show'> | null,
    /** Told the ids whose answer was stored. */
    private readonly onStored: (ids: number[]) => void,
    private readonly options: QueryAnswerReaderOptions = {},
  ) {}

  /** Something may have completed: read answers soon (one run at a time; a poke during a run runs once more). */
  poke(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.poke();
      }
    });
  }

  /** Waits for the current run, if any (tests, close). */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => 0);
  }

  /** One bounded run; returns how many answers it stored. */
  async run(): Promise<number> {
    const batchSize = this.options.batchSize ?? 50;
    let stored = 0;
    for (let batch = 0; batch < (this.options.maxBatches ?? 20); batch++) {
      const requests = this.store.queriesWithoutAnswer(batchSize);
      const ids: number[] = [];
      let unreachable = false;
      for (const request of requests) {
        if (!isQueryType(request.type)) continue;
        const parsed = await this.read(request.provider, request.type, request.headend_id, request.executed_date);
        if (parsed === 'later') {
          unreachable = true;
          break;
        }
        this.store.saveQueryAnswer(request.id, parsed);
        ids.push(request.id);
      }
      stored += ids.length;
      if (ids.length > 0) this.onStored(ids);
      if (unreachable || requests.length < batchSize) break;
    }
    return stored;
  }

  private async read(provider: Provider, type: Parameters<typeof parseQueryResponse>[0], headendId: string | null, executed: string | null) {
    // A fingerprint's answer is that it was shown: nothing to fetch.
    if (answerKindOf(type) === 'fingerprint_displayed') return parseQueryResponse(type, null, executed);
    if (headendId === null) return { ok: false as const, message: 'the head-end gave this query no id, so its result cannot be read' };
    const client = this.clientFor(provider);
    if (!client) return 'later' as const;
    try {
      const outcome = await client.show({ id: headendId }, ANSWER_FIELDS);
      if (outcome.kind === 'ok') return parseQueryResponse(type, outcome.data.response, outcome.data.executed_date ?? executed);
      if (outcome.errorClass === 'permanent') return { ok: false as const, message: `the head-end would not give the result: ${outcome.code}: ${outcome.description}` };
      this.options.logger?.warn(`query answer of ${headendId}: ${outcome.code}: ${outcome.description} (will ask again)`, { provider });
      return 'later' as const;
    } catch (error) {
      this.options.logger?.warn(`query answer of ${headendId}: ${error instanceof Error ? error.message : String(error)} (will ask again)`, { provider });
      return 'later' as const;
    }
  }
}
