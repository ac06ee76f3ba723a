import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

// An operator's sign-in password is never kept: only a scrypt check (salt,
// parameters, derived bytes), as for the desk passphrase (credential-vault.ts).
// Checking costs ~0.1 s, which also slows guessing at the sign-in screen.

const SCRYPT = { N: 2 ** 15, r: 8, p: 1 } as const;
const HASH_BYTES = 32;

interface SignInCheck {
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  hash: string;
}

let kdfRuns = 0;
/** How many times the sign-in KDF ran in this process: the tests' proof that an unknown name costs a full check. */
export function signInKdfRuns(): number {
  return kdfRuns;
}

function derive(password: string, params: Pick<SignInCheck, 'N' | 'r' | 'p' | 'salt'>): Buffer {
  kdfRuns++;
  return scryptSync(password.normalize('NFC'), Buffer.from(params.salt, 'base64'), HASH_BYTES, {
    N: params.N,
    r: params.r,
    p: params.p,
    maxmem: 256 * params.N * params.r,
  });
}

export function signInCheckOf(password: string): string {
  const params = { ...SCRYPT, salt: randomBytes(16).toString('base64') };
  return JSON.stringify({ kdf: 'scrypt', ...params, hash: derive(password, params).toString('base64') } satisfies SignInCheck);
}

/**
 * What an unknown operator name is checked against: the same KDF and
 * parameters as a real check, and a hash nothing derives to. An unknown name
 * then costs what a wrong password costs, so the time does not tell names apart.
 */
const NO_OPERATOR_CHECK = JSON.stringify({ kdf: 'scrypt', ...SCRYPT, salt: randomBytes(16).toString('base64'), hash: randomBytes(HASH_BYTES).toString('base64') } satisfies SignInCheck);

/** Whether `password` matches the operator's check; null (no such operator) runs the KDF too and answers false. */
export function passwordMatches(checkText: string | null, password: string): boolean {
  if (checkText === null) {
    passwordMatches(NO_OPERATOR_CHECK, password);
    return false;
  }
  let check: SignInCheck;
  try {
    check = JSON.parse(checkText) as SignInCheck;
  } catch {
    return false;
  }
  // An edited record must neither weaken the KDF nor make it allocate without bound.
  const sane = check.kdf === 'scrypt' && check.N >= SCRYPT.N && check.N <= 2 ** 20 && (check.N & (check.N - 1)) === 0 && check.r >= SCRYPT.r && check.r <= 16 && check.p >= 1 && check.p <= 4;
  if (!sane) return false;
  const expected = Buffer.from(check.hash, 'base64');
  const actual = derive(password, check);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
