import type { LocalState } from '../../shared/domain/local-request';

/** Base class of every error the store throws on purpose. */
export class StoreError extends Error {
  override name = 'StoreError';
}

/** Another connection (almost always another CA Desk process) holds the database. */
export class StoreLockedError extends StoreError {
  override name = 'StoreLockedError';
  constructor(readonly file: string) {
    super(
      `The local database ${file} is in use by another CA Desk process (or another store in this process). ` +
        'Only one CA Desk may run on a database at a time: close the other one and try again.',
    );
  }
}

/** The database was written by a newer CA Desk than this one. */
export class StoreTooNewError extends StoreError {
  override name = 'StoreTooNewError';
  constructor(
    readonly file: string,
    readonly foundVersion: number,
    readonly supportedVersion: number,
  ) {
    super(
      `The local database ${file} has schema version ${foundVersion}, newer than the ${supportedVersion} this CA Desk knows. ` +
        'Update CA Desk; the database was left untouched.',
    );
  }
}

export class RequestNotFoundError extends StoreError {
  override name = 'RequestNotFoundError';
  constructor(readonly requestId: number) {
    super(`No local request with id ${requestId}.`);
  }
}

/** A state change that the request's current state does not allow. */
export class InvalidTransitionError extends StoreError {
  override name = 'InvalidTransitionError';
  constructor(
    readonly requestId: number,
    readonly from: LocalState,
    readonly action: string,
    readonly allowedFrom: readonly LocalState[],
    detail?: string,
  ) {
    super(
      `Request ${requestId} is ${from}: ${action} is allowed only from ${allowedFrom.join(', ')}` +
        (detail ? ` (${detail})` : '') +
        '.',
    );
  }
}

/** Arguments of a store call that are not valid (a typed field list, never the values). */
export class StoreInputError extends StoreError {
  override name = 'StoreInputError';
  constructor(
    message: string,
    readonly errors: readonly { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/**
 * The store file is damaged, emptied, replaced or its history was rewritten:
 * CA Desk does not open it (it would start empty or fail call by call). The
 * message names the file and the ways out.
 */
export class StoreDamagedError extends StoreError {
  override name = 'StoreDamagedError';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
    /** Found while opening (nothing opened), or by an action on an open store (that action rolled back). */
    phase: 'open' | 'in use' = 'open',
  ) {
    const changed = phase === 'open' ? 'CA Desk did not open it and changed nothing.' : 'The action failed and changed nothing; do not go on working on this store.';
    super(`The local database ${file} cannot be trusted: ${problems.slice(0, 3).join('; ')}. ${changed} ${storeWaysOut(file)}`);
  }
}

/** What the operator can do about a damaged store `file` (the message at open and the status bar's). */
export function storeWaysOut(file: string): string {
  return (
    `Ways out: open it read-only and export what can still be read (npm run audit:verify -- --export json ${file}), ` +
    `restore the latest backup (npm run store:restore -- ${file}; backups are in ${file}.backups), ` +
    'or move the file and its .marker away to start an empty store.'
  );
}

/** SQLite's own word that the file is damaged, as a StoreDamagedError naming the ways out; other errors as they are. */
export function asDamaged(file: string, error: unknown, phase: 'open' | 'in use' = 'open'): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'))) {
    const where = phase === 'open' ? 'quick_check: ' : '';
    return new StoreDamagedError(file, [`${where}SQLite reports ${(error as Error).message}`], phase);
  }
  return error;
}
