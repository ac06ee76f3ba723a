import type Database from 'better-sqlite3';
import type { StoreContext } from './store-context';

// Writes the rows of one enqueue batch: per request its requests row and its
// outbox row, in the caller's transaction. (Its "created" event is the request
// row itself: see migration 004.)
//
// Rows go in multi-row INSERTs of CHUNK requests: a 100k import makes ~3k
// statement calls instead of 200k, and each call's fixed cost (crossing into
// the native module, VDBE start and reset) is paid once per chunk. A chunk
// whose requests share provider, method, operator and batch (an import
// usually does) binds those once, as named parameters, not once per row.
//
// Ids are given explicitly, from max(id) + 1, so the outbox rows can be
// written without reading back each request's rowid; it is the id SQLite
// would choose itself (INTEGER PRIMARY KEY, requests are never deleted), and
// no other writer can interleave: the connection holds the exclusive lock and
// we are inside the batch's transaction.
//
// OR FAIL: a multi-row INSERT that may ABORT makes SQLite keep a statement
// journal to undo its own earlier rows; FAIL needs none. A failure still
// throws, and the caller's transaction rolls the whole batch back.

const CHUNK = 64;

/** Columns that differ from request to request, then those an import usually shares. */
const OWN_COLUMNS = 'id, client_uuid, params, priority, scheduled_date, card_key, card_seq, search_text';
const SHARED_COLUMNS = 'provider, method, type, operator, batch_id, created_at, updated_at, local_state';
const OWN_PARAMS = 8;
const OUTBOX_PARAMS = 6;
const ROW_OWN = '?, ?, ?, ?, ?, ?, ?, ?';
/** Every value bound per row. */
const ROW_ALL = `(${ROW_OWN}, ?, ?, ?, ?, ?, @now, @now, 'QUEUED')`;
/** Shared values bound once per statement. */
const ROW_SHARED = `(${ROW_OWN}, @provider, @method, @type, @operator, @batch_id, @now, @now, 'QUEUED')`;
const OUTBOX_ROW = '(?, ?, ?, ?, ?, ?)';

function insertSql(table: string, columns: string, row: string, rows: number, conflict: 'FAIL' | 'IGNORE' = 'FAIL'): string {
  return `INSERT OR ${conflict} INTO ${table} (${columns}) VALUES ${Array.from({ length: rows }, () => row).join(', ')}`;
}

interface Inserts {
  /** Shared values per row. */
  requests: Database.Statement;
  /** Shared values once, as named parameters. */
  requestsShared: Database.Statement;
  outbox: Database.Statement;
}

function inserts(ctx: StoreContext, rows: number): Inserts {
  const requestColumns = `${OWN_COLUMNS}, ${SHARED_COLUMNS}`;
  return {
    requests: ctx.db.prepare(insertSql('requests', requestColumns, ROW_ALL, rows)),
    requestsShared: ctx.db.prepare(insertSql('requests', requestColumns, ROW_SHARED, rows)),
    outbox: ctx.db.prepare(insertSql('outbox', 'request_id, card_key, card_seq, priority_rank, ready_at, is_head', OUTBOX_ROW, rows)),
  };
}

/** The writer's statements of one connection, prepared on first use: a one-row enqueue builds no SQL text. */
class WriterStatements {
  private chunkInserts?: Inserts;
  private singleInserts?: Inserts;
  private readonly unresolvedInserts: Database.Statement[] = [];

  constructor(private readonly ctx: StoreContext) {}

  get chunk(): Inserts {
    return (this.chunkInserts ??= inserts(this.ctx, CHUNK));
  }

  get single(): Inserts {
    return (this.singleInserts ??= inserts(this.ctx, 1));
  }

  unresolved(rows: number): Database.Statement {
    return (this.unresolvedInserts[rows] ??= this.ctx.db.prepare(insertSql('unresolved_cards', 'card_key', '(?)', rows, 'IGNORE')));
  }
}

const statementsByContext = new WeakMap<StoreContext, WriterStatements>();

function statementsOf(ctx: StoreContext): WriterStatements {
  let statements = statementsByContext.get(ctx);
  if (!statements) {
    statements = new WriterStatements(ctx);
    statementsByContext.set(ctx, statements);
  }
  return statements;
}

/** What one request row holds besides its id and the batch's time. */
export interface NewRequestRow {
  clientUuid: string;
  provider: string;
  method: string;
  type: string;
  json: string;
  priority: string;
  scheduledDate: string | null;
  cardKey: string;
  cardSeq: number;
  operator: string;
  batchId: string | null;
  searchText: string;
  /** Epoch ms when the request may first be sent. */
  readyAt: number;
  isHead: boolean;
}

type Shared = Pick<NewRequestRow, 'provider' | 'method' | 'type' | 'operator' | 'batchId'>;

export class EnqueueWriter {
  private readonly statements: WriterStatements;
  private nextId: number;
  /** OWN_PARAMS values per pending row. */
  private readonly own: unknown[] = [];
  private readonly shared: Shared[] = [];
  /** False once a pending row differs from the first in a shared column. */
  private uniform = true;
  private readonly outbox: unknown[] = [];
  private readonly pendingIndexes: number[] = [];
  private readonly unresolved: string[] = [];

  /** Call inside the batch's transaction. */
  constructor(
    ctx: StoreContext,
    private readonly now: number,
    private readonly onRowWritten?: (index: number) => void,
  ) {
    this.statements = statementsOf(ctx);
    this.nextId = ((ctx.sql('SELECT max(id) FROM requests').pluck().get() as number | null) ?? 0) + 1;
  }

  /** Queues the rows of input `index`; returns the request's id. Written at the latest by flush(). */
  add(index: number, row: NewRequestRow): number {
    const id = this.nextId++;
    this.own.push(id, row.clientUuid, row.json, row.priority, row.scheduledDate, row.cardKey, row.cardSeq, row.searchText);
    const first = this.shared[0];
    if (first !== undefined && this.uniform) {
      this.uniform =
        row.provider === first.provider && row.method === first.method && row.type === first.type &&
        row.operator === first.operator && row.batchId === first.batchId;
    }
    this.shared.push(row);
    this.outbox.push(id, row.cardKey, row.cardSeq, row.priority === 'EXPRESS' ? 1 : 0, row.readyAt, row.isHead ? 1 : 0);
    this.pendingIndexes.push(index);
    if (this.pendingIndexes.length === CHUNK) {
      this.write(this.statements.chunk, 0, CHUNK);
      this.endChunk();
    }
    return id;
  }

  /** Remembers, with the next write, a card key the catalog does not know yet (see rekeyLearnedCards). */
  rememberUnresolved(key: string): void {
    this.unresolved.push(key);
  }

  /** Writes what add() still holds, row by row (fewer than CHUNK rows). */
  flush(): void {
    const rows = this.pendingIndexes.length;
    for (let r = 0; r < rows; r++) this.write(this.statements.single, r, 1);
    this.endChunk();
  }

  // Values go as spread arguments: the native binder reads arguments directly,
  // while the elements of an array argument each take a generic property lookup.
  private write(statements: Inserts, from: number, rows: number): void {
    const whole = rows === this.pendingIndexes.length;
    const own = whole ? this.own : this.own.slice(from * OWN_PARAMS, (from + rows) * OWN_PARAMS);
    if (this.uniform || rows === 1) {
      const s = this.shared[from]!;
      statements.requestsShared.run(
        { provider: s.provider, method: s.method, type: s.type, operator: s.operator, batch_id: s.batchId, now: this.now },
        ...own,
      );
    } else {
      const all: unknown[] = [];
      for (let r = 0; r < rows; r++) {
        const s = this.shared[from + r]!;
        for (let i = r * OWN_PARAMS; i < (r + 1) * OWN_PARAMS; i++) all.push(own[i]);
        all.push(s.provider, s.method, s.type, s.operator, s.batchId);
      }
      statements.requests.run({ now: this.now }, ...all);
    }
    statements.outbox.run(...(whole ? this.outbox : this.outbox.slice(from * OUTBOX_PARAMS, (from + rows) * OUTBOX_PARAMS)));
    if (this.onRowWritten) for (let r = from; r < from + rows; r++) this.onRowWritten(this.pendingIndexes[r]!);
  }

  /** After the pending rows are written: writes the unresolved card keys they named (at most one per row), and empties them. */
  private endChunk(): void {
    if (this.unresolved.length > 0) {
      this.statements.unresolved(this.unresolved.length).run(...this.unresolved);
      this.unresolved.length = 0;
    }
    this.own.length = 0;
    this.shared.length = 0;
    this.uniform = true;
    this.outbox.length = 0;
    this.pendingIndexes.length = 0;
  }
}
