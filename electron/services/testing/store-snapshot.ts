import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Store } from '../../store/store';

// What a refused call must leave exactly as it was: every request and outbox
// row, the history's last event, the settings and the operators, read with
// plain SQL. The store holds its file exclusively (one writer), so this reads
// through the store's own connection, in one read transaction. Rows are
// digested, so a failure message never shows a sealed secret.

export interface StoreSnapshot {
  requests: number;
  lastEventId: number;
  outbox: number;
  settingKeys: string[];
  operators: number;
  /** sha256 of every row of each table, in key order. */
  digests: { requests: string; outbox: string; settings: string; operators: string };
}

export interface StoreSnapshotter {
  take(): StoreSnapshot;
  /** Kinds of the history events stored after `afterId`, oldest first. */
  eventKindsAfter(afterId: number): string[];
}

const digest = (rows: unknown[]) => createHash('sha256').update(JSON.stringify(rows)).digest('hex');

export function storeSnapshotter(store: Store): StoreSnapshotter {
  const db = (store as unknown as { ctx: { db: Database.Database } }).ctx.db;
  const all = (table: string, key: string) => db.prepare(`SELECT * FROM ${table} ORDER BY ${key}`);
  const requests = all('requests', 'id');
  const outbox = all('outbox', 'request_id');
  const settings = all('settings', 'key');
  const operators = all('operators', 'id');
  const lastEvent = db.prepare('SELECT coalesce(max(id), 0) FROM request_event_log').pluck();
  const kindsAfter = db.prepare('SELECT kind FROM request_event_log WHERE id > ? ORDER BY id').pluck();
  return {
    take() {
      // One read transaction: the five reads see the same moment.
      return db.transaction((): StoreSnapshot => {
        const r = requests.all();
        const o = outbox.all();
        const s = settings.all() as { key: string }[];
        const op = operators.all();
        return {
          requests: r.length,
          lastEventId: lastEvent.get() as number,
          outbox: o.length,
          settingKeys: s.map((row) => row.key),
          operators: op.length,
          digests: { requests: digest(r), outbox: digest(o), settings: digest(s), operators: digest(op) },
        };
      })();
    },
    eventKindsAfter: (afterId) => kindsAfter.all(afterId) as string[],
  };
}
