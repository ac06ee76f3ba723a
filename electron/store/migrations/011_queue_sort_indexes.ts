import type { Migration } from './types';

// Sorting the queue by a column at a million requests: each sort
// walks an index in (column, id) order and stops at the page's limit, never
// reads and sorts the table (query-plans.test.ts). The created, state,
// provider, type and card sorts reuse existing indexes (a plain index ends
// with the rowid, so it is already (column, id); a card sorts in its queue
// order, requests_by_card); head-end number and detail get one here. Both
// are nullable: the index holds the same coalesced expression the query
// sorts by, so a missing value sorts as '' and keyset paging never meets a
// NULL. New requests have neither, so their entries go at the end of the ''
// range: an append, not a random insert, for every request queued.
export const migration011: Migration = {
  version: 11,
  name: 'queue sort indexes: head-end number, detail',
  up(db) {
    db.exec(`
      CREATE INDEX requests_sorted_by_number ON requests (coalesce(number, ''), id);
      CREATE INDEX requests_sorted_by_detail ON requests (coalesce(error_description, last_error, ''), id);
    `);
  },
};
