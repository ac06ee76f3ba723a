import { randomUUID } from 'node:crypto';
import { IpcFailure } from '../../shared/ipc/result';
import type { BulkPreview } from '../../shared/ipc/app-schemas';
import type { Store } from '../store/store';
import type { EventHub } from './service-registry';
import { findRequestDefinition } from '../../shared/domain/request-catalog';
import { cardIdentityOf } from '../store/card-key';
import { parseCsv, type ParsedCsv } from './bulk-csv';

// bulk.preview: parse and validate every row, change nothing.
// bulk.commit: the same check, then every valid row queued in ONE store
// transaction (all or nothing), as one batch. Progress is reported while
// validating (chunks, yielding to the event loop) and when writing ends.

const PREVIEW_VALID_ROWS = 20;

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/** The card a row names, as written (the confirmation counts distinct cards). */
function cardNameOf(row: { provider: string; method: string; params: Record<string, unknown> }): string {
  const definition = findRequestDefinition(row.provider, row.method);
  const card = definition ? cardIdentityOf(definition, row.params) : null;
  return card ? `${card.kind}:${card.field}:${card.value}` : 'none';
}
const MAX_ERROR_ROWS = 5000;

export class BulkService {
  private busy = false;

  constructor(
    private readonly store: Store,
    private readonly events: EventHub,
    private readonly operator: () => string,
    /** Why the current connection cannot send a kind (settings-service.ts), or null: such rows are invalid, not queued to fail. */
    private readonly notSendable: (provider: string, method: string) => string | null = () => null,
  ) {}

  private async check(csv: string): Promise<ParsedCsv> {
    const parsed = await parseCsv(csv, async (done, total) => {
      this.events.emit('bulk.progress', { phase: 'validating', done, total });
      await new Promise((resolve) => setImmediate(resolve));
    });
    for (const row of parsed.rows) {
      const why = row.errors.length === 0 ? this.notSendable(row.provider, row.method) : null;
      if (why !== null) row.errors.push({ field: 'method', message: why });
    }
    return parsed;
  }

  async preview(csv: string): Promise<BulkPreview> {
    const { rows, fileErrors } = await this.check(csv);
    const invalid = rows.filter((r) => r.errors.length > 0);
    const validRows = rows.filter((r) => r.errors.length === 0);
    this.events.emit('bulk.progress', { phase: 'done', done: rows.length, total: rows.length });
    return {
      total: rows.length,
      valid: validRows.length,
      invalid: invalid.length,
      rows: [...invalid.slice(0, MAX_ERROR_ROWS), ...validRows.slice(0, PREVIEW_VALID_ROWS)]
        .sort((a, b) => a.line - b.line)
        .map((r) => ({ line: r.line, provider: r.provider, method: r.method, errors: r.errors })),
      fileErrors,
      byType: countBy(validRows, (r) => findRequestDefinition(r.provider, r.method)?.type ?? r.method),
      cards: new Set(validRows.map(cardNameOf)).size,
    };
  }

  async commit(csv: string): Promise<{ queued: number; skipped: number }> {
    if (this.busy) throw new IpcFailure('CONFLICT', 'another import is running');
    this.busy = true;
    try {
      const { rows, fileErrors } = await this.check(csv);
      if (fileErrors.length > 0) throw new IpcFailure('INVALID_INPUT', `the file cannot be imported: ${fileErrors.slice(0, 3).join('; ')}`);
      const valid = rows.filter((r) => r.errors.length === 0);
      if (valid.length === 0) throw new IpcFailure('INVALID_INPUT', 'no valid row to queue');
      const batchId = `bulk-${randomUUID()}`;
      const operator = this.operator();
      this.events.emit('bulk.progress', { phase: 'writing', done: 0, total: valid.length });
      const result = this.store.enqueue(valid.map((r) => ({ provider: r.provider, method: r.method, params: r.params, operator, batchId })));
      if (!result.ok) {
        this.events.emit('bulk.progress', { phase: 'failed', done: 0, total: valid.length });
        const first = result.errors[0];
        const line = first ? valid[first.index]?.line : undefined;
        throw new IpcFailure('INVALID_INPUT', `nothing was queued: line ${line ?? '?'}: ${first?.field ?? ''} ${first?.message ?? ''}`.trim());
      }
      this.events.emit('bulk.progress', { phase: 'done', done: result.ids.length, total: valid.length });
      this.events.emit('requests.changed', { ids: [], reason: 'bulk import' });
      return { queued: result.ids.length, skipped: rows.length - valid.length };
    } finally {
      this.busy = false;
    }
  }
}
