import { connectionSettingsSchema, type ConnectionSettings, type SettingsView } from '../../shared/ipc/app-schemas';
import { IpcFailure } from '../../shared/ipc/result';
import { VaultLockedError, type SealedPassword, type SettingsStore } from './credential-vault';

// Connection settings live in the store's settings as JSON (no secrets); the
// password is write-only and sealed (credential-vault.ts).

const CONNECTIONS_KEY = 'console.connections';

export const DEFAULT_CONNECTIONS: ConnectionSettings = {
  mode: 'embedded',
  nagravision: { host: '127.0.0.1', port: 7001, destination_id: 'SANDBOX-NAGRA-1', timeout_ms: 10_000 },
  conax: { base_url: 'http://127.0.0.1:7002', timeout_ms: 10_000 },
  login: { username: 'operator', organisation: 'SANDBOX' },
};

export class SettingsService {
  constructor(
    private readonly settings: SettingsStore,
    private readonly password: SealedPassword,
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

  savedPassword(): string | null {
    return this.password.read();
  }

  /** What the renderer may see: never the password. */
  view(): SettingsView {
    return {
      connections: this.connections(),
      passwordSaved: this.password.isSaved(),
      credentialProtection: this.password.protection,
    };
  }

  /** Returns true when the sync engine must be rebuilt (where or how to connect changed). */
  update(input: { connections?: ConnectionSettings; password?: string | null }): boolean {
    let reconnect = false;
    if (input.connections !== undefined) {
      reconnect = JSON.stringify(input.connections) !== JSON.stringify(this.connections());
      this.settings.setSetting(CONNECTIONS_KEY, JSON.stringify(input.connections));
    }
    if (input.password !== undefined) {
      try {
        this.password.save(input.password);
      } catch (error) {
        // No keychain and the passphrase not entered: refuse, never save it in clear.
        if (error instanceof VaultLockedError) throw new IpcFailure('CONFLICT', error.message, [{ field: 'password', message: error.message }]);
        throw error;
      }
      reconnect = true;
    }
    return reconnect;
  }
}
