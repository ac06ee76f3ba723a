import type { Migration } from './types';

// A request's "created" event is its own row: who queued it (operator) and
// when (created_at). Storing it again as an event row cost a row, an index
// entry and a foreign-key check per request on the 100k-row import path.
//
// request_events stays the one place to read a request's history: it becomes a
// view over the stored events (table request_event_log) and one "created"
// event per request, derived from the request row, with id = -request id (so
// it sorts first in a request's history and never clashes with a stored id).
// Requests created before this migration keep their stored "created" row and
// get no derived one.
//
// Append-only still holds, for both parts:
//   - request_event_log keeps its UPDATE/DELETE triggers (renamed with it);
//   - the view refuses UPDATE and DELETE with the same message;
//   - requests are never deleted, and their operator and created_at can no
//     longer change, so a derived "created" event never changes either;
//   - a "created" event can no longer be stored, so none can replace a derived one.
export const migration004: Migration = {
  version: 4,
  name: 'created event derived from the request row',
  up(db) {
    db.exec(`
      ALTER TABLE request_events RENAME TO request_event_log;

      CREATE VIEW request_events (id, request_id, kind, actor, at, detail) AS
        SELECT -r.id, r.id, 'created', r.operator, r.created_at, NULL
          FROM requests r
         WHERE NOT EXISTS (SELECT 1 FROM request_event_log l WHERE l.request_id = r.id AND l.kind = 'created')
        UNION ALL
        SELECT id, request_id, kind, actor, at, detail FROM request_event_log;

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
      CREATE TRIGGER requests_created_event_fixed BEFORE UPDATE OF operator, created_at ON requests
      WHEN new.operator IS NOT old.operator OR new.created_at IS NOT old.created_at
      BEGIN
        SELECT RAISE(ABORT, 'request_events is append-only: a request''s operator and created_at are its created event');
      END;
    `);
  },
};
