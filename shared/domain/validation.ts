import type { z } from 'zod';

/** A validation failure an operator can act on: which field, and what is wrong. */
export interface FieldError {
  /** Dotted path of the field, e.g. "services_set.0.service_identifier". "" for the whole body. */
  field: string;
  message: string;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Turns a zod error into field errors. Pass the parsed input to have missing
 * fields reported as "is required" (zod does not keep the input in its issues,
 * and we do not ask it to: the input may hold a PIN).
 */
export function fieldErrors(error: z.ZodError, input?: unknown): FieldError[] {
  return error.issues.map((issue) => {
    const field = issue.path.map(String).join('.');
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      const keys = (issue as { keys?: string[] }).keys ?? [];
      message = `unknown field${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}`;
      return { field: field ? `${field}.${keys.join(',')}` : keys.join(','), message };
    }
    if (issue.code === 'invalid_type' && input !== undefined && valueAt(input, issue.path) === undefined) {
      message = `${field || 'value'} is required`;
    }
    return { field, message };
  });
}

/** One line for logs and CLI output; never includes the offending values. */
export function describeFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ');
}
