import { z } from 'zod';

// The seed's dates are local date-times without a zone ("2015-09-07T15:03:33").
// We also accept a bare date for udf_date_* fields. Anything else is refused with
// the field named, because a mistyped date silently becomes "now" on some head-ends.
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2}))?$/;

export function isValidLocalDate(value: string, requireTime: boolean): boolean {
  const m = LOCAL_DATE_TIME.exec(value);
  if (!m) return false;
  if (requireTime && m[4] === undefined) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return false;
  if (m[4] !== undefined) {
    const [h, min, s] = [Number(m[4]), Number(m[5]), Number(m[6])];
    if (h > 23 || min > 59 || s > 59) return false;
  }
  return true;
}

/** "YYYY-MM-DDTHH:MM:SS", local time, as the seed examples write it. */
export const localDateTimeSchema = z
  .string()
  .refine((v) => isValidLocalDate(v, true), {
    message: 'must be a local date-time YYYY-MM-DDTHH:MM:SS (e.g. 2015-09-07T15:03:33)',
  });

/** A date ("YYYY-MM-DD") or a local date-time. */
export const localDateSchema = z
  .string()
  .refine((v) => isValidLocalDate(v, false), {
    message: 'must be a date YYYY-MM-DD or a local date-time YYYY-MM-DDTHH:MM:SS',
  });

/** Formats a JS Date as the seed's local date-time. */
export function formatLocalDateTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/** Parses a seed local date-time (or date) as local time. */
export function parseLocalDateTime(value: string): Date {
  const m = LOCAL_DATE_TIME.exec(value);
  if (!m) throw new Error(`not a local date-time: ${value}`);
  return new Date(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
  );
}
