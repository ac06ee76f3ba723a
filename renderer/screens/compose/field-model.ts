import type { CatalogKind } from '../../../shared/domain/catalog';
import type { RequestDefinition } from '../../../shared/domain/request-catalog';
import { paramFieldsOf, type FieldShape } from '../../../shared/domain/request-fields';

// The fields the form shows for a request kind, as the shared field reader
// reads its params schema: Compose asks for exactly what the chosen action
// takes, with the schema's own required/optional rules and limits.

export type FieldKind = FieldShape;

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
  /** For secrets: whether a stored value is one the operator could have typed (a redacted one is not). */
  accepts?: (value: string) => boolean;
}

export function fieldsOf(definition: RequestDefinition): FieldModel[] {
  // Reserved fields (the client-UUID UDF the sync engine fills) are not the operator's to give.
  return paramFieldsOf(definition)
    .filter((f) => !f.reserved)
    .map((f) => {
      const model: FieldModel = { name: f.name, kind: f.shape, required: f.required, label: f.label, group: f.group };
      if (f.catalog) model.catalog = f.catalog;
      if (f.keys) model.keys = f.keys;
      if (f.withCaId !== undefined) model.withCaId = f.withCaId;
      if (f.maxLength !== undefined) model.maxLength = f.maxLength;
      if (f.secret) model.accepts = (value) => f.schema.safeParse(value).success;
      return model;
    });
}

/** Which field an error path belongs to: its first segment. */
export function fieldOfError(path: string): string {
  const dot = path.indexOf('.');
  return dot < 0 ? path : path.slice(0, dot);
}
