import { SANDBOX_CAPABILITIES, type CrmcomCapabilities } from '../../shared/domain/crmcom-v4';
import { sendableKinds } from '../../shared/domain/headend-sendability';
import {
  DEFAULT_CRMCOM_CONNECTION,
  type ConnectionSettings,
  type SendableKinds,
  type SettingsView,
} from '../../shared/ipc/app-schemas';
import { IpcFailure } from '../../shared/ipc/result';
import type { ConnectionList } from '../../shared/ipc/connection-book-schemas';
import { ConnectionBookStore, type SecretKind } from './connection-book';
import { secretsNoLongerApply } from './connection-change';
import { VaultLockedError, type CredentialVault, type SealedPassword, type SettingsStore } from './credential-vault';

// The settings of the active head-end connection (connection-book.ts keeps
// them, as JSON with no secret); its password and CRM.COM Web API key are
// write-only and sealed (credential-vault.ts).

/**
 * A new desk trains on the embedded sandbox speaking the CRM.COM V4 profile,
 * what operators meet on a real server; the TCP gateway stays selectable.
 */
export const DEFAULT_CONNECTIONS: ConnectionSettings = {
  mode: 'embedded',
  profile: 'crmcom-v4',
  crmcom: DEFAULT_CRMCOM_CONNECTION,
  nagravision: { host: '127.0.0.1', port: 7001, destination_id: 'SANDBOX-NAGRA-1', timeout_ms: 10_000 },
  conax: { base_url: 'http://127.0.0.1:7002', timeout_ms: 10_000 },
  login: { username: 'operator', organisation: 'SANDBOX' },
};

export class SettingsService {
  readonly book: ConnectionBookStore;

  constructor(settings: SettingsStore, vault: CredentialVault) {
    this.book = new ConnectionBookStore(settings, vault, DEFAULT_CONNECTIONS);
  }

  connections(): ConnectionSettings {
    return this.book.active().settings;
  }

  /** The active connection's sealed secret of this kind. */
  private secret(kind: SecretKind): SealedPassword {
    return this.book.secret(this.book.active().id, kind);
  }

  listConnections(): ConnectionList {
    return this.book.list();
  }

  /** The undocumented calls the connection may use: all of them on the embedded sandbox, the operator's choice on a real server. */
  capabilities(): CrmcomCapabilities {
    const c = this.connections();
    return c.mode === 'embedded' ? SANDBOX_CAPABILITIES : c.crmcom.capabilities;
  }

  /** Which request kinds the connection can send, and why not. */
  sendable(): SendableKinds {
    const profile = this.connections().profile;
    return { profile, kinds: sendableKinds(profile, this.capabilities()) };
  }

  /** Why the connection cannot send this kind, or null (unknown kinds are left to the params check). */
  notSendable(provider: string, method: string): string | null {
    const kind = this.sendable().kinds.find((k) => k.provider === provider && k.method === method);
    return kind && !kind.sendable ? kind.reason : null;
  }

  savedPassword(): string | null {
    return this.secret('password').read();
  }

  /** A password is saved but the vault cannot open it now (the desk is locked). */
  passwordLocked(): boolean {
    return this.secret('password').isSaved() && this.savedPassword() === null;
  }

  /** A Web API key is saved but the vault cannot open it now (the desk is locked). */
  webApiKeyLocked(): boolean {
    return this.secret('webApiKey').isSaved() && this.savedWebApiKey() === null;
  }

  savedWebApiKey(): string | null {
    return this.secret('webApiKey').read();
  }

  /** What the renderer may see: never the password or the key. */
  view(): SettingsView {
    const password = this.secret('password');
    return {
      connections: this.connections(),
      passwordSaved: password.isSaved(),
      credentialProtection: password.protection,
      webApiKeySaved: this.secret('webApiKey').isSaved(),
      connection: { id: this.book.active().id, name: this.book.active().name },
    };
  }

  /** Returns true when the sync engine must be rebuilt (where or how to connect changed). */
  update(input: SecretsInput & { connections?: ConnectionSettings }): boolean {
    // Saving over unreadable connections releases the held engine.
    let reconnect = this.book.unreadable() !== null;
    let secrets: SecretsInput = input;
    if (input.connections !== undefined) {
      const before = this.connections();
      reconnect ||= JSON.stringify(input.connections) !== JSON.stringify(before);
      secrets = secretsAfterEdit(before, input.connections, input);
      this.book.saveActive(input.connections);
    }
    return this.saveSecrets(this.book.active().id, secrets) || reconnect;
  }

  /** Saves the write-only secrets given for a connection; true when any was given. */
  saveSecrets(id: string, input: SecretsInput): boolean {
    if (input.password !== undefined) saveSealed(this.book.secret(id, 'password'), input.password, 'password');
    if (input.webApiKey !== undefined) saveSealed(this.book.secret(id, 'webApiKey'), input.webApiKey, 'webApiKey');
    return input.password !== undefined || input.webApiKey !== undefined;
  }
}

export interface SecretsInput {
  password?: string | null;
  webApiKey?: string | null;
}

/**
 * The secrets to save when a connection's settings change from `before` to
 * `after`: when it now points at another server or login, a secret not given
 * again is forgotten (null), so a password given for one server is never sent
 * to another.
 */
export function secretsAfterEdit(before: ConnectionSettings | null, after: ConnectionSettings, input: SecretsInput): SecretsInput {
  if (before === null || !secretsNoLongerApply(before, after)) return input;
  return { password: input.password === undefined ? null : input.password, webApiKey: input.webApiKey === undefined ? null : input.webApiKey };
}

function saveSealed(sealed: SealedPassword, value: string | null, field: string): void {
  try {
    sealed.save(value);
  } catch (error) {
    // No keychain and the passphrase not entered: refuse, never save it in clear.
    if (error instanceof VaultLockedError) throw new IpcFailure('CONFLICT', error.message, [{ field, message: error.message }]);
    throw error;
  }
}
