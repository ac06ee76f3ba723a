import type { DeskEventKind } from '../../shared/domain/operators';
import { StoreInputError } from './errors';
import type { StoreContext } from './store-context';

// The operators table (migration 010) and desk-level audit events. The store
// only keeps what the services hand it: the sign-in password's scrypt check and
// the head-end password already sealed by the vault (services/operator-session.ts).

export interface OperatorRow {
  id: number;
  name: string;
  sign_in_check: string;
  headend_username: string | null;
  headend_password_sealed: string | null;
  created_at: number;
}

export interface NewOperator {
  name: string;
  signInCheck: string;
  headendUsername: string | null;
  headendPasswordSealed: string | null;
}

const COLUMNS = 'id, name, sign_in_check, headend_username, headend_password_sealed, created_at';

export class OperatorTable {
  constructor(private readonly ctx: StoreContext) {}

  list(): OperatorRow[] {
    return this.ctx.sql(`SELECT ${COLUMNS} FROM operators ORDER BY name COLLATE NOCASE`).all() as OperatorRow[];
  }

  count(): number {
    return this.ctx.sql('SELECT count(*) FROM operators').pluck().get() as number;
  }

  byName(name: string): OperatorRow | undefined {
    return this.ctx.sql(`SELECT ${COLUMNS} FROM operators WHERE name = ?`).get(name) as OperatorRow | undefined;
  }

  byId(id: number): OperatorRow | undefined {
    return this.ctx.sql(`SELECT ${COLUMNS} FROM operators WHERE id = ?`).get(id) as OperatorRow | undefined;
  }

  /** Adds an operator and its audit event in one transaction; `actor` is who added it (the new operator at first run). */
  add(input: NewOperator, actor: string): OperatorRow {
    return this.ctx.db.transaction(() => {
      if (this.byName(input.name)) throw new StoreInputError(`an operator named ${input.name} already exists`, [{ field: 'name', message: `an operator named ${input.name} already exists` }]);
      const at = this.ctx.now();
      const id = this.ctx
        .sql('INSERT INTO operators (name, sign_in_check, headend_username, headend_password_sealed, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(input.name, input.signInCheck, input.headendUsername, input.headendPasswordSealed, at).lastInsertRowid as number;
      this.ctx.deskEvent('desk.operator_added', actor, { operator: input.name, headend_username: input.headendUsername, headend_password: input.headendPasswordSealed === null ? 'none' : 'saved' }, at);
      return this.byId(id)!;
    })();
  }

  /** Replaces the operator's own head-end login (password already sealed), recorded before/after. */
  setHeadendLogin(id: number, username: string | null, passwordSealed: string | null, actor: string): void {
    this.ctx.db.transaction(() => {
      const before = this.byId(id);
      if (!before) throw new StoreInputError(`operator ${id} does not exist`, [{ field: 'operator', message: `operator ${id} does not exist` }]);
      this.ctx.sql('UPDATE operators SET headend_username = ?, headend_password_sealed = ? WHERE id = ?').run(username, passwordSealed, id);
      this.ctx.deskEvent('desk.credentials_changed', actor, {
        operator: before.name,
        before: { headend_username: before.headend_username, headend_password: before.headend_password_sealed === null ? 'none' : 'saved' },
        after: { headend_username: username, headend_password: passwordSealed === null ? 'none' : 'saved' },
      });
    })();
  }

  /** Appends a desk event to the history chain (its own transaction). */
  record(kind: DeskEventKind, actor: string, detail: Record<string, unknown> | null): void {
    this.ctx.db.transaction(() => this.ctx.deskEvent(kind, actor, detail))();
  }
}
