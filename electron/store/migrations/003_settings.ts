import type { Migration } from './types';

// Operator settings (head-end addresses, destination id, UI choices).
// Secrets (passwords, tokens) are stored here only as ciphertext produced by the
// Electron shell's safeStorage (base64 text); the store never sees them in clear.
export const migration003: Migration = {
  version: 3,
  name: 'settings',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key        TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
