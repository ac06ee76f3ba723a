import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { CredentialVault } from './credential-vault';

// The credential vault across the thread boundary. Electron's safeStorage
// exists only in the main process's main thread, so when the shell provides
// the vault, the back-end worker asks the main thread to seal or unseal.
//
// CredentialVault is synchronous (the settings service reads the saved
// password while it builds endpoints), so the worker blocks on a shared flag
// (Atomics.wait; the worker only, never the main thread) and takes the answer
// with receiveMessageOnPort. The main thread answers from its event loop, which
// stays free: it never waits for the worker. Plain text crosses only this
// in-memory port; nothing here logs.

interface VaultRequest {
  seq: number;
  op: 'encrypt' | 'decrypt';
  /** encrypt: the plain text; decrypt: the sealed bytes. */
  data: string | Uint8Array;
  signal: Int32Array;
}

type VaultReply = { seq: number; ok: true; data: string | Uint8Array } | { seq: number; ok: false; message: string };

function isVaultRequest(value: unknown): value is VaultRequest {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<VaultRequest>;
  return (
    typeof v.seq === 'number' &&
    (v.op === 'encrypt' || v.op === 'decrypt') &&
    (typeof v.data === 'string' || v.data instanceof Uint8Array) &&
    v.signal instanceof Int32Array &&
    v.signal.buffer instanceof SharedArrayBuffer
  );
}

/** Main thread: answers the worker's vault requests on `port`. Returns the stop function. */
export function serveVault(port: MessagePort, vault: CredentialVault): () => void {
  port.on('message', (request: unknown) => {
    if (!isVaultRequest(request)) return;
    let reply: VaultReply;
    try {
      if (request.op === 'encrypt') {
        if (typeof request.data !== 'string') throw new Error('encrypt takes text');
        reply = { seq: request.seq, ok: true, data: new Uint8Array(vault.encrypt(request.data)) };
      } else {
        if (typeof request.data === 'string') throw new Error('decrypt takes bytes');
        reply = { seq: request.seq, ok: true, data: vault.decrypt(Buffer.from(request.data)) };
      }
    } catch (error) {
      reply = { seq: request.seq, ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
    // The reply is in the worker's queue once postMessage returns: wake it.
    Atomics.store(request.signal, 0, 1);
    Atomics.notify(request.signal, 0);
  });
  return () => port.close();
}

/** Worker thread: a synchronous CredentialVault served by serveVault on the other end of `port`. */
export function remoteVault(port: MessagePort, protection: CredentialVault['protection'], timeoutMs = 10_000): CredentialVault {
  let seq = 0;
  function call(op: VaultRequest['op'], data: string | Uint8Array): string | Uint8Array {
    const request: VaultRequest = { seq: ++seq, op, data, signal: new Int32Array(new SharedArrayBuffer(4)) };
    port.postMessage(request);
    Atomics.wait(request.signal, 0, 0, timeoutMs);
    // Skip any late answer to an earlier call that timed out.
    for (let received = receiveMessageOnPort(port); received; received = receiveMessageOnPort(port)) {
      const reply = received.message as VaultReply;
      if (reply.seq !== request.seq) continue;
      if (!reply.ok) throw new Error(reply.message);
      return reply.data;
    }
    throw new Error(`the credential vault (${protection}) did not answer within ${timeoutMs} ms`);
  }
  return {
    protection,
    // The main thread's vault is the OS keychain: open whenever the session is.
    isUnlocked: () => true,
    encrypt(plain) {
      const sealed = call('encrypt', plain);
      if (typeof sealed === 'string') throw new Error('the credential vault answered text to encrypt');
      return Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    },
    decrypt(sealed) {
      const plain = call('decrypt', new Uint8Array(sealed));
      if (typeof plain !== 'string') throw new Error('the credential vault answered bytes to decrypt');
      return plain;
    },
  };
}
