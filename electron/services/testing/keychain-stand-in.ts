import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { CredentialVault } from '../credential-vault';

// Tests only: what Electron's safeStorage gives the desk (electron/main/safe-storage-vault.ts),
// without Electron: always open, its key in memory, never in the data folder.

/** Stands in for Electron's safeStorage: an OS keychain that is always open, its key outside the data folder. */
export function keychainStandIn(): CredentialVault {
  const key = randomBytes(32);
  return {
    protection: 'os-keychain',
    isUnlocked: () => true,
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(sealed) {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
