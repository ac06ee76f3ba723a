import type { RequestDefinition } from '../../shared/domain/request-catalog';
import type { FieldError } from '../../shared/domain/validation';
import { CardKeyResolver } from './card-key';
import type { CardIdentity } from '../../shared/domain/card-identity';
import { EnqueueWriter } from './enqueue-writer';
import { drawCardSeq } from './outbox';
import { definitionFor, redactParams, storedParamsJson, validateParams, type ValidatedParams } from './request-params';
import { canUnsealParams, sealedValuesOf, unsealParams } from './sealed-secrets';
import type { StoreContext } from './store-context';

export interface EnqueueInput {
  provider: string;
  method: string;
  /** The request body without the token (the seed's field names). */
  params: unknown;
  /** Who queued it (the logged-in operator). */
  operator: string;
  /** Given by the caller (any UUID version) to make a retried enqueue idempotent; otherwise a time-ordered v7 is made. */
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

/** definitionFor, remembering the last (provider, method) found: an import repeats one method row after row. */
class DefinitionLookup {
  private provider: unknown;
  private method: unknown;
  private definition: RequestDefinition | undefined;

  find(provider: unknown, method: unknown): RequestDefinition | FieldError {
    if (this.definition && provider === this.provider && method === this.method) return this.definition;
    const found = definitionFor(provider, method);
    if (!('field' in found) && typeof provider === 'string' && typeof method === 'string') {
      this.provider = provider;
      this.method = method;
      this.definition = found;
    }
    return found;
  }
}

/** Checks one input; returns its validated params or the errors (already tagged with the index). */
function checkInput(input: EnqueueInput, index: number, errors: EnqueueError[], definitions: DefinitionLookup): ValidatedParams | null {
  const before = errors.length;
  const fail = (e: FieldError) => errors.push({ index, ...e });
  if (input === null || typeof input !== 'object') {
    fail({ field: '', message: 'each input must be an object' });
    return null;
  }
  const definition = definitions.find(input.provider, input.method);
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

/**
 * The cards of one batch, each resolved once: a 100k import names the same
 * cards again and again. Found by kind, field, then value, so no key text is
 * built and hashed per row.
 */
class BatchCards {
  /** kind → field → value → card key, for every card a request of this batch joined. */
  private readonly byKind = new Map<string, Map<string, Map<string, string>>>();
  private readonly joinedKeys = new Set<string>();
  private readonly resolver: CardKeyResolver;

  constructor(
    ctx: StoreContext,
    private readonly writer: EnqueueWriter,
  ) {
    this.resolver = new CardKeyResolver(ctx);
  }

  /** The card key of a new request, and whether it becomes the head of that card's queue. */
  join(identity: CardIdentity | null, clientUuid: string): { key: string; isHead: boolean } {
    let values: Map<string, string> | null = null;
    if (identity !== null) {
      let fields = this.byKind.get(identity.kind);
      if (!fields) this.byKind.set(identity.kind, (fields = new Map()));
      values = fields.get(identity.field) ?? null;
      if (values === null) fields.set(identity.field, (values = new Map()));
      const key = values.get(identity.value);
      if (key !== undefined) return { key, isHead: false };
    }
    const card = this.resolver.resolveQueued(identity, clientUuid);
    if (!card.known) this.writer.rememberUnresolved(card.key);
    // Another name of the same catalog card may have joined already.
    const isHead = !this.joinedKeys.has(card.key) && !card.queued;
    this.joinedKeys.add(card.key);
    if (values !== null && identity !== null) values.set(identity.value, card.key);
    return { key: card.key, isHead };
  }
}

interface ExistingRequest {
  id: number;
  provider: string;
  method: string;
  params: string;
  secrets_wiped: number;
}

/**
 * Whether a repeated clientUuid names the request already stored. Once its
 * secrets are wiped (acknowledged, finished, discarded) the stored body has
 * "[redacted]" where the resent one has the PIN, so the resent body is compared
 * redacted; before that the bodies must match exactly (another PIN is another
 * request). A sealed PIN is compared opened (each sealing differs); while the
 * desk is locked it cannot be compared, which is said rather than guessed.
 */
function isSameRequest(existing: ExistingRequest, v: ValidatedParams): boolean | FieldError {
  if (existing.provider !== v.definition.provider || existing.method !== v.definition.method) return false;
  if (existing.params === v.json) return true;
  const stored = JSON.parse(existing.params) as Record<string, unknown>;
  if (sealedValuesOf(stored).length > 0) {
    if (!canUnsealParams(stored)) return { field: 'clientUuid', message: 'clientUuid names a queued request whose PIN is sealed: unlock the desk to queue it again' };
    return JSON.stringify(unsealParams(stored)) === v.json;
  }
  return existing.secrets_wiped === 1 && existing.params === JSON.stringify(redactParams(v.definition, v.params));
}

/** Signals, inside the transaction, that the batch must be rolled back. */
class RefusedBatch extends Error {}

/**
 * Validates every input and writes the whole batch (request and outbox row per
 * input; the request row is also its "created" event) in one transaction; one
 * bad input refuses the batch and nothing is written. Rows are validated and
 * written in one pass (in chunks, see EnqueueWriter), so a 100k import never
 * holds 100k validated copies at once; after the first bad row the rest are
 * only validated (to report every error) and the transaction is rolled back.
 */
export function enqueue(ctx: StoreContext, inputs: readonly EnqueueInput[], options: EnqueueOptions = {}): EnqueueResult {
  if (!Array.isArray(inputs)) return { ok: false, errors: [{ index: -1, field: '', message: 'inputs must be an array' }] };
  const errors: EnqueueError[] = [];
  const definitions = new DefinitionLookup();
  const existingByUuid = ctx.sql('SELECT id, provider, method, params, secrets_wiped FROM requests WHERE client_uuid = ?');

  const write = ctx.db.transaction((): number[] => {
    const now = ctx.now();
    const writer = new EnqueueWriter(ctx, now, options.onRowWritten);
    const ids: number[] = [];
    const seenUuids = new Set<string>();
    const cards = new BatchCards(ctx, writer);
    let seq = drawCardSeq(ctx, inputs.length);
    for (let index = 0; index < inputs.length; index++) {
      const input = inputs[index]!;
      const v = checkInput(input, index, errors, definitions);
      if (v === null || errors.length > 0) continue; // once refused, only validate

      let clientUuid: string;
      if (input.clientUuid === undefined) clientUuid = ctx.uuids.next();
      else {
        clientUuid = input.clientUuid.toLowerCase();
        if (seenUuids.has(clientUuid)) {
          errors.push({ index, field: 'clientUuid', message: 'clientUuid is repeated in this batch' });
          continue;
        }
        seenUuids.add(clientUuid);
        const existing = existingByUuid.get(clientUuid) as ExistingRequest | undefined;
        if (existing) {
          const same = isSameRequest(existing, v);
          if (same === false) {
            errors.push({ index, field: 'clientUuid', message: 'clientUuid is already used by another request' });
          } else if (same === true) ids.push(existing.id); // the same request sent again: idempotent
          else errors.push({ index, ...same });
          continue;
        }
      }
      const json = storedParamsJson(v, ctx.sealer);
      if (typeof json !== 'string') {
        errors.push({ index, ...json });
        continue;
      }

      const card = cards.join(v.card, clientUuid);
      const d = v.definition;
      ids.push(
        writer.add(index, {
          clientUuid,
          provider: d.provider,
          method: d.method,
          type: d.type,
          json,
          priority: v.priority,
          scheduledDate: v.scheduledDate,
          cardKey: card.key,
          cardSeq: seq++,
          operator: input.operator,
          batchId: input.batchId ?? null,
          searchText: v.searchText,
          readyAt: Math.max(v.scheduledAt ?? 0, now),
          isHead: card.isHead,
        }),
      );
    }
    if (errors.length > 0) throw new RefusedBatch();
    writer.flush();
    return ids;
  });
  try {
    return { ok: true, ids: write() };
  } catch (error) {
    if (error instanceof RefusedBatch) return { ok: false, errors };
    throw error;
  }
}
