import { randomUUID } from 'node:crypto';
import type { FieldError } from '../../shared/domain/validation';
import { CardKeyResolver, type ResolvedCardKey } from './card-key';
import { drawCardSeq } from './outbox';
import { definitionFor, validateParams, type ValidatedParams } from './request-params';
import type { StoreContext } from './store-context';

export interface EnqueueInput {
  provider: string;
  method: string;
  /** The request body without the token (the seed's field names). */
  params: unknown;
  /** Who queued it (the logged-in operator). */
  operator: string;
  /** Given by the caller to make a retried enqueue idempotent; generated otherwise. */
  clientUuid?: string;
  /** Groups the requests of one import or bulk action. */
  batchId?: string | null;
}

export interface EnqueueError extends FieldError {
  /** Index of the input in the batch. */
  index: number;
}

export type EnqueueResult = { ok: true; ids: number[] } | { ok: false; errors: EnqueueError[] };

export interface EnqueueOptions {
  /** Called inside the transaction after each row is written (progress, crash tests). */
  onRowWritten?: (index: number) => void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkText(value: unknown, field: string, required: boolean): FieldError | null {
  if (value === undefined || value === null) return required ? { field, message: `${field} is required` } : null;
  if (typeof value !== 'string' || value.length === 0 || value.length > 128) {
    return { field, message: `${field} must be a text of 1 to 128 characters` };
  }
  return null;
}

/** Checks one input; returns its validated params or the errors (already tagged with the index). */
function checkInput(input: EnqueueInput, index: number, errors: EnqueueError[]): ValidatedParams | null {
  const before = errors.length;
  const fail = (e: FieldError) => errors.push({ index, ...e });
  if (input === null || typeof input !== 'object') {
    fail({ field: '', message: 'each input must be an object' });
    return null;
  }
  const definition = definitionFor(input.provider, input.method);
  if ('field' in definition) {
    fail(definition);
    return null;
  }
  const operatorError = checkText(input.operator, 'operator', true);
  if (operatorError) fail(operatorError);
  const batchError = checkText(input.batchId, 'batchId', false);
  if (batchError) fail(batchError);
  if (input.clientUuid !== undefined && (typeof input.clientUuid !== 'string' || !UUID.test(input.clientUuid))) {
    fail({ field: 'clientUuid', message: 'clientUuid must be a UUID' });
  }
  const validated = validateParams(definition, input.params);
  if (Array.isArray(validated)) {
    validated.forEach(fail);
    return null;
  }
  return errors.length === before ? validated : null;
}

/** Signals, inside the transaction, that the batch must be rolled back. */
class RefusedBatch extends Error {}

/**
 * Validates every input and writes the whole batch (request, outbox row and
 * "created" event per input) in one transaction; one bad input refuses the
 * batch and nothing is written. Rows are validated and written in one pass, so
 * a 100k import never holds 100k validated copies at once; after the first bad
 * row the rest are only validated (to report every error) and the transaction
 * is rolled back.
 */
export function enqueue(ctx: StoreContext, inputs: readonly EnqueueInput[], options: EnqueueOptions = {}): EnqueueResult {
  if (!Array.isArray(inputs)) return { ok: false, errors: [{ index: -1, field: '', message: 'inputs must be an array' }] };
  const errors: EnqueueError[] = [];
  const resolver = new CardKeyResolver(ctx);
  const existingByUuid = ctx.sql('SELECT id, provider, method, params FROM requests WHERE client_uuid = ?');
  const hasQueue = ctx.sql('SELECT 1 FROM outbox WHERE card_key = ? LIMIT 1');
  const insertRequest = ctx.sql(
    `INSERT INTO requests (client_uuid, provider, method, type, params, priority, scheduled_date, card_key,
       card_seq, local_state, operator, batch_id, search_text, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'QUEUED', ?, ?, ?, ?, ?)`,
  );
  const insertOutbox = ctx.sql(
    'INSERT INTO outbox (request_id, card_key, card_seq, priority_rank, ready_at, is_head) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertCreated = ctx.sql(
    "INSERT INTO request_events (request_id, kind, actor, at, detail) VALUES (?, 'created', ?, ?, NULL)",
  );

  const write = ctx.db.transaction((): number[] => {
    const now = ctx.now();
    const ids: number[] = [];
    const seenUuids = new Set<string>();
    // Cards seen in this batch: their resolved key (by identity), and the keys that already have a queue.
    const keyByIdentity = new Map<string, ResolvedCardKey>();
    const queued = new Set<string>();
    let seq = drawCardSeq(ctx, inputs.length);
    for (let index = 0; index < inputs.length; index++) {
      const input = inputs[index]!;
      const v = checkInput(input, index, errors);
      if (v === null || errors.length > 0) continue; // once refused, only validate

      let clientUuid: string;
      if (input.clientUuid === undefined) clientUuid = randomUUID();
      else {
        clientUuid = input.clientUuid.toLowerCase();
        if (seenUuids.has(clientUuid)) {
          errors.push({ index, field: 'clientUuid', message: 'clientUuid is repeated in this batch' });
          continue;
        }
        seenUuids.add(clientUuid);
        const existing = existingByUuid.get(clientUuid) as { id: number; provider: string; method: string; params: string } | undefined;
        if (existing) {
          if (existing.provider !== v.definition.provider || existing.method !== v.definition.method || existing.params !== v.json) {
            errors.push({ index, field: 'clientUuid', message: 'clientUuid is already used by another request' });
          } else ids.push(existing.id); // the same request sent again: idempotent
          continue;
        }
      }

      const identity = v.card === null ? null : `${v.card.kind}|${v.card.field}|${v.card.value}`;
      let card = identity === null ? undefined : keyByIdentity.get(identity);
      if (!card) {
        card = resolver.resolve(v.card, clientUuid);
        resolver.rememberUnresolved(card);
        if (identity !== null) keyByIdentity.set(identity, card);
      }
      const isHead = !queued.has(card.key) && hasQueue.get(card.key) === undefined;
      queued.add(card.key);
      const cardSeq = seq++;
      const d = v.definition;
      const id = Number(
        insertRequest.run(clientUuid, d.provider, d.method, d.type, v.json, v.priority, v.scheduledDate, card.key, cardSeq,
          input.operator, input.batchId ?? null, v.searchText, now, now).lastInsertRowid,
      );
      insertOutbox.run(id, card.key, cardSeq, v.priority === 'EXPRESS' ? 1 : 0, Math.max(v.scheduledAt ?? 0, now), isHead ? 1 : 0);
      insertCreated.run(id, input.operator, now);
      ids.push(id);
      options.onRowWritten?.(index);
    }
    if (errors.length > 0) throw new RefusedBatch();
    return ids;
  });
  try {
    return { ok: true, ids: write() };
  } catch (error) {
    if (error instanceof RefusedBatch) return { ok: false, errors };
    throw error;
  }
}
