import { preferredKey } from '../../../shared/domain/request-fields';
import type { FieldModel } from './field-model';

// The form keeps values in the shape inputs need (strings, key/value pairs)
// and turns them into a request body only for validation and queueing.

export interface IdentifierValue {
  key: string;
  value: string;
  ca_id?: string;
}

export type FormValue = string | boolean | IdentifierValue | IdentifierValue[];
export type FormValues = Record<string, FormValue>;

export function initialValues(fields: readonly FieldModel[]): FormValues {
  const values: FormValues = {};
  for (const f of fields) {
    switch (f.kind) {
      case 'identifier':
        values[f.name] = { key: preferredKey(f.keys), value: '' };
        break;
      case 'identifier-list':
      case 'services':
        values[f.name] = f.required ? [{ key: preferredKey(f.keys), value: '' }] : [];
        break;
      case 'boolean':
        values[f.name] = false;
        break;
      default:
        values[f.name] = '';
    }
  }
  return values;
}

/**
 * Stands in for a half-typed or impossible date: the browser reports such an
 * input as "" (which would mean "no date"), so we keep this instead; the schema
 * refuses it, which blocks queueing with the error beside the field.
 */
export const INCOMPLETE_DATE = 'incomplete date';

/** "2026-01-02T03:04" (datetime-local without seconds) → "2026-01-02T03:04:00" */
export function normaliseDateTime(value: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00` : value;
}

function identifierOf(v: IdentifierValue, withCaId: boolean): Record<string, string> | undefined {
  const value = v.value;
  if (value === '' && !(withCaId && v.ca_id)) return undefined;
  const out: Record<string, string> = {};
  if (value !== '') out[v.key] = value;
  if (withCaId && v.ca_id) out.ca_id = v.ca_id;
  return out;
}

export function toBody(fields: readonly FieldModel[], values: FormValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.name];
    if (v === undefined) continue;
    switch (f.kind) {
      case 'identifier': {
        const id = identifierOf(v as IdentifierValue, false);
        if (id) body[f.name] = id;
        break;
      }
      case 'identifier-list': {
        const list = (v as IdentifierValue[]).map((e) => identifierOf(e, f.withCaId ?? false)).filter((e) => e !== undefined);
        if (list.length > 0 || f.required) body[f.name] = list;
        break;
      }
      case 'services': {
        const list = (v as IdentifierValue[])
          .map((e) => identifierOf(e, false))
          .filter((e) => e !== undefined)
          .map((service_identifier) => ({ service_identifier }));
        if (list.length > 0 || f.required) body[f.name] = list;
        break;
      }
      case 'boolean':
        if (v === true) body[f.name] = true;
        break;
      case 'number': {
        const text = String(v).trim();
        if (text !== '') body[f.name] = Number.isFinite(Number(text)) ? Number(text) : text;
        break;
      }
      case 'datetime': {
        const text = String(v).trim();
        if (text !== '') body[f.name] = normaliseDateTime(text);
        break;
      }
      default: {
        const text = String(v);
        if (text !== '') body[f.name] = text;
      }
    }
  }
  return body;
}

function identifierValueOf(value: unknown, keys: readonly string[] | undefined): IdentifierValue {
  const record = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const key = Object.keys(record).find((k) => k !== 'ca_id' && typeof record[k] === 'string') ?? preferredKey(keys);
  const out: IdentifierValue = { key, value: typeof record[key] === 'string' ? (record[key] as string) : '' };
  if (typeof record.ca_id === 'string') out.ca_id = record.ca_id;
  return out;
}

/** The inverse of toBody, to edit or resend a stored request. Redacted secrets come back empty. */
export function fromBody(fields: readonly FieldModel[], body: Record<string, unknown>): FormValues {
  const values = initialValues(fields);
  for (const f of fields) {
    const v = body[f.name];
    if (v === undefined || v === null) continue;
    switch (f.kind) {
      case 'identifier':
        values[f.name] = identifierValueOf(v, f.keys);
        break;
      case 'identifier-list':
        if (Array.isArray(v)) values[f.name] = v.map((e) => identifierValueOf(e, f.keys));
        break;
      case 'services':
        if (Array.isArray(v)) values[f.name] = v.map((e) => identifierValueOf((e as { service_identifier?: unknown } | null)?.service_identifier, f.keys));
        break;
      case 'boolean':
        values[f.name] = v === true;
        break;
      case 'secret':
        values[f.name] = typeof v === 'string' && f.accepts?.(v) === true ? v : '';
        break;
      default:
        values[f.name] = typeof v === 'string' || typeof v === 'number' ? String(v) : '';
    }
  }
  return values;
}
