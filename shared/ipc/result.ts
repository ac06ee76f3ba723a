import { z } from 'zod';
import type { FieldError } from '../domain/validation';

// Every IPC answer, over Electron or the browser bridge, is one of these two
// shapes, so the renderer never has to tell a thrown error from a refusal.

export const IPC_ERROR_CODES = [
  'INVALID_INPUT',
  'INVALID_OUTPUT',
  'UNKNOWN_CHANNEL',
  'NOT_FOUND',
  'CONFLICT',
  'UNAVAILABLE',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'INTERNAL',
] as const;
export type IpcErrorCode = (typeof IPC_ERROR_CODES)[number];

export const fieldErrorSchema = z.strictObject({ field: z.string(), message: z.string() });

export const ipcErrorSchema = z.strictObject({
  code: z.enum(IPC_ERROR_CODES),
  message: z.string(),
  fields: z.array(fieldErrorSchema).optional(),
});
export type IpcError = z.infer<typeof ipcErrorSchema>;

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export const ok = <T>(value: T): IpcResult<T> => ({ ok: true, value });

export function fail(code: IpcErrorCode, message: string, fields?: FieldError[]): IpcResult<never> {
  return { ok: false, error: fields && fields.length > 0 ? { code, message, fields } : { code, message } };
}

/**
 * Thrown by a service to refuse a call with a specific code (NOT_FOUND,
 * CONFLICT, …); the dispatcher turns it into `{ ok: false, error }`.
 */
export class IpcFailure extends Error {
  constructor(
    readonly code: IpcErrorCode,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
    this.name = 'IpcFailure';
  }
}
