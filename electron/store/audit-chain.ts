import { hash } from 'node:crypto';
import type Database from 'better-sqlite3';

// The request history as a hash chain: every stored event carries the hash of
// the one before it (prev_hash) and its own hash over its content and that
// link. Triggers refuse UPDATE, DELETE, INSERT OR REPLACE and UPSERT on the
// app's connection; the chain catches what another SQLite client does with the
// triggers dropped (an edited, removed or inserted event breaks a link), and
// the anchor kept beside the store (store-marker.ts) catches events removed
// from the end. Someone able to rewrite the whole chain AND the anchor is not
// caught here: an exported chain head kept elsewhere (exportAudit) catches that.
//
// hash = sha256 hex of JSON.stringify([prev_hash, id, request_id, kind, actor, at, detail])
// with detail the stored JSON text (or null); the first event links to GENESIS.

export const GENESIS = '0'.repeat(64);
export const HASH_RULE = 'sha256 hex of JSON.stringify([prev_hash, id, request_id, kind, actor, at, detail]); the first prev_hash is 64 zeros';

/** The triggers that keep the history append-only; verify reports any that is missing. */
export const AUDIT_TRIGGERS = [
  'request_event_log_append_only_update',
  'request_event_log_append_only_delete',
  'request_event_log_chained_insert',
] as const;

export interface ChainedEvent {
  id: number;
  /** null for a desk event (sign-in, settings changed: migration 010). */
  request_id: number | null;
  kind: string;
  actor: string;
  at: number;
  detail: string | null;
  prev_hash: string;
  hash: string;
}

/** One-shot crypto.hash: every sync transition appends an event, and a Hash object per event cost three times as much. */
export function eventHash(e: Omit<ChainedEvent, 'hash'>): string {
  return hash('sha256', JSON.stringify([e.prev_hash, e.id, e.request_id, e.kind, e.actor, e.at, e.detail]), 'hex');
}

/** Where the next event goes: its id and the hash it links to. */
export function chainTail(db: Database.Database): { id: number; hash: string } {
  const last = db.prepare('SELECT id, hash FROM request_event_log ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string } | undefined;
  return last ?? { id: 0, hash: GENESIS };
}

/** What the store keeps outside the database: the chain as it was when the store was last opened or closed. */
export interface ChainAnchor {
  lastId: number;
  count: number;
  head: string;
}

export interface AuditReport {
  ok: boolean;
  /** Events checked. */
  count: number;
  head: string;
  lastId: number;
  /** The first problems found (at most 20), each naming the event. */
  problems: string[];
}

const MAX_PROBLEMS = 20;

/**
 * Checks the chain over events with id > fromId (0: all) and, when given, that
 * the anchored event is still there with the anchored hash and count.
 */
export function verifyAuditChain(db: Database.Database, options: { anchor?: ChainAnchor | null; fromId?: number } = {}): AuditReport {
  const problems: string[] = [];
  const note = (p: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  const present = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string }[]).map((r) => r.name));
  for (const t of AUDIT_TRIGGERS) if (!present.has(t)) note(`the trigger ${t} is missing (someone dropped it)`);

  const anchor = options.anchor ?? null;
  const fromId = options.fromId ?? 0;
  let prev = GENESIS;
  let count = 0;
  if (fromId > 0) {
    const start = db.prepare('SELECT hash FROM request_event_log WHERE id = ?').get(fromId) as { hash: string } | undefined;
    if (!start) note(`event ${fromId}, where the check starts, is missing`);
    else prev = start.hash;
    count = (db.prepare('SELECT count(*) AS n FROM request_event_log WHERE id <= ?').get(fromId) as { n: number }).n;
  }
  let lastId = fromId;
  for (const row of db.prepare('SELECT id, request_id, kind, actor, at, detail, prev_hash, hash FROM request_event_log WHERE id > ? ORDER BY id').iterate(fromId)) {
    const e = row as ChainedEvent;
    if (e.prev_hash !== prev) note(`event ${e.id} does not follow the event before it (an event was removed, inserted or edited just before ${e.id})`);
    if (e.hash !== eventHash(e)) note(`event ${e.id} was changed after it was written (its content does not match its hash)`);
    prev = e.hash;
    lastId = e.id;
    count += 1;
  }
  if (anchor !== null && anchor.lastId > 0) {
    const anchored = db.prepare('SELECT hash FROM request_event_log WHERE id = ?').get(anchor.lastId) as { hash: string } | undefined;
    if (!anchored) note(`event ${anchor.lastId}, the last one when the store was last closed, is missing (events were removed from the end)`);
    else if (anchored.hash !== anchor.head) note(`event ${anchor.lastId} is not the one recorded when the store was last closed`);
    const upTo = (db.prepare('SELECT count(*) AS n FROM request_event_log WHERE id <= ?').get(anchor.lastId) as { n: number }).n;
    if (anchored && upTo !== anchor.count) note(`${anchor.count - upTo} events up to ${anchor.lastId} are missing`);
  }
  return { ok: problems.length === 0, count, head: prev, lastId, problems };
}

const CSV_COLUMNS = ['id', 'request_id', 'kind', 'actor', 'at', 'detail', 'prev_hash', 'hash'] as const;

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function* events(db: Database.Database): Generator<ChainedEvent> {
  for (const row of db.prepare(`SELECT ${CSV_COLUMNS.join(', ')} FROM request_event_log ORDER BY id`).iterate()) yield row as ChainedEvent;
}

/**
 * The history with its chain, for an auditor to verify offline (the rule is
 * in the JSON; the CSV keeps every field the hash covers, detail as stored).
 * Lines are yielded so a large history is never one string.
 */
export function* exportAudit(db: Database.Database, format: 'csv' | 'json'): Generator<string> {
  if (format === 'csv') {
    yield `${CSV_COLUMNS.join(',')}\n`;
    for (const e of events(db)) yield `${CSV_COLUMNS.map((c) => csvCell(e[c])).join(',')}\n`;
    return;
  }
  yield `{"format":"ca-desk-audit/1","hash_rule":${JSON.stringify(HASH_RULE)},"events":[\n`;
  let first = true;
  for (const e of events(db)) {
    yield `${first ? '' : ',\n'}${JSON.stringify(e)}`;
    first = false;
  }
  yield '\n]}\n';
}

/** Verifies an exported JSON audit (no database needed). */
export function verifyExportedAudit(text: string): AuditReport {
  const parsed = JSON.parse(text) as { format?: unknown; events?: ChainedEvent[] };
  if (parsed.format !== 'ca-desk-audit/1' || !Array.isArray(parsed.events)) {
    return { ok: false, count: 0, head: GENESIS, lastId: 0, problems: ['not a CA Desk audit export (format ca-desk-audit/1)'] };
  }
  const problems: string[] = [];
  let prev = GENESIS;
  let lastId = 0;
  for (const e of parsed.events) {
    if (problems.length >= MAX_PROBLEMS) break;
    if (e.prev_hash !== prev) problems.push(`event ${e.id} does not follow the event before it`);
    if (e.hash !== eventHash(e)) problems.push(`event ${e.id} does not match its hash`);
    prev = e.hash;
    lastId = e.id;
  }
  return { ok: problems.length === 0, count: parsed.events.length, head: prev, lastId, problems };
}
