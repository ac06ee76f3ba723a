import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyExportedAudit } from './audit-chain';
import { openStore, StoreDamagedError } from './store';
import { markerFileOf } from './store-marker';
import { openExclusiveDatabase } from './open-database';
import { addProducts, HEADEND_ID, makeTempDir, removeTempDir } from './testing/temp-store';

// The history cannot be rewritten through SQLite without it being seen: the
// triggers refuse it on any connection, and what a client with the triggers
// dropped does breaks the hash chain, which the verify command reports.

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeTempDir(d);
});

/** A closed store with a few requests and their events (sent, completed, edited, discarded). */
function storeWithHistory(): string {
  const dir = makeTempDir();
  dirs.push(dir);
  const file = path.join(dir, 'cadesk.db');
  const store = openStore(file);
  const result = store.enqueue([addProducts({ serial_number: 'smrt-a' }), addProducts({ serial_number: 'smrt-b' }), addProducts({ serial_number: 'smrt-c' })]);
  if (!result.ok) throw new Error('enqueue failed');
  const [a, b, c] = result.ids as [number, number, number];
  store.markSending(a);
  store.markFinal(a, 'COMPLETED', { headend_id: HEADEND_ID, number: '1' });
  store.edit(b, addProducts({ serial_number: 'smrt-d' }).params, 'ana', 'other card');
  store.discard(c, 'jose', 'customer left');
  expect(store.verifyAudit()).toMatchObject({ ok: true });
  store.close();
  return file;
}

/** Another SQLite client that first drops every trigger, then does `change`. */
function tamper(file: string, change: (db: Database.Database) => void): void {
  const db = new Database(file);
  try {
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string }[]) db.exec(`DROP TRIGGER "${name}"`);
    change(db);
  } finally {
    db.close();
  }
}

/** The same client restores the triggers afterwards, to hide its tracks. */
function triggersOf(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger'").all() as { sql: string }[]).map((r) => r.sql);
  } finally {
    db.close();
  }
}
function restoreTriggers(file: string, sql: string[]): void {
  const db = new Database(file);
  try {
    for (const s of sql) db.exec(s);
  } finally {
    db.close();
  }
}

function cli(...args: string[]): { status: number | null; out: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'audit-verify.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

function rows(file: string): { id: number; detail: string | null }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT id, detail FROM request_event_log ORDER BY id').all() as { id: number; detail: string | null }[];
  } finally {
    db.close();
  }
}

describe('the audit history', () => {
  it('refuses UPDATE, DELETE, INSERT OR REPLACE, UPSERT and out-of-chain inserts on any connection', () => {
    const file = storeWithHistory();
    const [first] = rows(file);
    const db = new Database(file); // a plain client: recursive_triggers off
    try {
      expect(() => db.prepare("UPDATE request_event_log SET actor = 'mallory' WHERE id = ?").run(first!.id)).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM request_event_log WHERE id = ?').run(first!.id)).toThrow(/append-only/);
      expect(() =>
        db.prepare("INSERT OR REPLACE INTO request_event_log (id, request_id, kind, actor, at, detail, prev_hash, hash) SELECT id, request_id, kind, 'mallory', at, detail, prev_hash, hash FROM request_event_log WHERE id = ?").run(first!.id),
      ).toThrow(/append-only/);
      expect(() =>
        db.prepare("INSERT INTO request_event_log (id, request_id, kind, actor, at) VALUES (?, 1, 'retried', 'mallory', 1) ON CONFLICT (id) DO UPDATE SET actor = 'mallory'").run(first!.id),
      ).toThrow(/append-only/);
      expect(() => db.prepare("INSERT INTO request_event_log (request_id, kind, actor, at) VALUES (1, 'retried', 'mallory', 1)").run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
    expect(cli(file)).toMatchObject({ status: 0 });
  }, 60_000);

  it('has recursive_triggers on in the store connection CA Desk opens: a REPLACE over an event hits the DELETE trigger even past the chain trigger', () => {
    const file = storeWithHistory();
    const [first] = rows(file);
    const replace = (db: Database.Database) =>
      db.prepare("INSERT OR REPLACE INTO request_event_log (id, request_id, kind, actor, at, detail, prev_hash, hash) SELECT id, request_id, kind, 'mallory', at, detail, prev_hash, hash FROM request_event_log WHERE id = ?").run(first!.id);
    // openStore's one connection (open-database.ts) is the only one that writes the store.
    const db = openExclusiveDatabase(file);
    try {
      expect(db.pragma('recursive_triggers', { simple: true })).toBe(1);
      expect(() => replace(db)).toThrow(/append-only/);
      // Without the chain trigger (a store damaged or downgraded), the REPLACE's implicit delete is still refused…
      db.exec('BEGIN');
      db.exec('DROP TRIGGER request_event_log_chained_insert');
      expect(() => replace(db)).toThrow(/^request_events is append-only$/);
      // …which it would not be with recursive_triggers off: the row would be silently replaced.
      db.pragma('recursive_triggers = OFF');
      expect(() => replace(db)).not.toThrow();
      db.exec('ROLLBACK');
    } finally {
      db.close();
    }
    expect(cli(file)).toMatchObject({ status: 0 });
  }, 60_000);

  const cases: [string, (db: Database.Database, ids: number[]) => void][] = [
    ['UPDATE of an event', (db, ids) => db.prepare("UPDATE request_event_log SET actor = 'mallory' WHERE id = ?").run(ids[1])],
    ['DELETE of an event in the middle', (db, ids) => db.prepare('DELETE FROM request_event_log WHERE id = ?').run(ids[1])],
    ['DELETE of the last event', (db, ids) => db.prepare('DELETE FROM request_event_log WHERE id = ?').run(ids.at(-1))],
    [
      'INSERT OR REPLACE over an event',
      (db, ids) =>
        db
          .prepare(
            "INSERT OR REPLACE INTO request_event_log (id, request_id, kind, actor, at, detail, prev_hash, hash) SELECT id, request_id, kind, actor, at, '{\"reason\":\"nothing to see\"}', prev_hash, hash FROM request_event_log WHERE id = ?",
          )
          .run(ids[2]),
    ],
    ['an event appended with a copied link', (db, ids) => db.prepare("INSERT INTO request_event_log (id, request_id, kind, actor, at, detail, prev_hash, hash) SELECT ? + 1000, request_id, 'retried', 'mallory', at, NULL, prev_hash, hash FROM request_event_log WHERE id = ?").run(0, ids[0])],
  ];

  for (const [name, change] of cases) {
    it(`detects ${name} by another SQLite client with the triggers dropped and restored`, () => {
      const file = storeWithHistory();
      const ids = rows(file).map((r) => r.id);
      const triggers = triggersOf(file);
      tamper(file, (db) => change(db, ids));
      restoreTriggers(file, triggers);

      const verified = cli(file);
      expect(verified.status).toBe(1);
      expect(verified.out).toMatch(/TAMPERED/);
      expect(verified.out).toMatch(/event \d+/);
    }, 60_000);
  }

  it('refuses to open a store whose history was cut or whose triggers were dropped, naming the file and the way out', () => {
    const cut = storeWithHistory();
    const ids = rows(cut).map((r) => r.id);
    tamper(cut, (db) => db.prepare('DELETE FROM request_event_log WHERE id = ?').run(ids.at(-1)));
    expect(() => openStore(cut)).toThrow(StoreDamagedError);
    expect(() => openStore(cut)).toThrow(new RegExp(`${cut.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*(missing|removed).*Ways out.*backup`));
  });

  it('exports the history with its chain as JSON and CSV, and the JSON verifies offline', () => {
    const file = storeWithHistory();
    const json = cli(file, '--export', 'json');
    expect(json.status).toBe(0);
    expect(verifyExportedAudit(json.out)).toMatchObject({ ok: true, count: rows(file).length });
    const exported = path.join(path.dirname(file), 'audit.json');
    fs.writeFileSync(exported, json.out);
    expect(cli(exported)).toMatchObject({ status: 0 });
    fs.writeFileSync(exported, json.out.replace('"actor":"jose"', '"actor":"mallory"'));
    expect(cli(exported)).toMatchObject({ status: 1 });

    const csv = cli(file, '--export', 'csv');
    const lines = csv.out.trim().split('\n');
    expect(lines[0]).toBe('id,request_id,kind,actor,at,detail,prev_hash,hash');
    expect(lines).toHaveLength(rows(file).length + 1);
    expect(lines[1]).toMatch(/,0{64},[0-9a-f]{64}$/);
    expect(fs.existsSync(markerFileOf(file))).toBe(true);
  }, 60_000);
});
