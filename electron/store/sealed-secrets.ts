import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';

// A queued PIN rests in the store only sealed: X25519 + HKDF-SHA256 +
// AES-256-GCM to the desk's public key. Sealing needs only the public key, so a
// PIN can be queued while the desk is locked; unsealing needs the private key,
// which exists only in memory once the OS keychain or the operator's passphrase
// has opened it (services/pin-keyring.ts). The plain PIN exists only in memory,
// at the moment the body is built for the head-end (unsealParams).
//
// A sealed value: "sealed:v1:<key id>:<ephemeral public key>:<iv|tag|ciphertext>"
// (base64url). The key id names the desk key, so a store moved to another
// desk says which key it needs instead of failing obscurely.

const PREFIX = 'sealed:v1:';
const INFO = Buffer.from('ca-desk sealed secret v1');
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SealedSecretLockedError extends Error {
  constructor(keyId: string) {
    super(`a sealed PIN needs the desk key ${keyId}, which is locked: unlock the desk (Settings) to send it`);
    this.name = 'SealedSecretLockedError';
  }
}

export interface SecretSealer {
  readonly keyId: string;
  seal(plain: string): string;
}

export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

function derive(shared: Buffer, ephemeralDer: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, ephemeralDer, INFO, 32));
}

/**
 * Seals to `publicKey`. One ephemeral key pair per sealer (per launch): each
 * value still gets its own random IV, and a bulk import of PINs costs one
 * Diffie-Hellman, not one per row.
 */
export function createSealer(publicKey: KeyObject): SecretSealer {
  const keyId = keyIdOf(publicKey);
  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralDer = ephemeral.publicKey.export({ format: 'der', type: 'spki' });
  const key = derive(diffieHellman({ privateKey: ephemeral.privateKey, publicKey }), ephemeralDer);
  const head = `${PREFIX}${keyId}:${ephemeralDer.toString('base64url')}:`;
  return {
    keyId,
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(keyId));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return head + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
  };
}

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(PREFIX);
}

// Private keys opened in this process, by key id. Several runtimes (tests) may
// each register their own; the sync engine finds the one a value names.
const openKeys = new Map<string, { privateKey: KeyObject; derived: Map<string, Buffer> }>();

/** Makes `privateKey` available to unsealParams until the returned function is called (lock, sign-out, close). */
export function openUnsealKey(privateKey: KeyObject): () => void {
  const keyId = keyIdOf(createPublicKey(privateKey));
  const entry = { privateKey, derived: new Map<string, Buffer>() };
  openKeys.set(keyId, entry);
  return () => {
    for (const k of entry.derived.values()) k.fill(0);
    if (openKeys.get(keyId) === entry) openKeys.delete(keyId);
  };
}

function keyIdOfSealed(value: string): string {
  return value.slice(PREFIX.length, value.indexOf(':', PREFIX.length));
}

export function canUnsealValue(value: string): boolean {
  return openKeys.has(keyIdOfSealed(value));
}

export function unsealValue(value: string): string {
  const [keyId, ephemeralText, bodyText] = value.slice(PREFIX.length).split(':');
  if (!keyId || !ephemeralText || !bodyText) throw new Error('a sealed value is malformed');
  const entry = openKeys.get(keyId);
  if (!entry) throw new SealedSecretLockedError(keyId);
  let key = entry.derived.get(ephemeralText);
  if (!key) {
    const ephemeralDer = Buffer.from(ephemeralText, 'base64url');
    const publicKey = createPublicKey({ key: ephemeralDer, format: 'der', type: 'spki' });
    key = derive(diffieHellman({ privateKey: entry.privateKey, publicKey }), ephemeralDer);
    entry.derived.set(ephemeralText, key);
  }
  const body = Buffer.from(bodyText, 'base64url');
  if (body.length < IV_BYTES + TAG_BYTES) throw new Error('a sealed value is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(keyId));
  decipher.setAuthTag(body.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(body.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}

/** The top-level `fields` of params sealed (only those holding a string). */
export function sealFields(sealer: SecretSealer, params: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out = { ...params };
  for (const f of fields) if (typeof out[f] === 'string' && !isSealed(out[f])) out[f] = sealer.seal(out[f]);
  return out;
}

/** Top-level sealed values of params (secrets are top-level fields: see request-params.ts). */
export function sealedValuesOf(params: Record<string, unknown>): string[] {
  return Object.values(params).filter(isSealed);
}

/** Whether every sealed value of params can be opened now. */
export function canUnsealParams(params: Record<string, unknown>): boolean {
  return sealedValuesOf(params).every(canUnsealValue);
}

/**
 * The params as the head-end must receive them: sealed values opened. Called
 * where the body is built, so the plain PIN lives only for the send. Throws
 * SealedSecretLockedError when the desk is locked: never a body without its PIN.
 */
export function unsealParams(params: Record<string, unknown>): Record<string, unknown> {
  if (!Object.values(params).some(isSealed)) return params;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) out[k] = isSealed(v) ? unsealValue(v) : v;
  return out;
}
