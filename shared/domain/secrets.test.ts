import { describe, expect, it } from 'vitest';
import { loginRequestSchema } from './login';
import { setPinToGivenValueParams, clearPinParams } from './nagravision-requests';
import { updateCaPinToGivenValueParams } from './conax-requests';
import { REDACTED, redactSecrets, SECRET_FIELD_NAMES, secretFieldNames } from './secrets';

describe('secrets are marked by their schema and redacted', () => {
  it('finds the PIN and password fields from the schemas', () => {
    expect(secretFieldNames(setPinToGivenValueParams)).toEqual(['pin']);
    expect(secretFieldNames(updateCaPinToGivenValueParams)).toEqual(['pin']);
    expect(secretFieldNames(loginRequestSchema)).toEqual(['password']);
    expect(secretFieldNames(clearPinParams)).toEqual([]);
  });

  it('redacts at any depth and leaves the rest intact', () => {
    const body = { token: 'ABC', pin: '1234', smartcard_identifier: { serial_number: 'S' }, nested: [{ password: 'p', keep: 1 }] };
    const redacted = redactSecrets(body);
    expect(redacted).toEqual({ token: REDACTED, pin: REDACTED, smartcard_identifier: { serial_number: 'S' }, nested: [{ password: REDACTED, keep: 1 }] });
    expect(body.pin).toBe('1234');
    expect(JSON.stringify(redacted)).not.toMatch(/1234|ABC/);
  });

  it('redacts every name of SECRET_FIELD_NAMES, nested in any body', () => {
    expect(SECRET_FIELD_NAMES).toEqual(expect.arrayContaining(['pin', 'password', 'token', 'ca_pin']));
    for (const name of SECRET_FIELD_NAMES) {
      expect(redactSecrets({ outer: [{ [name]: 'x9' }] })).toEqual({ outer: [{ [name]: REDACTED }] });
    }
  });

  it('keeps a null ca_pin as null (nothing to hide)', () => {
    expect(redactSecrets({ ca_pin: null })).toEqual({ ca_pin: null });
  });
});
