import type { Migration } from './types';

// The dashboard's queue health per head-end (Nagravision, Conax): requests per
// creation hour, head-end and current state, kept by triggers like
// request_counts (006), so a day of a million requests reads a few hundred
// rows, never the requests table (query-plans.test.ts). request_counts stays:
// the status bar's totals read it without summing over head-ends.
export const migration012: Migration = {
  version: 12,
  name: 'request counts per head-end',
  up(db) {
    db.exec(`
      CREATE TABLE request_counts_by_provider (
        hour        INTEGER NOT NULL,  -- created_at / 3600000 (epoch hours)
        provider    TEXT NOT NULL,
        local_state TEXT NOT NULL,
        n           INTEGER NOT NULL,
        PRIMARY KEY (hour, provider, local_state)
      ) WITHOUT ROWID;
      INSERT INTO request_counts_by_provider (hour, provider, local_state, n)
        SELECT created_at / 3600000, provider, local_state, count(*) FROM requests GROUP BY 1, 2, 3;
      CREATE TRIGGER requests_counted_by_provider_on_insert AFTER INSERT ON requests
      BEGIN
        INSERT INTO request_counts_by_provider (hour, provider, local_state, n) VALUES (new.created_at / 3600000, new.provider, new.local_state, 1)
          ON CONFLICT (hour, provider, local_state) DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER requests_counted_by_provider_on_state AFTER UPDATE OF local_state ON requests
      WHEN new.local_state IS NOT old.local_state
      BEGIN
        UPDATE request_counts_by_provider SET n = n - 1
          WHERE hour = old.created_at / 3600000 AND provider = old.provider AND local_state = old.local_state;
        INSERT INTO request_counts_by_provider (hour, provider, local_state, n) VALUES (new.created_at / 3600000, new.provider, new.local_state, 1)
          ON CONFLICT (hour, provider, local_state) DO UPDATE SET n = n + 1;
      END;
    `);
  },
};
