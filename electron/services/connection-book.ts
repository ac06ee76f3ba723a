import { randomBytes } from 'node:crypto';
import {
  connectionBookSchema,
  MAX_CONNECTIONS,
  type ConnectionBook,
  type ConnectionEntry,
  type ConnectionList,
} from '../../shared/ipc/connection-book-schemas';
import { connectionSettingsSchema, type ConnectionSettings } from '../../shared/ipc/app-schemas';
import { IpcFailure } from '../../shared/ipc/result';
import { SealedPassword, WEB_API_KEY_KEY, PASSWORD_KEY, type CredentialVault, type SettingsStore } from './credential-vault';

// The saved head-end connections and which one is active, kept in the store's
// settings as JSON (no secret). Each connection's password and Web API key are
// sealed under keys of their own; the first connection keeps the keys a desk
// had before it could hold several, so an upgraded desk keeps its secrets.

const BOOK_KEY = 'console.connection-book';
/** Where an unreadable book is kept, untouched, once an operator saves a new one over it. */
const UNREADABLE_BOOK_KEY = 'console.connection-book.unreadable';
/** Where a desk with one connection kept it; read once to build the book, then removed. */
const SINGLE_CONNECTION_KEY = 'console.connections';
export const FIRST_CONNECTION_ID = 'default';

export type SecretKind = 'password' | 'webApiKey';

function secretKey(id: string, kind: SecretKind): string {
  if (id === FIRST_CONNECTION_ID) return kind === 'password' ? PASSWORD_KEY : WEB_API_KEY_KEY;
  return `console.connection.${id}.${kind === 'password' ? 'login_password' : 'web_api_key'}.sealed`;
}

function parseJson<T>(raw: string | undefined, parse: (v: unknown) => { success: boolean; data?: T }): T | null {
  if (raw === undefined) return null;
  try {
    const parsed = parse(JSON.parse(raw));
    return parsed.success ? (parsed.data as T) : null;
  } catch {
    return null;
  }
}

/** Where a connection points, in words for the list. */
export function connectionTarget(c: ConnectionSettings): string {
  if (c.mode === 'embedded') return 'embedded sandbox';
  if (c.profile === 'crmcom-v4') return c.crmcom.base_url;
  return `${c.nagravision.host}:${c.nagravision.port} (Nagravision), ${c.conax.base_url} (Conax)`;
}

export class ConnectionBookStore {
  constructor(
    private readonly settings: SettingsStore,
    private readonly vault: CredentialVault,
    private readonly defaults: ConnectionSettings,
  ) {}

  /**
   * Why the saved connections cannot be read (a damaged or hand-edited
   * setting), or null. The desk then shows the defaults but sends nothing
   * (runtime.ts holds the engine) until an operator saves connections again;
   * the unreadable text is kept aside, never overwritten.
   */
  unreadable(): string | null {
    const raw = this.settings.getSetting(BOOK_KEY);
    if (raw === undefined || parseJson(raw, (v) => connectionBookSchema.safeParse(v)) !== null) return null;
    return `the saved head-end connections cannot be read (setting ${BOOK_KEY}): nothing is sent until they are saved again in Settings › Connections`;
  }

  /**
   * The active connection's settings as the unreadable text still gives them,
   * or null. Read loosely (a newer or hand-edited book fails the strict
   * schema), and used only to compare where requests went: a missing field
   * makes the target differ from any real one, which is the safe side.
   */
  unreadableActiveSettings(): ConnectionSettings | null {
    try {
      const raw = JSON.parse(this.settings.getSetting(BOOK_KEY) ?? 'null') as { active?: unknown; entries?: unknown } | null;
      const entries = Array.isArray(raw?.entries) ? (raw.entries as { id?: unknown; settings?: unknown }[]) : [];
      const settings = entries.find((e) => e !== null && typeof e === 'object' && e.id === raw?.active)?.settings as Partial<ConnectionSettings> | undefined;
      if (settings?.mode !== 'embedded' && settings?.mode !== 'remote') return null;
      return { ...settings, crmcom: settings.crmcom ?? {}, nagravision: settings.nagravision ?? {}, conax: settings.conax ?? {}, login: settings.login ?? {} } as ConnectionSettings;
    } catch {
      return null;
    }
  }

  book(): ConnectionBook {
    const saved = parseJson(this.settings.getSetting(BOOK_KEY), (v) => connectionBookSchema.safeParse(v));
    if (saved) return saved;
    // Unreadable (see unreadable()) or never saved: the one-connection setting or the defaults.
    const single = parseJson(this.settings.getSetting(SINGLE_CONNECTION_KEY), (v) => connectionSettingsSchema.safeParse(v)) ?? this.defaults;
    const name = single.mode === 'embedded' ? 'Embedded sandbox' : 'Head-end';
    return { active: FIRST_CONNECTION_ID, entries: [{ id: FIRST_CONNECTION_ID, name, settings: single }] };
  }

  active(): ConnectionEntry {
    const book = this.book();
    // connectionBookSchema proves the active id is in the list.
    return book.entries.find((e) => e.id === book.active) as ConnectionEntry;
  }

  secret(id: string, kind: SecretKind): SealedPassword {
    return new SealedPassword(this.settings, this.vault, secretKey(id, kind));
  }

  list(): ConnectionList {
    const book = this.book();
    return {
      connections: book.entries.map((e) => ({
        id: e.id,
        name: e.name,
        active: e.id === book.active,
        mode: e.settings.mode,
        profile: e.settings.profile,
        target: connectionTarget(e.settings),
        passwordSaved: this.secret(e.id, 'password').isSaved(),
        webApiKeySaved: this.secret(e.id, 'webApiKey').isSaved(),
      })),
    };
  }

  /** Adds a connection (no id) or replaces a saved one's name and settings; returns its id. */
  save(input: { id?: string; name: string; settings: ConnectionSettings }): string {
    const book = this.book();
    const clash = book.entries.find((e) => e.id !== input.id && e.name.toLowerCase() === input.name.toLowerCase());
    if (clash) throw new IpcFailure('CONFLICT', `a connection named "${clash.name}" exists`, [{ field: 'name', message: 'already used by another connection' }]);
    if (input.id === undefined) {
      if (book.entries.length >= MAX_CONNECTIONS) throw new IpcFailure('CONFLICT', `at most ${MAX_CONNECTIONS} connections`);
      const id = newConnectionId(input.name, book);
      this.write({ ...book, entries: [...book.entries, { id, name: input.name, settings: input.settings }] });
      return id;
    }
    if (!book.entries.some((e) => e.id === input.id)) throw new IpcFailure('NOT_FOUND', `no connection ${input.id}`);
    this.write({ ...book, entries: book.entries.map((e) => (e.id === input.id ? { id: e.id, name: input.name, settings: input.settings } : e)) });
    return input.id;
  }

  /** The active connection's settings replaced (Settings' form). */
  saveActive(settings: ConnectionSettings): void {
    const book = this.book();
    this.write({ ...book, entries: book.entries.map((e) => (e.id === book.active ? { ...e, settings } : e)) });
  }

  activate(id: string): void {
    const book = this.book();
    if (!book.entries.some((e) => e.id === id)) throw new IpcFailure('NOT_FOUND', `no connection ${id}`);
    this.write({ ...book, active: id });
  }

  /** Forgets a connection that is not active, and its sealed secrets. */
  remove(id: string): ConnectionEntry {
    const book = this.book();
    const entry = book.entries.find((e) => e.id === id);
    if (!entry) throw new IpcFailure('NOT_FOUND', `no connection ${id}`);
    if (id === book.active) throw new IpcFailure('CONFLICT', 'the active connection cannot be removed: make another one active first');
    this.write({ ...book, entries: book.entries.filter((e) => e.id !== id) });
    this.secret(id, 'password').save(null);
    this.secret(id, 'webApiKey').save(null);
    return entry;
  }

  private write(book: ConnectionBook): void {
    if (this.unreadable() !== null && this.settings.getSetting(UNREADABLE_BOOK_KEY) === undefined) {
      this.settings.setSetting(UNREADABLE_BOOK_KEY, this.settings.getSetting(BOOK_KEY) ?? null);
    }
    this.settings.setSetting(BOOK_KEY, JSON.stringify(connectionBookSchema.parse(book)));
    this.settings.setSetting(SINGLE_CONNECTION_KEY, null);
  }
}

function newConnectionId(name: string, book: ConnectionBook): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 30) || 'connection';
  for (let attempt = 0; attempt < 10; attempt++) {
    const id = `${slug}-${randomBytes(3).toString('hex')}`;
    if (!book.entries.some((e) => e.id === id)) return id;
  }
  throw new Error('could not choose a free connection id');
}
