import type { Migration } from './types';

// Operators sign in (services/operator-session.ts), and desk-level events
// (sign-in, switch, sign-out, settings and credentials changed) join the
// request history's hash chain so one verify covers them (audit-chain.ts).
//
// operators: a local identity per person. Only the scrypt check of the sign-in
// password rests here; the operator's own head-end password, when given, rests
// sealed by the credential vault (OS keychain or desk passphrase), never clear.
//
// request_event_log: a desk event has no request, so request_id becomes
// nullable (NULL only for kinds 'desk.*'). SQLite cannot drop a NOT NULL in
// place (defensive mode forbids editing the schema), so the table is rebuilt:
// rows are copied unchanged (same ids, hashes and links; the hash rule hashes
// request_id as JSON, so null is well defined), then the indexes, the view and
// every trigger of migrations 004, 005 and 008 are made again as they were.
// Cost: one copy of the history (the pre-migration backup copies the whole
// store anyway).
export const migration010: Migration = {
  version: 10,
  name: 'operators and desk events in the history chain',
  up(db) {
    db.exec(`
      CREATE TABLE operators (
        id                      INTEGER PRIMARY KEY,
        name                    TEXT NOT NULL UNIQUE COLLATE NOCASE,
        sign_in_check           TEXT NOT NULL,
        headend_username        TEXT,
        headend_password_sealed TEXT,
        created_at              INTEGER NOT NULL
      );

      DROP VIEW request_events;
      CREATE TABLE request_event_log_v10 (
        id         INTEGER PRIMARY KEY,
        request_id INTEGER REFERENCES requests (id),
        kind       TEXT NOT NULL,
        actor      TEXT NOT NULL,
        at         INTEGER NOT NULL,
        detail     TEXT,
        prev_hash  TEXT,
        hash       TEXT,
        CHECK ((request_id IS NULL) = (kind LIKE 'desk.%'))
      );
      INSERT INTO request_event_log_v10 (id, request_id, kind, actor, at, detail, prev_hash, hash)
        SELECT id, request_id, kind, actor, at, detail, prev_hash, hash FROM request_event_log ORDER BY id;
      DROP TABLE request_event_log;
      ALTER TABLE request_event_log_v10 RENAME TO request_event_log;

      CREATE INDEX request_events_by_request ON request_event_log (request_id, id);
      CREATE INDEX request_event_log_resolutions ON request_event_log (id)
        WHERE kind IN ('retried', 'edited', 'cancelled', 'discarded', 'verified', 'replaced');

      CREATE VIEW request_events (id, request_id, kind, actor, at, detail) AS
        SELECT -r.id, r.id, 'created', r.operator, r.created_at, NULL
          FROM requests r
         WHERE NOT EXISTS (SELECT 1 FROM request_event_log l WHERE l.request_id = r.id AND l.kind = 'created')
        UNION ALL
        SELECT id, request_id, kind, actor, at, detail FROM request_event_log WHERE request_id IS NOT NULL;

      CREATE TRIGGER request_events_view_insert INSTEAD OF INSERT ON request_events
      BEGIN
        INSERT INTO request_event_log (request_id, kind, actor, at, detail)
        VALUES (new.request_id, new.kind, new.actor, new.at, new.detail);
      END;
      CREATE TRIGGER request_events_view_update INSTEAD OF UPDATE ON request_events
      BEGIN
        SELECT RAISE(ABORT, 'request_events is append-only');
      END;
      CREATE TRIGGER request_events_view_delete INSTEAD OF DELETE ON request_events
      BEGIN
        SELECT RAISE(ABORT, 'request_events is append-only');
      END;
      CREATE TRIGGER request_event_log_created_is_derived BEFORE INSERT ON request_event_log
      WHEN new.kind = 'created'
      BEGIN
        SELECT RAISE(ABORT, 'request_events is append-only: a request''s created event is its own row and is never stored again');
      END;
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
        OR new.prev_hash IS NOT coalesce((SELECT hash FROM request_event_log ORDER BY id DESC LIMIT 1), '${'0'.repeat(64)}')
      BEGIN
        SELECT RAISE(ABORT, 'request_events is append-only: an event is only ever appended after the last one, linked to its hash');
      END;
    `);
  },
};
