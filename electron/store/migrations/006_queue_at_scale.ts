import type { Migration } from './types';

// The queue at a million requests. Every question the console asks
// of it must be an index walk or a read of a small table, never a scan of the
// requests table (electron/store/query-plans.test.ts keeps it so):
//
// - request_counts: requests per creation hour and current state, kept by
//   triggers, so the status bar's counts and the dashboard's 24 hours read a
//   few hundred rows instead of counting a million. Triggers (not the writer)
//   keep it, so every path that inserts a request or changes its state — now
//   or later — counts; the insert trigger costs one small upsert per row.
//   Rows are never deleted (requests never are); a count may reach 0.
// - requests_by_type, requests_by_provider: a filter on a type or provider
//   that matches few rows walks its index (newest first, as rowids follow the
//   key) instead of reading every row to find a hundred.
export const migration006: Migration = {
  version: 6,
  name: 'queue at scale: maintained counts, type and provider indexes',
  up(db) {
    db.exec(`
      CREATE TABLE request_counts (
        hour        INTEGER NOT NULL,  -- created_at / 3600000 (epoch hours)
        local_state TEXT NOT NULL,
        n           INTEGER NOT NULL,
        PRIMARY KEY (hour, local_state)
      ) WITHOUT ROWID;
      INSERT INTO request_counts (hour, local_state, n)
        SELECT created_at / 3600000, local_state, count(*) FROM requests GROUP BY 1, 2;

      CREATE TRIGGER requests_counted_on_insert AFTER INSERT ON requests
      BEGIN
        INSERT INTO request_counts (hour, local_state, n) VALUES (new.created_at / 3600000, new.local_state, 1)
          ON CONFLICT (hour, local_state) DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER requests_counted_on_state AFTER UPDATE OF local_state ON requests
      WHEN new.local_state IS NOT old.local_state
      BEGIN
        UPDATE request_counts SET n = n - 1 WHERE hour = old.created_at / 3600000 AND local_state = old.local_state;
        INSERT INTO request_counts (hour, local_state, n) VALUES (new.created_at / 3600000, new.local_state, 1)
          ON CONFLICT (hour, local_state) DO UPDATE SET n = n + 1;
      END;

      CREATE INDEX requests_by_type ON requests (type);
      CREATE INDEX requests_by_provider ON requests (provider);
    `);
  },
};
