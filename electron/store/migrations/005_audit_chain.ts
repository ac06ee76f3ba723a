import { eventHash, GENESIS } from '../audit-chain';
import type { Migration } from './types';

// The history becomes a hash chain (audit-chain.ts): each stored event carries
// prev_hash and hash. Existing events are chained here, in id order (the
// UPDATE trigger is dropped for that and recreated). From now on an event is
// accepted only with an explicit id after the last one and a prev_hash equal
// to the last event's hash, so INSERT OR REPLACE, UPSERT or an out-of-chain
// insert (another client appending through the view) are refused even on a
// connection without recursive_triggers; the store's own connection also turns
// recursive_triggers on, so a REPLACE's implicit delete hits the DELETE trigger.
// Self-contained: only this file's SQL and audit-chain's hash rule.
export const migration005: Migration = {
  version: 5,
  name: 'hash-chained request history',
  up(db) {
    db.exec(`
      ALTER TABLE request_event_log ADD COLUMN prev_hash TEXT;
      ALTER TABLE request_event_log ADD COLUMN hash TEXT;
      DROP TRIGGER request_events_append_only_update;
    `);
    const update = db.prepare('UPDATE request_event_log SET prev_hash = ?, hash = ? WHERE id = ?');
    let prev = GENESIS;
    const rows = db.prepare('SELECT id, request_id, kind, actor, at, detail FROM request_event_log ORDER BY id').all() as {
      id: number;
      request_id: number;
      kind: string;
      actor: string;
      at: number;
      detail: string | null;
    }[];
    for (const row of rows) {
      const hash = eventHash({ ...row, prev_hash: prev });
      update.run(prev, hash, row.id);
      prev = hash;
    }
    db.exec(`
      DROP TRIGGER IF EXISTS request_events_append_only_delete;
      CREATE TRIGGER request_event_log_append_only_update BEFORE UPDATE ON request_event_log
      BEGIN
        SELECT RAISE(ABORT, 'request_events is append-only');
      END;
      CREATE TRIGGER request_event_log_append_only_delete BEFORE DELETE ON request_event_log
      BEGIN
        SELECT RAISE(ABORT, 'request_events is append-only');
      END;
      CREATE TRIGGER request_event_log_chained_insert BEFORE INSERT ON request_event_log
      WHEN new.id IS NULL OR new.id <= coalesce((SELECT max(id) FROM request_event_log), 0)
        OR new.hash IS NULL OR length(new.hash) <> 64
        OR new.prev_hash IS NOT coalesce((SELECT hash FROM request_event_log ORDER BY id DESC LIMIT 1), '${GENESIS}')
      BEGIN
        SELECT RAISE(ABORT, 'request_events is append-only: an event is only ever appended after the last one, linked to its hash');
      END;
    `);
  },
};
