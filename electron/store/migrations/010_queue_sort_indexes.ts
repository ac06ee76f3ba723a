import type { Migration } from './types';

// Sorting the queue by a column (issue 13) at a million requests: each sort
// walks an index in (column, id) order and stops at the page's limit, never
// reads and sorts the table (query-plans.test.ts). The created, state,
// provider and type sorts reuse existing indexes (a plain index ends with the
// rowid, so it is already (column, id)); card, head-end number and detail get
// one here. Number and detail are nullable: the index holds the same
// coalesced expression the query sorts by, so a missing value sorts as ''
// and keyset paging (a row-value comparison) never meets a NULL.
export const migration010: Migration = {
  version: 10,
  name: 'queue sort indexes: card, head-end number, detail',
  up(db) {
    db.exec(`
      CREATE INDEX requests_sorted_by_card ON requests (card_key, id);
      CREATE INDEX requests_sorted_by_number ON requests (coalesce(number, ''), id);
      CREATE INDEX requests_sorted_by_detail ON requests (coalesce(error_description, last_error, ''), id);
    `);
  },
};
