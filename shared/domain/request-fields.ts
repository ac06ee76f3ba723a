import { z } from 'zod';
import type { CatalogKind } from './catalog';
import { CLIENT_UUID_UDF } from './client-uuid';
import { commonOptionalFields } from './common-fields';
import {
  findRequestDefinition,
  REQUEST_DEFINITIONS,
  type CardTarget,
  type ParamFieldName,
  type RequestDefinition,
} from './request-catalog';
import { redactSecrets, secretRegistry } from './secrets';

// One reader of the params schemas: which fields a request kind takes, how
// each is entered (form control, CSV cell), which are secrets, and which card
// the request acts on. Compose, the CSV importer, the store's redaction and
// sealing, the sync engine's WAL hygiene and the sandbox all ask here, so a new
// field or a second secret is handled by declaring it, not by finding every test.

/** How a field is entered: the form's control and the CSV cell's syntax follow from it. */
export type FieldShape =
  | 'identifier'
  | 'identifier-list'
  | 'services'
  | 'ca-id'
  | 'secret'
  | 'message'
  | 'number'
  | 'boolean'
  | 'datetime'
  | 'date'
  | 'priority'
  | 'text';

/** What the schema cannot say about a field: its label, the catalog its picker searches, and a shape the zod type does not tell. */
export interface FieldHint {
  label: string;
  catalog?: CatalogKind;
  shape?: Extract<FieldShape, 'services' | 'ca-id' | 'message' | 'datetime' | 'date' | 'priority'>;
}

type UdfField = `udf_${string}`;

// Every field some kind takes needs a hint (UDFs get theirs from their name):
// a new field name in a schema fails to compile until it has one.
const FIELD_HINTS = {
  subscription_identifier: { label: 'Subscription', catalog: 'subscriptions' },
  smartcard_identifier: { label: 'Smartcard', catalog: 'smartcards' },
  stb_identifier: { label: 'STB (set-top box)', catalog: 'stbs' },
  service_identifier: { label: 'Service', catalog: 'services' },
  services_set: { label: 'Services', catalog: 'services', shape: 'services' },
  smartcard_set: { label: 'Smartcards', catalog: 'smartcards' },
  stb_set: { label: 'STBs', catalog: 'stbs' },
  smartcard_ca_id: { label: 'Smartcard CA id (names the pairing)', catalog: 'smartcards', shape: 'ca-id' },
  pin: { label: 'New PIN' },
  message_text: { label: 'Message text', shape: 'message' },
  display_duration: { label: 'Display duration (seconds)' },
  repetition_interval: { label: 'Repeat every (seconds)' },
  number_of_repetitions: { label: 'Number of repetitions' },
  process_immediately: { label: 'Process immediately' },
  scheduled_date: { label: 'Scheduled date', shape: 'datetime' },
  priority: { label: 'Priority', shape: 'priority' },
} as const satisfies Record<Exclude<ParamFieldName, UdfField>, FieldHint>;

function udfHint(name: string): FieldHint {
  const [, kind, n] = /^udf_(string|float|date)_(\d)$/.exec(name) ?? [];
  return { label: kind ? `UDF ${kind} ${n}` : name, ...(kind === 'date' ? { shape: 'date' as const } : {}) };
}

function hintOf(name: string): FieldHint {
  return (FIELD_HINTS as Record<string, FieldHint>)[name] ?? udfHint(name);
}

/** The key operators usually have at hand, in this order, when an identifier may be named by several. */
const PREFERRED_KEYS = ['serial_number', 'number', 'code', 'id', 'alternative_code'];

export function preferredKey(keys: readonly string[] | undefined): string {
  const list = keys ?? [];
  return PREFERRED_KEYS.find((k) => list.includes(k)) ?? list[0] ?? 'id';
}

export interface ParamField {
  name: string;
  shape: FieldShape;
  required: boolean;
  label: string;
  /** Declared secret (secrets.ts registry): sealed at rest, redacted, wiped once sent. */
  secret: boolean;
  /** Reserved by CA Desk (the client-UUID UDF): not offered, refused at entry. */
  reserved: boolean;
  /** Common optional fields: scheduling and priority ('options'), UDFs ('advanced'). */
  group: 'main' | 'options' | 'advanced';
  catalog?: CatalogKind;
  /** The semi-optional keys of an identifier, or of a list's elements (id, number, serial_number, …). */
  keys?: string[];
  /** For lists: whether elements may carry a ca_id. */
  withCaId?: boolean;
  maxLength?: number;
  /** The field's own schema, optional wrappers removed. */
  schema: z.ZodType;
}

function unwrapOptional(schema: z.ZodType): { inner: z.ZodType; optional: boolean } {
  let inner = schema;
  let optional = false;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault || inner instanceof z.ZodNullable) {
    optional = true;
    inner = inner.unwrap() as z.ZodType;
  }
  return { inner, optional };
}

function objectShape(schema: z.ZodType): Record<string, z.ZodType> | null {
  const { inner } = unwrapOptional(schema);
  return inner instanceof z.ZodObject ? (inner.shape as Record<string, z.ZodType>) : null;
}

function shapeOf(hint: FieldHint, inner: z.ZodType, secret: boolean): FieldShape {
  if (secret) return 'secret';
  if (hint.shape) return hint.shape;
  if (inner instanceof z.ZodObject) return 'identifier';
  if (inner instanceof z.ZodArray) return 'identifier-list';
  if (inner instanceof z.ZodBoolean) return 'boolean';
  if (inner instanceof z.ZodNumber) return 'number';
  return 'text';
}

const COMMON_FIELDS = new Set(Object.keys(commonOptionalFields));

function readField(name: string, schema: z.ZodType): ParamField {
  const { inner, optional } = unwrapOptional(schema);
  const hint = hintOf(name);
  const secret = secretRegistry.has(inner);
  const shape = shapeOf(hint, inner, secret);
  const field: ParamField = {
    name,
    shape,
    required: !optional,
    label: hint.label,
    secret,
    reserved: name === CLIENT_UUID_UDF,
    group: name.startsWith('udf_') ? 'advanced' : COMMON_FIELDS.has(name) ? 'options' : 'main',
    schema: inner,
  };
  if (hint.catalog) field.catalog = hint.catalog;
  if (shape === 'identifier') field.keys = Object.keys(objectShape(inner) ?? {}).filter((k) => k !== 'ca_id');
  if (shape === 'identifier-list' || shape === 'services') {
    const element = inner instanceof z.ZodArray ? (inner.element as z.ZodType) : inner;
    let elementKeys = Object.keys(objectShape(element) ?? {});
    // services_set elements wrap their identifier: { service_identifier: {...} }
    if (shape === 'services') elementKeys = Object.keys(objectShape(objectShape(element)?.service_identifier ?? element) ?? {});
    field.keys = elementKeys.filter((k) => k !== 'ca_id');
    if (shape === 'identifier-list') field.withCaId = elementKeys.includes('ca_id');
  }
  if (inner instanceof z.ZodString && typeof inner.maxLength === 'number') field.maxLength = inner.maxLength;
  return field;
}

const fieldsBySchema = new WeakMap<z.ZodType, readonly ParamField[]>();

/** The fields of a params schema, in the schema's order (read once per schema). */
export function paramFieldsOf(definition: Pick<RequestDefinition, 'params'>): readonly ParamField[] {
  let fields = fieldsBySchema.get(definition.params);
  if (!fields) {
    fields = Object.entries(objectShape(definition.params) ?? {}).map(([name, schema]) => readField(name, schema));
    fieldsBySchema.set(definition.params, fields);
  }
  return fields;
}

/** Names of the fields of this kind that hold secrets. */
export function secretFieldsOf(definition: Pick<RequestDefinition, 'params'>): string[] {
  return paramFieldsOf(definition).filter((f) => f.secret).map((f) => f.name);
}

/** Whether a request's params have a secret field set (sealed, clear or already redacted): its wipe must reach the disk. */
export function holdsSecret(
  request: { provider: string; method: string; params: Record<string, unknown> },
  definition: Pick<RequestDefinition, 'params'> | undefined = findRequestDefinition(request.provider, request.method),
): boolean {
  return definition !== undefined && secretFieldsOf(definition).some((name) => request.params[name] !== undefined);
}

/** The params without their secrets at all: what a head-end that never checks them may keep. */
export function withoutSecrets(definition: Pick<RequestDefinition, 'params'>, params: Record<string, unknown>): Record<string, unknown> {
  const out = { ...params };
  for (const name of secretFieldsOf(definition)) delete out[name];
  return out;
}

/** Every field name any kind takes, with how it is read (the first kind that takes it; a name means the same in every kind). */
export const ALL_PARAM_FIELDS: ReadonlyMap<string, ParamField> = (() => {
  const all = new Map<string, ParamField>();
  for (const d of REQUEST_DEFINITIONS) for (const f of paramFieldsOf(d)) if (!all.has(f.name)) all.set(f.name, f);
  return all;
})();

/** Every field name declared secret by some kind's schema. */
export const SECRET_PARAM_NAMES: readonly string[] = [...ALL_PARAM_FIELDS.values()].filter((f) => f.secret).map((f) => f.name);

/** Redacts a body of unknown kind (an event detail, an answer): the API's secret names plus every declared secret field. */
export function redactAnyBody<T>(value: T): T {
  return redactSecrets(value, SECRET_PARAM_NAMES);
}

/** The card a request acts on, as its target field names it: an identifier, or a CA id. */
export type TargetValue =
  | { card: CardTarget['card']; identifier: Record<string, unknown> }
  | { card: CardTarget['card']; caId: string };

export function targetOf(definition: Pick<RequestDefinition, 'target'>, params: Record<string, unknown>): TargetValue | null {
  const { card, field } = definition.target;
  const raw = params[field];
  const value = field === 'smartcard_set' ? (Array.isArray(raw) ? raw[0] : undefined) : raw;
  if (typeof value === 'string') return { card, caId: value };
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return { card, identifier: value as Record<string, unknown> };
  return null;
}
