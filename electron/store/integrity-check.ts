import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { rm, stat, statfs } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { preparePrivateFile } from './private-files';

// How a damaged page inside the store is found without making the operator
// wait. quick_check reads every page, so its time grows with the file (seconds
// on a 1M-request store): at open it runs only on a store up to
// QUICK_CHECK_AT_OPEN_MAX_BYTES. A larger store is checked in full
// (integrity_check) in the background instead (services/store-upkeep.ts).
//
// The store holds its file exclusively (open-database.ts), so no second
// connection can read it while CA Desk runs. The background check therefore
// reads a copy made by SQLite's backup API, which copies pages as they are
// (a damaged page is copied damaged) in small steps between the writer's
// transactions; integrity_check then runs on the copy in a worker thread with
// its own read-only connection, never on the writer's thread.
//
// Only SQLite's word is damage: rows from integrity_check, or SQLITE_CORRUPT /
// SQLITE_NOTADB from the copy or the check. Any other failure (no disk space
// for the copy, a worker that cannot load better-sqlite3) means the check could
// not run (IntegrityCheckCouldNotRun): holding sending for it would stop a sound
// desk, so the caller logs it and tries again at the next schedule.

/** Stores up to this size are quick_checked at open; larger ones in the background. */
export const QUICK_CHECK_AT_OPEN_MAX_BYTES = 64 * 1024 * 1024;

/** quick_check's findings at open (none when sound); `ran` is false when the store is left to the background check. */
export function quickCheckAtOpen(db: Database.Database, file: string, maxBytes = QUICK_CHECK_AT_OPEN_MAX_BYTES): { ran: boolean; problems: string[] } {
  if (file !== ':memory:' && statSync(file).size > maxBytes) return { ran: false, problems: [] };
  const rows = (db.pragma('quick_check') as { quick_check: string }[]).map((r) => r.quick_check);
  return { ran: true, problems: rows.length === 1 && rows[0] === 'ok' ? [] : rows.slice(0, 3).map((p) => `quick_check: ${p}`) };
}

/** The check did not run (no space for the copy, a worker that failed): says nothing about the store. */
export class IntegrityCheckCouldNotRun extends Error {}

/** Free space kept beyond the copy's size, so the check never fills the disk the writer needs. */
export const INTEGRITY_COPY_SPARE_BYTES = 64 * 1024 * 1024;

/** SQLite's own word that a file is damaged (extended codes such as SQLITE_CORRUPT_INDEX included). */
const DAMAGE_CODE = /^SQLITE_(CORRUPT|NOTADB)/;
const isDamageError = (error: unknown): boolean => typeof (error as { code?: unknown } | null)?.code === 'string' && DAMAGE_CODE.test((error as { code: string }).code);
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

// Plain CommonJS so the worker needs no TypeScript loader (tests, dev and the built app alike).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
try {
  const Database = require(workerData.sqlite);
  const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
  try {
    parentPort.postMessage({ problems: db.pragma('integrity_check').map((r) => r.integrity_check).filter((p) => p !== 'ok') });
  } finally {
    db.close();
  }
} catch (error) {
  const message = error && error.message ? error.message : String(error);
  if (error && typeof error.code === 'string' && new RegExp(workerData.damageCode).test(error.code)) parentPort.postMessage({ problems: ['SQLite reports ' + message] });
  else parentPort.postMessage({ failure: message });
}
`;

/**
 * PRAGMA integrity_check of `file` in a worker thread (read-only connection):
 * its problems, [] when sound; IntegrityCheckCouldNotRun when it did not run.
 */
export function integrityCheckFile(file: string): Promise<string[]> {
  const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, sqlite, damageCode: DAMAGE_CODE.source } });
    let answered = false;
    worker.once('message', (answer: { problems: string[] } | { failure: string }) => {
      answered = true;
      if ('failure' in answer) reject(new IntegrityCheckCouldNotRun(answer.failure));
      else resolve(answer.problems.map((p) => `integrity_check: ${p}`));
    });
    worker.once('error', (error) => reject(new IntegrityCheckCouldNotRun(messageOf(error))));
    worker.once('exit', (code) => {
      if (!answered) reject(new IntegrityCheckCouldNotRun(`the integrity check of ${file} stopped (exit code ${code}) without an answer`));
    });
  });
}

export const integrityCopyOf = (file: string) => `${file}.integrity-check`;
const copyFilesOf = (target: string) => [target, `${target}-wal`, `${target}-shm`];

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/** Refuses to start a copy the disk cannot hold with `spareBytes` to spare. */
async function ensureSpaceForCopy(file: string, spareBytes: number): Promise<void> {
  const needed = (await sizeOf(file)) + (await sizeOf(`${file}-wal`)) + spareBytes;
  const disk = await statfs(path.dirname(file));
  const free = disk.bavail * disk.bsize;
  if (free < needed) throw new IntegrityCheckCouldNotRun(`not enough free disk space for the copy: ${mib(free)} free, ${mib(needed)} needed`);
}
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/**
 * The full check of an open store: `copy` writes a page-for-page copy of it
 * (Store.copyTo), integrity_check runs on that copy in a worker, the copy is
 * removed. Returns the problems found, [] when sound; throws
 * IntegrityCheckCouldNotRun when the check did not run.
 */
export async function checkOpenStoreIntegrity(file: string, copy: (target: string) => Promise<unknown>, spareBytes = INTEGRITY_COPY_SPARE_BYTES): Promise<string[]> {
  const target = integrityCopyOf(file);
  const removeCopy = () => Promise.all(copyFilesOf(target).map((f) => rm(f, { force: true })));
  try {
    // A copy left by a check cut short (and its -wal, whose frames SQLite would read into the new copy) goes first.
    await removeCopy();
    await ensureSpaceForCopy(file, spareBytes);
    preparePrivateFile(target);
    try {
      await copy(target);
    } catch (error) {
      // The backup stops at a page SQLite cannot read: that is damage; any other failure (ENOSPC, EIO on the copy) is not.
      if (isDamageError(error)) return [`integrity_check: the copy stopped at a damaged page: ${messageOf(error)}`];
      throw error;
    }
    return await integrityCheckFile(target);
  } catch (error) {
    throw error instanceof IntegrityCheckCouldNotRun ? error : new IntegrityCheckCouldNotRun(messageOf(error));
  } finally {
    // Unlinking a copy of hundreds of MiB takes a while: off the writer's thread.
    await removeCopy().catch(() => undefined);
  }
}
