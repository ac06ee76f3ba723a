import { DEFAULT_IDLE_SIGN_OUT_MINUTES } from '../../shared/domain/operators';
import type { OperatorSession as SessionView, OperatorSummary } from '../../shared/ipc/operator-schemas';
import { IpcFailure } from '../../shared/ipc/result';
import type { OperatorRow } from '../store/operators';
import { StoreInputError, type Store } from '../store/store';
import { VaultLockedError, type CredentialVault } from './credential-vault';
import { passwordMatches, signInCheckOf } from './operator-passwords';
import { SignInThrottle, signInKeyOf } from './sign-in-throttle';

// Who is at the desk. The operator recorded on every action is the one signed
// in here, in the back end: no IPC payload and no setting can name another.
// Signing in, switching operator, signing out and failed sign-ins (with a
// lockout: sign-in-throttle.ts) are events of the history chain. Signing out,
// by the operator or after `idleMs` without activity, clears the desk's keys
// from memory (onSignedOut: the desk lock, the sync engine's tokens).

export interface OperatorSessionOptions {
  idleMs?: number;
  /** The session changed (sign-in, switch, sign-out): tell the renderer, reconnect the sync engine. */
  onChange?: (view: SessionView, why: 'signed-in' | 'signed-out') => void;
  /** Clears secrets from memory at sign-out (the desk lock). */
  clearSecrets?: () => void;
  /** Epoch-ms clock of the sign-in lockout (tests move it). */
  clock?: () => number;
}

interface HeadendLogin {
  username: string;
  password?: string;
}

function summary(row: OperatorRow): OperatorSummary {
  return { id: row.id, name: row.name, headendUsername: row.headend_username, headendPasswordSaved: row.headend_password_sealed !== null };
}

export class OperatorSession {
  private current: OperatorRow | null = null;
  private endedBecause: string | null = null;
  /** Who was signed in last (since start): a sign-in after a sign-out is a switch, and says from whom. */
  private previous: string | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly idleMs: number;
  private readonly throttle: SignInThrottle;

  constructor(
    private readonly store: Store,
    private readonly vault: CredentialVault,
    private readonly options: OperatorSessionOptions = {},
  ) {
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_SIGN_OUT_MINUTES * 60_000;
    this.throttle = new SignInThrottle(options.clock);
  }

  view(): SessionView {
    const row = this.current === null ? null : (this.store.operators.byId(this.current.id) ?? null);
    return {
      operator: row === null ? null : summary(row),
      operators: this.store.operators.list().map((o) => o.name),
      idleSignOutMinutes: Math.max(1, Math.round(this.idleMs / 60_000)),
      endedBecause: this.endedBecause,
    };
  }

  /** The signed-in operator's name: the actor of an action. Refuses when nobody is signed in. */
  operatorName(): string {
    if (this.current === null) throw new IpcFailure('UNAUTHORIZED', 'nobody is signed in: sign in to CA Desk first');
    this.touch();
    return this.current.name;
  }

  /** Creates an operator: the first one on a fresh desk (then signed in), later ones by a signed-in operator. */
  create(input: { name: string; password: string; headend?: HeadendLogin }): SessionView {
    const first = this.store.operators.count() === 0;
    if (!first && this.current === null) throw new IpcFailure('UNAUTHORIZED', 'only a signed-in operator can add an operator');
    const actor = first ? input.name : this.current!.name;
    const sealed = input.headend?.password === undefined ? null : this.seal(input.headend.password, 'headend.password');
    let row: OperatorRow;
    try {
      row = this.store.operators.add({ name: input.name, signInCheck: signInCheckOf(input.password), headendUsername: input.headend?.username ?? null, headendPasswordSealed: sealed }, actor);
    } catch (error) {
      if (error instanceof StoreInputError) throw new IpcFailure('CONFLICT', error.message, [...error.errors]);
      throw error;
    }
    if (first) this.begin(row);
    else this.touch();
    return this.view();
  }

  signIn(name: string, password: string): SessionView {
    const row = this.store.operators.byName(name);
    // Keyed on the operator, not the letters typed: "alice operator" is Alice Operator (COLLATE NOCASE) and gets no fresh tries.
    const key = signInKeyOf(name, row?.id ?? null);
    const wait = this.throttle.lockedFor(key);
    if (wait > 0) {
      const message = `too many failed sign-ins as ${name}: try again in ${Math.ceil(wait / 1000)} s`;
      throw new IpcFailure('UNAUTHORIZED', message, [{ field: 'password', message }]);
    }
    // One answer and one KDF run for an unknown name and a wrong password: neither the screen nor the time tells names apart.
    const matches = passwordMatches(row?.sign_in_check ?? null, password);
    if (!row || !matches) {
      const { failures, lockedForMs } = this.throttle.failed(key);
      // The chain keeps what it is given for ever: an operator's own name, never an unknown one as typed (it may be a password typed in the wrong field), and never the password.
      const who = row ? { operator: row.name } : { operator: null, unknown_name_length: name.length };
      this.store.operators.record('desk.sign_in_failed', 'desk', { ...who, failures, locked_for_s: lockedForMs / 1000 });
      throw new IpcFailure('UNAUTHORIZED', 'wrong operator name or password', [{ field: 'password', message: 'wrong operator name or password' }]);
    }
    this.throttle.succeeded(key);
    this.begin(row);
    return this.view();
  }

  signOut(reason: 'signed out' | 'inactivity' = 'signed out'): SessionView {
    this.stopIdleTimer();
    const was = this.current;
    this.current = null;
    this.endedBecause = reason === 'signed out' ? null : reason;
    this.options.clearSecrets?.();
    if (was !== null) {
      this.store.operators.record('desk.signed_out', was.name, { operator: was.name, reason });
      this.options.onChange?.(this.view(), 'signed-out');
    }
    return this.view();
  }

  /** Operator activity: restarts the inactivity clock (the renderer reports input; every action counts). */
  touch(): SessionView {
    if (this.current !== null) this.startIdleTimer();
    return this.view();
  }

  /** Replaces the signed-in operator's own head-end login (null: use the shared one of Settings). */
  setHeadendLogin(headend: HeadendLogin | null): SessionView {
    const actor = this.operatorName();
    const sealed = headend?.password === undefined ? null : this.seal(headend.password, 'headend.password');
    this.store.operators.setHeadendLogin(this.current!.id, headend?.username ?? null, sealed, actor);
    this.current = this.store.operators.byId(this.current!.id) ?? null;
    this.options.onChange?.(this.view(), 'signed-in');
    return this.view();
  }

  /**
   * The head-end login of the signed-in operator, when they have their own:
   * 'locked' when their password is saved but the vault cannot open it now.
   */
  headendLogin(): { username: string; password: string | null } | 'locked' | null {
    const row = this.current === null ? null : this.store.operators.byId(this.current.id);
    if (!row || row.headend_username === null) return null;
    if (row.headend_password_sealed === null) return { username: row.headend_username, password: null };
    if (!this.vault.isUnlocked()) return 'locked';
    try {
      return { username: row.headend_username, password: this.vault.decrypt(Buffer.from(row.headend_password_sealed, 'base64')) };
    } catch {
      return 'locked';
    }
  }

  close(): void {
    this.stopIdleTimer();
    this.current = null;
  }

  private begin(row: OperatorRow): void {
    const before = this.current;
    if (before === null) this.store.operators.record('desk.signed_in', row.name, { operator: row.name, previous: this.previous });
    else if (before.id !== row.id) this.store.operators.record('desk.operator_switched', row.name, { before: before.name, after: row.name });
    this.current = row;
    this.previous = row.name;
    this.endedBecause = null;
    this.startIdleTimer();
    this.options.onChange?.(this.view(), 'signed-in');
  }

  private seal(secret: string, field: string): string {
    try {
      return this.vault.encrypt(secret).toString('base64');
    } catch (error) {
      // No keychain and the passphrase not entered: refuse, never save it in clear.
      if (error instanceof VaultLockedError) throw new IpcFailure('CONFLICT', error.message, [{ field, message: error.message }]);
      throw error;
    }
  }

  private startIdleTimer(): void {
    this.stopIdleTimer();
    this.idleTimer = setTimeout(() => this.signOut('inactivity'), this.idleMs);
    this.idleTimer.unref();
  }

  private stopIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}
