import Database from 'better-sqlite3';
import { OUTBOX_LOCAL_STATES } from '../../../shared/domain/local-request';

/** What must hold in any store file, whatever moment a process died at. Returns the broken ones. */
export function brokenInvariants(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    const broken: string[] = [];
    const q = (sql: string) => db.prepare(sql).all();
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') broken.push(`integrity_check: ${String(integrity)}`);
    if (q('PRAGMA foreign_key_check').length > 0) broken.push('foreign keys');
    const states = OUTBOX_LOCAL_STATES.map((s) => `'${s}'`).join(', ');
    const outboxMismatch = q(
      `SELECT id FROM requests WHERE local_state IN (${states}) AND id NOT IN (SELECT request_id FROM outbox)
       UNION ALL SELECT request_id FROM outbox WHERE request_id NOT IN (SELECT id FROM requests WHERE local_state IN (${states}))`,
    );
    if (outboxMismatch.length > 0) broken.push(`outbox differs from unfinished requests: ${outboxMismatch.length} rows`);
    const heads = q(
      `SELECT card_key FROM outbox GROUP BY card_key
       HAVING sum(is_head) <> 1 OR max(CASE WHEN is_head = 1 THEN card_seq END) <> min(card_seq)`,
    );
    if (heads.length > 0) broken.push(`cards without exactly one head at the front: ${heads.length}`);
    const noCreated = q("SELECT id FROM requests WHERE id NOT IN (SELECT request_id FROM request_events WHERE kind = 'created')");
    if (noCreated.length > 0) broken.push(`requests without a created event: ${noCreated.length}`);
    return broken;
  } finally {
    db.close();
  }
}

/** Rows per batch_id. */
export function batchSizes(file: string): Map<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT batch_id, count(*) AS n FROM requests GROUP BY batch_id').all() as { batch_id: string; n: number }[];
    return new Map(rows.map((r) => [r.batch_id, r.n]));
  } finally {
    db.close();
  }
}
