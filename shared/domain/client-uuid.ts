// The head-end API has no idempotency key and does not deduplicate. To find
// out, after an unknown outcome, whether a request arrived, every request we
// send carries our own UUID in one user-defined field the API already has, and
// reconciliation looks for it. udf_string_8 is the last string UDF, the one an
// operator is least likely to use; it is reserved for this and refused at entry.

export const CLIENT_UUID_UDF = 'udf_string_8';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isClientUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * Why params cannot be queued as given, or null. Forms and CSV import call it
 * so an operator learns at entry, not at send time, that the field is taken.
 */
export function reservedUdfProblem(params: Record<string, unknown>, ownUuid?: string): string | null {
  const present = params[CLIENT_UUID_UDF];
  if (present === undefined) return null;
  if (ownUuid !== undefined && typeof present === 'string' && present.toLowerCase() === ownUuid.toLowerCase()) return null;
  return `${CLIENT_UUID_UDF} is reserved by CA Desk to recognise its own requests at the head-end; use another UDF`;
}

/**
 * The body as sent: params plus our UUID. An operator value already in the
 * field (which entry refuses; the dispatcher checks again and sends such a
 * request to NEEDS_ATTENTION) is never silently overwritten: this throws.
 */
export function tagWithClientUuid(params: Record<string, unknown>, clientUuid: string): Record<string, unknown> {
  if (!isClientUuid(clientUuid)) throw new Error('client UUID must be a UUID');
  const present = params[CLIENT_UUID_UDF];
  if (present !== undefined && (typeof present !== 'string' || present.toLowerCase() !== clientUuid.toLowerCase())) {
    throw new Error(reservedUdfProblem(params) ?? `${CLIENT_UUID_UDF} is reserved`);
  }
  return { ...params, [CLIENT_UUID_UDF]: clientUuid };
}

/** The UUID a head-end record carries, if any. */
export function clientUuidOf(record: Record<string, unknown>): string | null {
  const value = record[CLIENT_UUID_UDF];
  return isClientUuid(value) ? value.toLowerCase() : null;
}
