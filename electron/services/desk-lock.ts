import type { SecurityStatus } from '../../shared/ipc/app-schemas';
import { IpcFailure } from '../../shared/ipc/result';
import type { Store } from '../store/store';
import { PassphraseVault, type CredentialVault } from './credential-vault';
import type { PinKeyring } from './pin-keyring';

// security.*: whether the desk can open what it sealed. With the OS keychain
// the desk opens itself at start. With a passphrase it starts locked: queued
// PINs stay sealed and wait (claimDue leaves them out, the status counts them)
// until the operator enters the passphrase; nothing is sent without its PIN
// and nothing is lost.

export class DeskLock {
  constructor(
    private readonly vault: CredentialVault,
    private readonly keyring: PinKeyring,
    private readonly store: Store,
  ) {
    keyring.open();
    this.sealClearPins();
  }

  /**
   * PINs queued by versions before sealing rest in clear: seal them as soon as
   * the desk has a key (its public half is enough: at open once a key exists,
   * else at the first unlock, which makes the key). Runs once per store.
   */
  private sealClearPins(): void {
    const sealer = this.keyring.sealer();
    if (sealer !== null) this.store.sealClearPins(sealer);
  }

  status(): SecurityStatus {
    const passphrase = this.vault instanceof PassphraseVault ? this.vault : null;
    return {
      protection: this.vault.protection,
      passphraseChosen: passphrase === null || passphrase.hasPassphrase(),
      unlocked: this.keyring.isOpen(),
      pinsWaiting: this.store.countLockedSecrets(),
    };
  }

  /** Chooses the passphrase the first time, then unlocks with it. */
  unlock(passphrase: string): SecurityStatus {
    if (this.vault instanceof PassphraseVault) {
      try {
        if (!this.vault.hasPassphrase()) this.vault.choose(passphrase);
        else if (!this.vault.unlock(passphrase)) throw new IpcFailure('INVALID_INPUT', 'wrong passphrase', [{ field: 'passphrase', message: 'wrong passphrase' }]);
      } catch (error) {
        if (error instanceof IpcFailure) throw error;
        throw new IpcFailure('INVALID_INPUT', (error as Error).message, [{ field: 'passphrase', message: (error as Error).message }]);
      }
    }
    if (!this.keyring.open()) throw new IpcFailure('CONFLICT', 'the desk key could not be opened (was this store sealed on another computer?)');
    this.sealClearPins();
    return this.status();
  }

  /** Forgets the keys from memory; only a passphrase desk can be locked (the OS keychain opens itself). */
  lock(): SecurityStatus {
    if (this.vault instanceof PassphraseVault) {
      this.keyring.close();
      this.vault.lock();
    }
    return this.status();
  }

  /**
   * Sign-out (by hand or after inactivity): the keys leave memory whatever
   * protects them. A passphrase desk is locked; with the OS keychain the PIN
   * key is closed until the next sign-in reopens it (signedIn).
   */
  clearForSignOut(): void {
    this.keyring.close();
    if (this.vault instanceof PassphraseVault) this.vault.lock();
  }

  /** A sign-in: with the OS keychain the PIN key opens again by itself (a passphrase desk waits for its passphrase). */
  signedIn(): void {
    if (!(this.vault instanceof PassphraseVault)) this.keyring.open();
  }

  close(): void {
    this.keyring.close();
    if (this.vault instanceof PassphraseVault) this.vault.lock();
  }
}
