import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createSealer, openUnsealKey, type SecretSealer } from '../store/sealed-secrets';
import type { CredentialVault, SettingsStore } from './credential-vault';

// The desk's PIN key pair (store/sealed-secrets.ts). The public key rests in
// the store in clear: it can only seal, so a PIN is queued sealed even while
// the desk is locked. The private key rests only sealed by the vault (OS
// keychain or passphrase) and is opened into memory while the desk is unlocked.

const KEY_SETTING = 'secrets.pin_key';

interface StoredKey {
  /** SPKI DER, base64. */
  publicKey: string;
  /** The PKCS#8 DER (base64) sealed by the vault, base64. */
  privateKeySealed: string;
}

export class PinKeyring {
  private cachedSealer: SecretSealer | null = null;
  private closeKey: (() => void) | null = null;

  constructor(
    private readonly settings: SettingsStore,
    private readonly vault: CredentialVault,
  ) {}

  private stored(): StoredKey | null {
    const raw = this.settings.getSetting(KEY_SETTING);
    return raw === undefined ? null : (JSON.parse(raw) as StoredKey);
  }

  /** The stored key pair, made the first time the vault is open (it must seal the private half). */
  private storedOrCreated(): StoredKey | null {
    const existing = this.stored();
    if (existing !== null || !this.vault.isUnlocked()) return existing;
    const pair = generateKeyPairSync('x25519');
    const created: StoredKey = {
      publicKey: pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      privateKeySealed: this.vault.encrypt(pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')).toString('base64'),
    };
    this.settings.setSetting(KEY_SETTING, JSON.stringify(created));
    return created;
  }

  /** Seals with the public key; null only before the desk has a key (no passphrase chosen yet). */
  sealer(): SecretSealer | null {
    if (this.cachedSealer) return this.cachedSealer;
    const stored = this.storedOrCreated();
    if (stored === null) return null;
    this.cachedSealer = createSealer(createPublicKey({ key: Buffer.from(stored.publicKey, 'base64'), format: 'der', type: 'spki' }));
    return this.cachedSealer;
  }

  isOpen(): boolean {
    return this.closeKey !== null;
  }

  /** Opens the private key into memory when the vault can; returns whether it is open. */
  open(): boolean {
    if (this.closeKey) return true;
    const stored = this.storedOrCreated();
    if (stored === null || !this.vault.isUnlocked()) return false;
    let der: string;
    try {
      der = this.vault.decrypt(Buffer.from(stored.privateKeySealed, 'base64'));
    } catch {
      return false;
    }
    this.closeKey = openUnsealKey(createPrivateKey({ key: Buffer.from(der, 'base64'), format: 'der', type: 'pkcs8' }));
    return true;
  }

  /** Forgets the private key (lock, sign-out, close): sealed PINs wait until it is opened again. */
  close(): void {
    this.closeKey?.();
    this.closeKey = null;
  }
}
