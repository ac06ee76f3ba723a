import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';

// Credentials and the desk's PIN key never rest in clear, and the key that
// seals them is never in the data folder:
//  - Electron with an OS keychain: safeStorage (keychain / DPAPI / libsecret),
//    see electron/main/safe-storage-vault.ts;
//  - anywhere else (browser mode, Linux without a keyring): a key derived from
//    the operator's passphrase with scrypt, kept only in memory. Only the salt,
//    the scrypt parameters and a check value rest in the store. Until the
//    passphrase is entered the vault is locked: nothing sealed can be opened.

export interface CredentialVault {
  readonly protection: 'os-keychain' | 'passphrase';
  /** False while the passphrase has not been entered (always true for the OS keychain). */
  isUnlocked(): boolean;
  encrypt(plain: string): Buffer;
  decrypt(sealed: Buffer): string;
}

export class VaultLockedError extends Error {
  constructor() {
    super('the desk is locked: enter the passphrase in Settings');
    this.name = 'VaultLockedError';
  }
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** scrypt cost: ~0.1 s and 32 MiB per derivation on a laptop (OWASP's floor is N=2^17 r=8 p=1 for interactive logins at 128 MiB; this desk unlocks rarely). */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1 } as const;
export const MIN_PASSPHRASE_LENGTH = 10;

function seal(key: Buffer, plain: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function open(key: Buffer, sealed: Buffer): string {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('sealed credential is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}

const PASSPHRASE_KEY = 'vault.passphrase';
const CHECK_TEXT = 'ca-desk passphrase check';

interface PassphraseRecord {
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  /** CHECK_TEXT sealed with the derived key: tells a wrong passphrase from a right one. */
  check: string;
}

function derive(passphrase: string, record: Pick<PassphraseRecord, 'N' | 'r' | 'p' | 'salt'>): Buffer {
  // The parameters come from the store: an edited record must neither weaken
  // the KDF below ours nor make it allocate without bound.
  const { N, r, p } = record;
  const sane = Number.isInteger(N) && Number.isInteger(r) && Number.isInteger(p) && N >= SCRYPT.N && N <= 2 ** 20 && (N & (N - 1)) === 0 && r >= SCRYPT.r && r <= 16 && p >= 1 && p <= 4;
  if (!sane) throw new Error('the stored desk passphrase record has unacceptable KDF parameters');
  return scryptSync(passphrase.normalize('NFC'), Buffer.from(record.salt, 'base64'), KEY_BYTES, {
    N: record.N,
    r: record.r,
    p: record.p,
    maxmem: 256 * record.N * record.r,
  });
}

/** The vault where no OS keychain exists: a passphrase-derived key, in memory only. */
export class PassphraseVault implements CredentialVault {
  readonly protection = 'passphrase';
  private key: Buffer | null = null;

  constructor(private readonly settings: SettingsStore) {}

  private record(): PassphraseRecord | null {
    const raw = this.settings.getSetting(PASSPHRASE_KEY);
    return raw === undefined ? null : (JSON.parse(raw) as PassphraseRecord);
  }

  hasPassphrase(): boolean {
    return this.record() !== null;
  }

  isUnlocked(): boolean {
    return this.key !== null;
  }

  /** Chooses the passphrase (once: a chosen one is only ever unlocked) and unlocks. */
  choose(passphrase: string): void {
    if (this.hasPassphrase()) throw new Error('the desk passphrase is already chosen: unlock with it');
    if (passphrase.length < MIN_PASSPHRASE_LENGTH) throw new Error(`the passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters`);
    const params = { ...SCRYPT, salt: randomBytes(16).toString('base64') };
    const key = derive(passphrase, params);
    const record: PassphraseRecord = { kdf: 'scrypt', ...params, check: seal(key, CHECK_TEXT).toString('base64') };
    this.settings.setSetting(PASSPHRASE_KEY, JSON.stringify(record));
    this.key = key;
  }

  /** True when the passphrase is right (the vault is then open); false leaves it locked. */
  unlock(passphrase: string): boolean {
    const record = this.record();
    if (record === null) throw new Error('no desk passphrase has been chosen yet');
    const key = derive(passphrase, record);
    try {
      if (open(key, Buffer.from(record.check, 'base64')) !== CHECK_TEXT) return false;
    } catch {
      key.fill(0);
      return false;
    }
    this.key = key;
    return true;
  }

  lock(): void {
    this.key?.fill(0);
    this.key = null;
  }

  encrypt(plain: string): Buffer {
    if (this.key === null) throw new VaultLockedError();
    return seal(this.key, plain);
  }

  decrypt(sealed: Buffer): string {
    if (this.key === null) throw new VaultLockedError();
    return open(this.key, sealed);
  }
}

export interface SettingsStore {
  getSetting(key: string): string | undefined;
  setSetting(key: string, value: string | null): void;
}

export const PASSWORD_KEY = 'console.login_password.sealed';
/** Where the CRM.COM Web API key rests, sealed the same way as the password. */
export const WEB_API_KEY_KEY = 'console.web_api_key.sealed';

/** The saved login password (or another login secret under `key`), sealed; the store only ever sees ciphertext. */
export class SealedPassword {
  constructor(
    private readonly settings: SettingsStore,
    private readonly vault: CredentialVault,
    private readonly key: string = PASSWORD_KEY,
  ) {}

  get protection(): CredentialVault['protection'] {
    return this.vault.protection;
  }

  isSaved(): boolean {
    return this.settings.getSetting(this.key) !== undefined;
  }

  /** The password, or null when none is saved or it cannot be unsealed (locked, or another machine's key). */
  read(): string | null {
    const sealed = this.settings.getSetting(this.key);
    if (sealed === undefined) return null;
    try {
      return this.vault.decrypt(Buffer.from(sealed, 'base64'));
    } catch {
      return null;
    }
  }

  save(password: string | null): void {
    this.settings.setSetting(this.key, password === null ? null : this.vault.encrypt(password).toString('base64'));
  }
}
