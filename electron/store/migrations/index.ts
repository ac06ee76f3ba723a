import type Database from 'better-sqlite3';
import { StoreTooNewError } from '../errors';
import { migration001 } from './001_requests_outbox_events';
import { migration002 } from './002_catalog_fts';
import { migration003 } from './003_settings';
import { migration004 } from './004_created_event_from_request';
import { migration005 } from './005_audit_chain';
import { migration006 } from './006_queue_at_scale';
import { migration007 } from './007_query_answers';
import { migration008 } from './008_attention_index';
import { migration009 } from './009_catalog_at_scale';
import { migration010 } from './010_operators_and_desk_events';
import { migration011 } from './011_queue_sort_indexes';
import { migration012 } from './012_counts_per_headend';
import type { Migration } from './types';

export type { Migration } from './types';

/** Every schema step, in order. Append only: never edit a released migration. */
export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009, migration010, migration011, migration012];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

MIGRATIONS.forEach((m, i) => {
  if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
});

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database to `target` (default: latest), one transaction per step,
 * each step recording its version in PRAGMA user_version. A database newer than
 * the code is refused untouched.
 */
export function migrate(
  db: Database.Database,
  file: string,
  target: number = LATEST_SCHEMA_VERSION,
): { from: number; to: number } {
  const from = schemaVersion(db);
  if (from > LATEST_SCHEMA_VERSION) throw new StoreTooNewError(file, from, LATEST_SCHEMA_VERSION);
  if (target < from || target > LATEST_SCHEMA_VERSION) {
    throw new RangeError(`cannot migrate ${file} from version ${from} to ${target}`);
  }
  for (const m of MIGRATIONS) {
    if (m.version <= from || m.version > target) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return { from, to: target };
}
