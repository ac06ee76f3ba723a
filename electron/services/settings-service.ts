import { SANDBOX_CAPABILITIES, type CrmcomCapabilities } from '../../shared/domain/crmcom-v4';
import { sendableKinds } from '../../shared/domain/headend-sendability';
import {
  connectionSettingsSchema,
  DEFAULT_CRMCOM_CONNECTION,
  type ConnectionSettings,
  type SendableKinds,
  type SettingsView,
} from '../../shared/ipc/app-schemas';
import { IpcFailure } from '../../shared/ipc/result';
import { VaultLockedError, type SealedPassword, type SettingsStore } from './credential-vault';

// Connection settings live in the store's settings as JSON (no secrets); the
// password and the CRM.COM Web API key are write-only and sealed
// (credential-vault.ts).

const CONNECTIONS_KEY = 'console.connections';

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
  constructor(
    private readonly settings: SettingsStore,
    private readonly password: SealedPassword,
    private readonly webApiKey: SealedPassword | null = null,
  ) {}

  connections(): ConnectionSettings {
    const raw = this.settings.getSetting(CONNECTIONS_KEY);
    if (raw === undefined) return DEFAULT_CONNECTIONS;
    try {
      const parsed = connectionSettingsSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : DEFAULT_CONNECTIONS;
    } catch {
      return DEFAULT_CONNECTIONS;
    }
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
    return this.password.read();
  }

  /** A Web API key is saved but the vault cannot open it now (the desk is locked). */
  webApiKeyLocked(): boolean {
    return (this.webApiKey?.isSaved() ?? false) && this.savedWebApiKey() === null;
  }

  savedWebApiKey(): string | null {
    return this.webApiKey?.read() ?? null;
  }

  /** What the renderer may see: never the password or the key. */
  view(): SettingsView {
    return {
      connections: this.connections(),
      passwordSaved: this.password.isSaved(),
      credentialProtection: this.password.protection,
      webApiKeySaved: this.webApiKey?.isSaved() ?? false,
    };
  }

  /** Returns true when the sync engine must be rebuilt (where or how to connect changed). */
  update(input: { connections?: ConnectionSettings; password?: string | null; webApiKey?: string | null }): boolean {
    let reconnect = false;
    if (input.connections !== undefined) {
      reconnect = JSON.stringify(input.connections) !== JSON.stringify(this.connections());
      this.settings.setSetting(CONNECTIONS_KEY, JSON.stringify(input.connections));
    }
    if (input.password !== undefined) {
      saveSealed(this.password, input.password, 'password');
      reconnect = true;
    }
    if (input.webApiKey !== undefined) {
      if (this.webApiKey === null) throw new IpcFailure('CONFLICT', 'this desk cannot keep a Web API key', [{ field: 'webApiKey', message: 'not supported here' }]);
      saveSealed(this.webApiKey, input.webApiKey, 'webApiKey');
      reconnect = true;
    }
    return reconnect;
  }
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
