import { safeStorage } from 'electron';
import type { CredentialVault } from '../services/credential-vault';

/**
 * safeStorage when the OS offers real protection; null otherwise (Linux with
 * no keyring reports "basic_text", which is no protection at all), so the
 * back end falls back to the operator's passphrase (services/credential-vault.ts)
 * and says so in Settings. Never a key kept beside the data.
 */
export function createSafeStorageVault(): CredentialVault | null {
  if (!safeStorage.isEncryptionAvailable()) return null;
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return null;
  return {
    protection: 'os-keychain',
    isUnlocked: () => true,
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (sealed) => safeStorage.decryptString(sealed),
  };
}
