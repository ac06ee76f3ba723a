import type Database from 'better-sqlite3';
import { rmSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { preparePrivateFile } from './private-files';

// How a damaged page inside the store is found without making the operator
// wait. quick_check reads every page, so its time grows with the file (seconds
// on a 1M-request store): at open it runs only on a store up to
// QUICK_CHECK_AT_OPEN_MAX_BYTES. A larger store is checked in full
// (integrity_check) in the background instead (services/store-integrity-watch.ts).
//
// The store holds its file exclusively (open-database.ts), so no second
// connection can read it while CA Desk runs. The background check therefore
// reads a copy made by SQLite's backup API, which copies pages as they are
// (a damaged page is copied damaged) in small steps between the writer's
// transactions; integrity_check then runs on the copy in a worker thread with
// its own read-only connection, never on the writer's thread.

/** Stores up to this size are quick_checked at open; larger ones in the background. */
export const QUICK_CHECK_AT_OPEN_MAX_BYTES = 64 * 1024 * 1024;

/** quick_check's findings at open (none when sound); `ran` is false when the store is left to the background check. */
export function quickCheckAtOpen(db: Database.Database, file: string, maxBytes = QUICK_CHECK_AT_OPEN_MAX_BYTES): { ran: boolean; problems: string[] } {
  if (file !== ':memory:' && statSync(file).size > maxBytes) return { ran: false, problems: [] };
  const rows = (db.pragma('quick_check') as { quick_check: string }[]).map((r) => r.quick_check);
  return { ran: true, problems: rows.length === 1 && rows[0] === 'ok' ? [] : rows.slice(0, 3).map((p) => `quick_check: ${p}`) };
}

// Plain CommonJS so the worker needs no TypeScript loader (tests, dev and the built app alike).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
let problems;
try {
  const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
  try {
    problems = db.pragma('integrity_check').map((r) => r.integrity_check).filter((p) => p !== 'ok');
  } finally {
    db.close();
  }
} catch (error) {
  problems = ['SQLite reports ' + (error && error.message ? error.message : String(error))];
}
parentPort.postMessage(problems);
`;

/** PRAGMA integrity_check of `file` in a worker thread (read-only connection): its problems, [] when sound. */
export function integrityCheckFile(file: string): Promise<string[]> {
  const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, sqlite } });
    let answered = false;
    worker.once('message', (problems: string[]) => {
      answered = true;
      resolve(problems.map((p) => `integrity_check: ${p}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the integrity check of ${file} stopped (exit code ${code}) without an answer`));
    });
  });
}

export const integrityCopyOf = (file: string) => `${file}.integrity-check`;

/**
 * The full check of an open store: `copy` writes a page-for-page copy of it
 * (Store.copyTo), integrity_check runs on that copy in a worker, the copy is
 * removed. Returns the problems found, [] when sound.
 */
export async function checkOpenStoreIntegrity(file: string, copy: (target: string) => Promise<unknown>): Promise<string[]> {
  const target = integrityCopyOf(file);
  rmSync(target, { force: true });
  preparePrivateFile(target);
  try {
    await copy(target);
    return await integrityCheckFile(target);
  } finally {
    // Unlinking a copy of hundreds of MiB takes a while: off the writer's thread.
    await Promise.all([target, `${target}-wal`, `${target}-shm`].map((f) => rm(f, { force: true })));
  }
}
