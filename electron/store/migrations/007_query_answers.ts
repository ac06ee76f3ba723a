import type { Migration } from './types';

// What a completed query found (active subscriptions, pairing status, a
// fingerprint shown), read once from the head-end's `response` and kept with
// its request: the console shows it on the request and on the card offline.
// One row per query request; `answer` is the parsed answer as JSON, or NULL
// with `problem` saying why it could not be read (kept, so a malformed
// answer is not fetched again and again). The partial index finds completed
// queries still without a row without scanning every completed request.
export const migration007: Migration = {
  version: 7,
  name: 'query answers',
  up(db) {
    db.exec(`
      CREATE TABLE query_answers (
        request_id INTEGER PRIMARY KEY REFERENCES requests (id),
        answer     TEXT,
        problem    TEXT,
        fetched_at INTEGER NOT NULL,
        CHECK ((answer IS NULL) <> (problem IS NULL))
      );
      CREATE INDEX requests_completed_queries ON requests (id)
        WHERE local_state = 'COMPLETED' AND type IN ('GET_ACTIVE_SUBSCRIPTIONS', 'GET_PAIRING_STATUS_FOR_CARD',
          'GET_PAIRING_STATUS_FOR_PAIRING_MODULE', 'DISPLAY_FINGERPRINT');
    `);
  },
};
