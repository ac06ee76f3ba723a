import type { StoreContext } from './store-context';

// The outbox keeps, per card, which request is the head of that card's queue
// (is_head), so finding the sendable heads is an index walk, not a scan of
// every queued request. These helpers keep is_head true after every change.

/** `(SELECT ?)`: see card-key.ts (a bound equality with ORDER BY … LIMIT costs a re-plan per run). */
export function promoteHead(ctx: StoreContext, cardKey: string): void {
  ctx
    .sql(
      `UPDATE outbox SET is_head = 1
       WHERE request_id = (SELECT request_id FROM outbox WHERE card_key = (SELECT ?) ORDER BY card_seq LIMIT 1)
         AND is_head = 0`,
    )
    .run(cardKey);
}

/** Recomputes the head of a card whose queue gained a request that may sort first. */
export function rebuildHead(ctx: StoreContext, cardKey: string): void {
  ctx.sql('UPDATE outbox SET is_head = 0 WHERE card_key = ? AND is_head = 1').run(cardKey);
  promoteHead(ctx, cardKey);
}

export function cardHasOutbox(ctx: StoreContext, cardKey: string): boolean {
  return ctx.sql('SELECT 1 FROM outbox WHERE card_key = ? LIMIT 1').get(cardKey) !== undefined;
}

export function removeFromOutbox(ctx: StoreContext, requestId: number): void {
  const row = ctx.sql('DELETE FROM outbox WHERE request_id = ? RETURNING card_key, is_head').get(requestId) as
    | { card_key: string; is_head: number }
    | undefined;
  if (row?.is_head === 1) promoteHead(ctx, row.card_key);
}

export function setReadyAt(ctx: StoreContext, requestId: number, readyAt: number | null): void {
  ctx.sql('UPDATE outbox SET ready_at = ? WHERE request_id = ?').run(readyAt, requestId);
}

/** Draws `count` numbers from the one global queue counter; returns the first. */
export function drawCardSeq(ctx: StoreContext, count: number): number {
  const row = ctx.sql("SELECT value FROM store_meta WHERE key = 'card_seq'").get() as { value: string } | undefined;
  const first = (row ? Number(row.value) : 0) + 1;
  ctx
    .sql("INSERT INTO store_meta (key, value) VALUES ('card_seq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
    .run(String(first + count - 1));
  return first;
}
