import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// Credentials never rest in clear. The password is sealed by a vault and the
// ciphertext (base64) kept in the store's settings:
//  - Electron: safeStorage (OS keychain / DPAPI / libsecret), see electron/main;
//  - browser mode (plain Node): AES-256-GCM with a random key in a 0600 file
//    beside the database, so the SQLite file alone never reveals it.

export interface CredentialVault {
  readonly protection: 'os-keychain' | 'local-key-file';
  encrypt(plain: string): Buffer;
  decrypt(sealed: Buffer): string;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function createKeyFileVault(dataDir: string): CredentialVault {
  const keyFile = path.join(dataDir, 'credentials.key');
  let key: Buffer;
  if (existsSync(keyFile)) {
    key = readFileSync(keyFile);
    if (key.length !== KEY_BYTES) throw new Error(`${keyFile} is not a ${KEY_BYTES}-byte key; delete it and save the password again`);
  } else {
    mkdirSync(dataDir, { recursive: true });
    key = randomBytes(KEY_BYTES);
    writeFileSync(keyFile, key, { mode: 0o600 });
    chmodSync(keyFile, 0o600);
  }
  return {
    protection: 'local-key-file',
    encrypt(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(sealed) {
      if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('sealed credential is truncated');
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
      decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}

export interface SettingsStore {
  getSetting(key: string): string | undefined;
  setSetting(key: string, value: string | null): void;
}

const PASSWORD_KEY = 'console.login_password.sealed';

/** The saved login password, sealed; the store only ever sees ciphertext. */
export class SealedPassword {
  constructor(
    private readonly settings: SettingsStore,
    private readonly vault: CredentialVault,
  ) {}

  get protection(): CredentialVault['protection'] {
    return this.vault.protection;
  }

  isSaved(): boolean {
    return this.settings.getSetting(PASSWORD_KEY) !== undefined;
  }

  /** The password, or null when none is saved or it cannot be unsealed (another machine's key). */
  read(): string | null {
    const sealed = this.settings.getSetting(PASSWORD_KEY);
    if (sealed === undefined) return null;
    try {
      return this.vault.decrypt(Buffer.from(sealed, 'base64'));
    } catch {
      return null;
    }
  }

  save(password: string | null): void {
    this.settings.setSetting(PASSWORD_KEY, password === null ? null : this.vault.encrypt(password).toString('base64'));
  }
}
