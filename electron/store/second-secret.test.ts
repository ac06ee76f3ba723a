import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findRequestDefinition, type RequestDefinition } from '../../shared/domain/request-catalog';
import { holdsSecret, paramFieldsOf, secretFieldsOf, withoutSecrets } from '../../shared/domain/request-fields';
import { pinSchema, REDACTED, secretRegistry } from '../../shared/domain/secrets';
import { createSealer, isSealed } from './sealed-secrets';
import { redactParams, storedParamsJson, validateParams } from './request-params';

// A secret is protected by declaring it in its schema (secrets.ts registry),
// not by code that knows its name: a kind with a second secret field gets both
// sealed at rest, redacted once sent, counted for the WAL checkpoint, kept out
// of search text and of the sandbox's storage, and entered as a secret.

const unlockCode = z.string().min(6).register(secretRegistry, { secret: true });
const base = findRequestDefinition('conax', 'update_ca_pin_to_given_value')!;
const twoSecrets: RequestDefinition = {
  ...base,
  method: 'update_ca_pin_with_unlock_code',
  params: z.strictObject({ smartcard_ca_id: z.string(), pin: pinSchema, unlock_code: unlockCode.optional() }),
};
const params = { smartcard_ca_id: '10020000054', pin: '4826', unlock_code: '93817265' };

describe('a second secret field is protected by declaring it', () => {
  it('is read as a secret by the field reader (form, CSV) and left out of what the sandbox stores', () => {
    expect(secretFieldsOf(twoSecrets)).toEqual(['pin', 'unlock_code']);
    expect(paramFieldsOf(twoSecrets).filter((f) => f.shape === 'secret').map((f) => f.name)).toEqual(['pin', 'unlock_code']);
    expect(withoutSecrets(twoSecrets, params)).toEqual({ smartcard_ca_id: '10020000054' });
  });

  it('is sealed at rest, redacted once sent, and kept out of search text', () => {
    const validated = validateParams(twoSecrets, params);
    if (Array.isArray(validated)) throw new Error(JSON.stringify(validated));
    expect(validated.searchText).not.toMatch(/4826|93817265/);
    const { publicKey } = generateKeyPairSync('x25519');
    const stored = storedParamsJson(validated, () => createSealer(publicKey));
    if (typeof stored !== 'string') throw new Error(stored.message);
    const atRest = JSON.parse(stored) as Record<string, unknown>;
    expect(isSealed(atRest.pin) && isSealed(atRest.unlock_code)).toBe(true);
    expect(stored).not.toMatch(/4826|93817265/);
    expect(redactParams(twoSecrets, params)).toEqual({ smartcard_ca_id: '10020000054', pin: REDACTED, unlock_code: REDACTED });
  });

  it('makes its wipe count for the WAL checkpoint even when the PIN is absent', () => {
    const request = { provider: 'conax', method: twoSecrets.method, params: { smartcard_ca_id: '1', unlock_code: 'sealed:…' } };
    expect(holdsSecret(request, twoSecrets)).toBe(true);
    expect(holdsSecret({ ...request, params: { smartcard_ca_id: '1' } }, twoSecrets)).toBe(false);
  });
});
