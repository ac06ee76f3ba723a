import { safeStorage } from 'electron';
import type { CredentialVault } from '../services/credential-vault';

/**
 * safeStorage when the OS offers real protection; null otherwise (Linux with
 * no keyring reports "basic_text", which is no protection at all), so the
 * caller falls back to the key-file vault and says so in settings.
 */
export function createSafeStorageVault(): CredentialVault | null {
  if (!safeStorage.isEncryptionAvailable()) return null;
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return null;
  return {
    protection: 'os-keychain',
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (sealed) => safeStorage.decryptString(sealed),
  };
}
