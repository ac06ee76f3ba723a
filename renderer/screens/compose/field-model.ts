import { z } from 'zod';
import type { CatalogKind } from '../../../shared/domain/catalog';
import type { RequestDefinition } from '../../../shared/domain/request-catalog';
import { CLIENT_UUID_UDF } from '../../../shared/domain/client-uuid';

// Reads a request's params schema into the list of fields the form shows, so
// Compose asks for exactly what the chosen action takes, with the schema's
// own required/optional rules and limits (no second copy of the API here).

export type FieldKind =
  | 'identifier'
  | 'identifier-list'
  | 'services'
  | 'ca-id'
  | 'pin'
  | 'message'
  | 'number'
  | 'boolean'
  | 'datetime'
  | 'date'
  | 'priority'
  | 'text';

export interface FieldModel {
  name: string;
  kind: FieldKind;
  required: boolean;
  label: string;
  /** Catalog searched by the picker. */
  catalog?: CatalogKind;
  /** The semi-optional keys of an identifier (id, number, serial_number, …). */
  keys?: string[];
  /** For lists: whether elements may carry a ca_id. */
  withCaId?: boolean;
  maxLength?: number;
  /** Common optional fields (priority, scheduling) and UDFs. */
  group: 'main' | 'options' | 'advanced';
}

const CATALOG_BY_FIELD: Record<string, CatalogKind> = {
  subscription_identifier: 'subscriptions',
  smartcard_identifier: 'smartcards',
  stb_identifier: 'stbs',
  service_identifier: 'services',
  smartcard_set: 'smartcards',
  stb_set: 'stbs',
  services_set: 'services',
  smartcard_ca_id: 'smartcards',
};

const LABELS: Record<string, string> = {
  subscription_identifier: 'Subscription',
  smartcard_identifier: 'Smartcard',
  stb_identifier: 'STB (set-top box)',
  service_identifier: 'Service',
  services_set: 'Services',
  smartcard_set: 'Smartcards',
  stb_set: 'STBs',
  smartcard_ca_id: 'Smartcard CA id (names the pairing)',
  pin: 'New PIN',
  message_text: 'Message text',
  display_duration: 'Display duration (seconds)',
  repetition_interval: 'Repeat every (seconds)',
  number_of_repetitions: 'Number of repetitions',
  process_immediately: 'Process immediately',
  scheduled_date: 'Scheduled date',
  priority: 'Priority',
};

function unwrapOptional(schema: z.ZodType): { inner: z.ZodType; optional: boolean } {
  let inner = schema;
  let optional = false;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault || inner instanceof z.ZodNullable) {
    optional = true;
    inner = inner.unwrap() as z.ZodType;
  }
  return { inner, optional };
}

function objectKeys(schema: z.ZodType): string[] {
  const { inner } = unwrapOptional(schema);
  return inner instanceof z.ZodObject ? Object.keys(inner.shape as Record<string, unknown>) : [];
}

function humanise(name: string): string {
  const udf = /^udf_(string|float|date)_(\d)$/.exec(name);
  if (udf) return `UDF ${udf[1]} ${udf[2]}`;
  return name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

function kindOf(name: string, inner: z.ZodType): FieldKind {
  if (name === 'pin') return 'pin';
  if (name === 'priority') return 'priority';
  if (name === 'message_text') return 'message';
  if (name === 'smartcard_ca_id') return 'ca-id';
  if (name === 'services_set') return 'services';
  if (name === 'scheduled_date') return 'datetime';
  if (name.startsWith('udf_date_')) return 'date';
  if (inner instanceof z.ZodObject) return 'identifier';
  if (inner instanceof z.ZodArray) return 'identifier-list';
  if (inner instanceof z.ZodBoolean) return 'boolean';
  if (inner instanceof z.ZodNumber) return 'number';
  return 'text';
}

export function fieldsOf(definition: RequestDefinition): FieldModel[] {
  const { inner } = unwrapOptional(definition.params);
  if (!(inner instanceof z.ZodObject)) return [];
  const shape = inner.shape as Record<string, z.ZodType>;
  // The sync engine tags requests with our UUID in this UDF; operators cannot use it.
  return Object.entries(shape).filter(([name]) => name !== CLIENT_UUID_UDF).map(([name, schema]) => {
    const { inner: field, optional } = unwrapOptional(schema);
    const kind = kindOf(name, field);
    const model: FieldModel = {
      name,
      kind,
      required: !optional,
      label: LABELS[name] ?? humanise(name),
      group: name.startsWith('udf_') ? 'advanced' : ['process_immediately', 'scheduled_date', 'priority'].includes(name) ? 'options' : 'main',
    };
    const catalog = CATALOG_BY_FIELD[name];
    if (catalog) model.catalog = catalog;
    if (kind === 'identifier') model.keys = objectKeys(field).filter((k) => k !== 'ca_id');
    if (kind === 'identifier-list' && field instanceof z.ZodArray) {
      const elementKeys = objectKeys(field.element as z.ZodType);
      model.keys = elementKeys.filter((k) => k !== 'ca_id');
      model.withCaId = elementKeys.includes('ca_id');
    }
    if (kind === 'services') model.keys = ['id', 'code', 'alternative_code'];
    if (field instanceof z.ZodString && typeof field.maxLength === 'number') model.maxLength = field.maxLength;
    return model;
  });
}

/** Which field an error path belongs to: its first segment. */
export function fieldOfError(path: string): string {
  const dot = path.indexOf('.');
  return dot < 0 ? path : path.slice(0, dot);
}
