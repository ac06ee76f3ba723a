import type { Migration } from './types';

// The request queue. The outbox holds a row for every request not yet
// acknowledged nor finished, written in the same transaction as the request,
// so "what is still ours to send" never disagrees with the requests table.
// Values are checked by the store's typed code; only local_state keeps a CHECK
// (every CHECK costs on the 100k-row import path).
export const migration001: Migration = {
  version: 1,
  name: 'requests, outbox and request events',
  up(db) {
    db.exec(`
      CREATE TABLE store_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE requests (
        id                INTEGER PRIMARY KEY,
        client_uuid       TEXT NOT NULL UNIQUE,
        provider          TEXT NOT NULL,
        method            TEXT NOT NULL,
        type              TEXT NOT NULL,
        params            TEXT NOT NULL,
        secrets_wiped     INTEGER NOT NULL DEFAULT 0,
        priority          TEXT NOT NULL,
        scheduled_date    TEXT,
        card_key          TEXT NOT NULL,
        card_seq          INTEGER NOT NULL,
        local_state       TEXT NOT NULL CHECK (local_state IN ('QUEUED', 'SENDING', 'UNKNOWN', 'RETRY_WAIT',
                            'ACKNOWLEDGED', 'COMPLETED', 'REJECTED', 'NEEDS_ATTENTION', 'DISCARDED')),
        outcome_unknown   INTEGER NOT NULL DEFAULT 0,
        headend_id        TEXT,
        number            TEXT,
        reference_number  TEXT,
        life_cycle_state  TEXT,
        error_code        TEXT,
        error_description TEXT,
        executed_date     TEXT,
        attempts          INTEGER NOT NULL DEFAULT 0,
        next_attempt_at   INTEGER,
        last_error        TEXT,
        operator          TEXT NOT NULL,
        batch_id          TEXT,
        search_text       TEXT NOT NULL DEFAULT '',
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL,
        sent_at           INTEGER,
        acknowledged_at   INTEGER,
        finished_at       INTEGER
      );
      CREATE INDEX requests_by_state ON requests (local_state, id);
      CREATE INDEX requests_by_card ON requests (card_key, card_seq);
      CREATE INDEX requests_by_created ON requests (created_at);
      CREATE INDEX requests_by_headend_id ON requests (headend_id) WHERE headend_id IS NOT NULL;
      CREATE INDEX requests_by_batch ON requests (batch_id) WHERE batch_id IS NOT NULL;
      -- Card keys not yet matched to the catalog: re-keyed when the catalog learns the card.
      CREATE TABLE unresolved_cards (card_key TEXT PRIMARY KEY) WITHOUT ROWID;

      CREATE TRIGGER requests_never_deleted BEFORE DELETE ON requests
      BEGIN
        SELECT RAISE(ABORT, 'requests are never deleted: discard them instead');
      END;

      CREATE TABLE outbox (
        request_id    INTEGER PRIMARY KEY REFERENCES requests (id),
        card_key      TEXT NOT NULL,
        card_seq      INTEGER NOT NULL,
        priority_rank INTEGER NOT NULL,  -- 1 EXPRESS, 0 REGULAR
        ready_at      INTEGER,           -- epoch ms when sendable; NULL while not sendable
        is_head       INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX outbox_by_card ON outbox (card_key, card_seq);
      CREATE INDEX outbox_sendable_heads ON outbox (priority_rank DESC, request_id)
        WHERE is_head = 1 AND ready_at IS NOT NULL;

      CREATE TABLE request_events (
        id         INTEGER PRIMARY KEY,
        request_id INTEGER NOT NULL REFERENCES requests (id),
        kind       TEXT NOT NULL,
        actor      TEXT NOT NULL,
        at         INTEGER NOT NULL,
        detail     TEXT
      );
      CREATE INDEX request_events_by_request ON request_events (request_id, id);

      CREATE TRIGGER request_events_append_only_update BEFORE UPDATE ON request_events
      BEGIN
        SELECT RAISE(ABORT, 'request_events is append-only');
      END;
      CREATE TRIGGER request_events_append_only_delete BEFORE DELETE ON request_events
      BEGIN
        SELECT RAISE(ABORT, 'request_events is append-only');
      END;
    `);
  },
};
