import { z } from 'zod';

/**
 * Schemas registered here hold secrets (PINs, passwords, tokens). Code that logs,
 * displays or stores a body asks this registry which fields to redact, so a new
 * secret field is protected by declaring it, not by remembering every log line.
 */
export const secretRegistry = z.registry<{ secret: true }>();

export const REDACTED = '[redacted]';

export const PIN_LENGTH = 4;

/** A CA PIN: exactly PIN_LENGTH digits, as Conax and Nagravision cards take it. */
export const pinSchema = z
  .string()
  .regex(/^\d+$/, { message: 'PIN must contain digits only' })
  .length(PIN_LENGTH, { message: `PIN must be exactly ${PIN_LENGTH} digits` })
  .register(secretRegistry, { secret: true });

// A CRM.COM R12+ token is a JWT whose length grows with its claims (unit name
// included): bounded generously, never checked for a shape.
export const tokenSchema = z
  .string()
  .min(1, { message: 'token must not be empty' })
  .max(4096)
  .register(secretRegistry, { secret: true });

export const passwordSchema = z
  .string()
  .min(1, { message: 'password must not be empty' })
  .max(256)
  .register(secretRegistry, { secret: true });

function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  // optional/nullable/default wrappers hide the registered inner schema
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodDefault) {
      current = current.unwrap() as z.ZodType;
    } else {
      return current;
    }
  }
}

/** Top-level field names of an object schema whose values are secrets. */
export function secretFieldNames(schema: z.ZodType): string[] {
  const inner = unwrap(schema);
  if (!(inner instanceof z.ZodObject)) return [];
  const names: string[] = [];
  for (const [key, field] of Object.entries(inner.shape as Record<string, z.ZodType>)) {
    if (secretRegistry.has(unwrap(field))) names.push(key);
  }
  return names;
}

/** Field names that hold a secret wherever they appear in the API (any schema, any depth). */
export const SECRET_FIELD_NAMES: readonly string[] = ['pin', 'password', 'passphrase', 'token', 'ca_pin'];
const ALWAYS_SECRET = new Set(SECRET_FIELD_NAMES);

/**
 * Returns a deep copy with every secret replaced by REDACTED. Field names known
 * to be secret anywhere in the API are redacted at any depth, so a body that did
 * not go through its schema (a head-end answer, a CSV row) is still safe to log.
 */
export function redactSecrets<T>(value: T, extraSecretFields: readonly string[] = []): T {
  const secret = new Set([...ALWAYS_SECRET, ...extraSecretFields]);
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, inner] of Object.entries(v)) {
        out[k] = secret.has(k) && inner !== null && inner !== undefined ? REDACTED : walk(inner);
      }
      return out;
    }
    return v;
  };
  return walk(value) as T;
}
