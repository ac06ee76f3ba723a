import type { Migration } from './types';

// The catalog at operator scale (1M subscriptions, 2M smartcards,
// 2M STBs). Smartcards, STBs and subscriptions are found by identifier
// prefixes (serial, alternative code, CA id, number, id), which their B-tree
// indexes answer in a few index seeks (catalog.ts searchCatalog). Their
// full-text indexes answered the same question far slower — a short prefix
// matched millions of distinct terms, all ranked — and cost most of the
// time and space of loading the catalog. So:
// - smartcards_fts and stbs_fts go, with their triggers;
// - subscriptions_fts keeps only the name (what prefixes cannot find), and
//   rows without a name are not indexed;
// - services (a few hundred) keep their full-text index as it is.
export const migration009: Migration = {
  version: 9,
  name: 'catalog at scale: identifier search by index, full text only for names',
  up(db) {
    for (const table of ['smartcards', 'stbs', 'subscriptions']) {
      db.exec(`
        DROP TRIGGER ${table}_fts_insert;
        DROP TRIGGER ${table}_fts_delete;
        DROP TRIGGER ${table}_fts_update;
        DROP TABLE ${table}_fts;
      `);
    }
    db.exec(`
      CREATE VIRTUAL TABLE subscriptions_fts USING fts5(
        name, content='subscriptions', content_rowid='rid', tokenize='unicode61 remove_diacritics 2'
      );
      INSERT INTO subscriptions_fts (rowid, name) SELECT rid, name FROM subscriptions WHERE name IS NOT NULL;
      CREATE TRIGGER subscriptions_fts_insert AFTER INSERT ON subscriptions WHEN new.name IS NOT NULL BEGIN
        INSERT INTO subscriptions_fts (rowid, name) VALUES (new.rid, new.name);
      END;
      CREATE TRIGGER subscriptions_fts_delete AFTER DELETE ON subscriptions WHEN old.name IS NOT NULL BEGIN
        INSERT INTO subscriptions_fts (subscriptions_fts, rowid, name) VALUES ('delete', old.rid, old.name);
      END;
      -- One trigger, delete before insert: FTS5 keeps one document per rowid.
      CREATE TRIGGER subscriptions_fts_update AFTER UPDATE OF name ON subscriptions
      WHEN new.name IS NOT old.name BEGIN
        INSERT INTO subscriptions_fts (subscriptions_fts, rowid, name) SELECT 'delete', old.rid, old.name WHERE old.name IS NOT NULL;
        INSERT INTO subscriptions_fts (rowid, name) SELECT new.rid, new.name WHERE new.name IS NOT NULL;
      END;
    `);
  },
};
