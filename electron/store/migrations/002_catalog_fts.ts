import type { Migration } from './types';

// The local catalog, searchable offline. Each table has an explicit integer
// rowid (`rid`) because external-content FTS5 indexes point at rowids, and
// VACUUM may renumber implicit ones. Triggers keep each FTS index in step with
// its table. This migration is frozen: later changes go in a new migration.

interface CatalogTable {
  name: string;
  columns: string;
  searchable: string[];
  indexed: string[];
}

const TABLES: CatalogTable[] = [
  {
    name: 'subscriptions',
    columns: 'number TEXT, name TEXT, state TEXT',
    searchable: ['id', 'number', 'name'],
    indexed: ['number'],
  },
  {
    name: 'smartcards',
    columns:
      'serial_number TEXT, alternative_code TEXT, ca_id TEXT, subscription_id TEXT, paired_stb_id TEXT, ' +
      'pairing TEXT, entitlements TEXT, pin_state TEXT',
    searchable: ['id', 'serial_number', 'alternative_code', 'ca_id'],
    indexed: ['serial_number', 'alternative_code', 'ca_id', 'subscription_id'],
  },
  {
    name: 'stbs',
    columns:
      'serial_number TEXT, alternative_code TEXT, ca_id TEXT, subscription_id TEXT, paired_smartcard_id TEXT',
    searchable: ['id', 'serial_number', 'alternative_code', 'ca_id'],
    indexed: ['serial_number', 'alternative_code', 'ca_id', 'subscription_id'],
  },
  {
    name: 'services',
    columns: 'code TEXT, alternative_code TEXT, name TEXT, ca_id TEXT',
    searchable: ['id', 'code', 'alternative_code', 'name', 'ca_id'],
    indexed: ['code', 'alternative_code'],
  },
];

function tableSql(t: CatalogTable): string {
  const cols = t.searchable.join(', ');
  const newCols = t.searchable.map((c) => `new.${c}`).join(', ');
  const oldCols = t.searchable.map((c) => `old.${c}`).join(', ');
  const fts = `${t.name}_fts`;
  return `
    CREATE TABLE ${t.name} (
      rid        INTEGER PRIMARY KEY,
      id         TEXT NOT NULL UNIQUE,
      ${t.columns},
      data       TEXT,
      updated_at INTEGER NOT NULL
    );
    ${t.indexed.map((c) => `CREATE INDEX ${t.name}_by_${c} ON ${t.name} (${c});`).join('\n')}
    CREATE VIRTUAL TABLE ${fts} USING fts5(
      ${cols}, content='${t.name}', content_rowid='rid', tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER ${t.name}_fts_insert AFTER INSERT ON ${t.name} BEGIN
      INSERT INTO ${fts} (rowid, ${cols}) VALUES (new.rid, ${newCols});
    END;
    CREATE TRIGGER ${t.name}_fts_delete AFTER DELETE ON ${t.name} BEGIN
      INSERT INTO ${fts} (${fts}, rowid, ${cols}) VALUES ('delete', old.rid, ${oldCols});
    END;
    CREATE TRIGGER ${t.name}_fts_update AFTER UPDATE ON ${t.name} BEGIN
      INSERT INTO ${fts} (${fts}, rowid, ${cols}) VALUES ('delete', old.rid, ${oldCols});
      INSERT INTO ${fts} (rowid, ${cols}) VALUES (new.rid, ${newCols});
    END;
  `;
}

export const migration002: Migration = {
  version: 2,
  name: 'catalog with full-text search',
  up(db) {
    db.exec(TABLES.map(tableSql).join('\n'));
    db.exec(`
      CREATE TABLE catalog_cursors (
        kind       TEXT PRIMARY KEY,
        cursor     TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
