// Builds the provisioning request object a POST answers, in the seed examples'
// shape: PENDING, 32-hex id, sequential number, process_name per type,
// parameters_set with the seed's elements per type, log_information with the
// session's unit and user, and the request's udf_* fields echoed.
import crypto from 'node:crypto';
import { UDF_FIELDS, DEFAULT_PRIORITY } from '../../shared/domain/common-fields';
import { formatLocalDateTime, parseLocalDateTime } from '../../shared/domain/dates';
import { requestKindOf, type RequestDefinition } from '../../shared/domain/request-catalog';
import { paramFieldsOf, targetOf, withoutSecrets } from '../../shared/domain/request-fields';
import type { CatalogRepo, SmartcardRow } from './catalog-repo';
import type { Session } from './auth-tokens';
import { sandboxKindOf } from './sandbox-kinds';

type Params = Record<string, unknown>;

/** Ids drawn per call to the system's random source; one call then serves this many ids. */
const IDS_PER_DRAW = 256;
let randomPool = Buffer.alloc(0);
let poolOffset = 0;

/** 32 uppercase hex digits of fresh randomness (a request creates six: one draw per call costs). */
export function newHeadendId(): string {
  if (poolOffset + 16 > randomPool.length) {
    randomPool = crypto.randomBytes(16 * IDS_PER_DRAW);
    poolOffset = 0;
  }
  const id = randomPool.toString('hex', poolOffset, poolOffset + 16).toUpperCase();
  poolOffset += 16;
  return id;
}
const md5Id = (text: string) => crypto.createHash('md5').update(text).digest('hex').toUpperCase();
/** A unit's id is a hash of its name: kept per name (a few, bounded), not hashed per request. */
const unitIds = new Map<string, string>();
function unitId(unit: string): string {
  let id = unitIds.get(unit);
  if (id === undefined) {
    if (unitIds.size >= 64) unitIds.clear();
    unitIds.set(unit, (id = md5Id(`unit:${unit}`)));
  }
  return id;
}

/**
 * The params as stored: without their secrets (the PIN) and without anything
 * derived from them. The sandbox never checks PINs (only the card's pin_state
 * changes), and a hash of a 4-digit PIN is reversed by 10,000 guesses, so it
 * would be the PIN in clear.
 */
export function storableParams(definition: RequestDefinition, params: Params): Params {
  return withoutSecrets(definition, params);
}

/** The smartcard a request acts on (its kind's target), if the catalog knows it. */
export function resolveCard(definition: RequestDefinition, params: Params, catalog: CatalogRepo): SmartcardRow | undefined {
  const target = targetOf(definition, params);
  if (target === null || target.card !== 'smartcard') return undefined;
  return 'caId' in target ? catalog.smartcardByCaId(target.caId) : catalog.smartcard(target.identifier);
}

export interface CardRef {
  card: SmartcardRow | undefined;
  /** The value the request named the card by. */
  ref: string;
}

/** Every card a request names (each field that picks from the smartcards), in the order it names them. */
export function cardRefs(definition: RequestDefinition, params: Params, catalog: CatalogRepo): CardRef[] {
  const refs: CardRef[] = [];
  const byIdentifier = (identifier: Params) => {
    const value = Object.entries(identifier).find(([k, v]) => k !== 'ca_id' && typeof v === 'string')?.[1];
    const card = catalog.smartcard(identifier) ?? (typeof identifier.ca_id === 'string' ? catalog.smartcardByCaId(identifier.ca_id) : undefined);
    refs.push({ card, ref: String(value ?? identifier.ca_id) });
  };
  for (const field of paramFieldsOf(definition)) {
    if (field.catalog !== 'smartcards') continue;
    const value = params[field.name];
    if (typeof value === 'string') refs.push({ card: catalog.smartcardByCaId(value), ref: value });
    else if (Array.isArray(value)) for (const e of value) byIdentifier(e as Params);
    else if (value !== null && typeof value === 'object') byIdentifier(value as Params);
  }
  return refs;
}

export interface CreationInput {
  definition: RequestDefinition;
  params: Params;
  session: Session;
  catalog: CatalogRepo;
  number: number;
  distributorId: string;
  processingDelayMs: number;
  nowMs: number;
}

export function buildPendingRequest(input: CreationInput): { object: Params; dueMs: number } {
  const { definition, params, catalog, nowMs } = input;
  const now = formatLocalDateTime(new Date(nowMs));
  const processImmediately = params.process_immediately === true;
  const scheduled = typeof params.scheduled_date === 'string' ? params.scheduled_date : undefined;
  const dueMs = processImmediately
    ? nowMs
    : scheduled !== undefined
      ? parseLocalDateTime(scheduled).getTime()
      : nowMs + input.processingDelayMs;

  const unit = {
    id: unitId(input.session.unit),
    name: input.session.unit,
    alternative_code: 'SBX',
    description: 'Sandbox head-end unit',
    group_name: 'Main Group',
    community_name: 'Internal Community',
  };
  const user = { id: '1', username: input.session.username, person_name: 'Sandbox Operator' };

  const object: Params = {
    id: newHeadendId(),
    number: String(input.number),
    type: definition.type,
    life_cycle_state: 'PENDING',
    priority: (params.priority as string | undefined) ?? DEFAULT_PRIORITY,
    scheduled_date: scheduled ?? now,
    executed_date: null,
    process_immediately: processImmediately ? 1 : 0,
    process_name: definition.processName,
    process_id: null,
    name: null,
    sequence_number: null,
    reference_number: null,
    request: null,
    response: null,
    error_code: null,
    error_description: null,
    parameters_set: parametersSet(definition, params, catalog, input.distributorId),
    log_information: {
      created_date: now,
      updated_date: now,
      created_by_unit: unit,
      updated_by_unit: unit,
      created_by_user: user,
      updated_by_user: user,
    },
  };
  for (const field of UDF_FIELDS) if (params[field] !== undefined) object[field] = params[field];
  return { object, dueMs };
}

function parametersSet(definition: RequestDefinition, params: Params, catalog: CatalogRepo, distributorId: string) {
  const template = sandboxKindOf(requestKindOf(definition)).parameters;
  const card = resolveCard(definition, params, catalog);
  const target = targetOf(definition, params);
  // A card the catalog does not know is still named by the CA id the request gave, if it gave one.
  const namedCaId = target !== null && 'caId' in target ? target.caId : null;
  const stb = params.stb_identifier ? catalog.stb(params.stb_identifier as Params) : undefined;
  const services: Params[] = Array.isArray(params.services_set)
    ? (params.services_set as { service_identifier: Params }[]).map((s) => s.service_identifier)
    : params.service_identifier
      ? [params.service_identifier as Params]
      : [];
  const setElements = (key: 'smartcard_set' | 'stb_set') =>
    Array.isArray(params[key]) ? (params[key] as Params[]) : [];

  const out: Params[] = [];
  const push = (extra: Params = {}) => out.push({ ...extra, id: newHeadendId() });
  for (const kind of template) {
    switch (kind) {
      case 'blank':
        push();
        break;
      case 'dist':
        push({ sub_provisioning_distribution_id: distributorId });
        break;
      case 'stb_dist':
        push({ stb_sub_provisioning_distributor_id: distributorId });
        break;
      case 'smartcard':
        push({ smartcard_ca_id: card?.ca_id ?? namedCaId });
        break;
      case 'stb':
        push({ stb_ca_id: stb?.ca_id ?? null });
        break;
      case 'secret':
        // A secret (the PIN) is never echoed.
        push({ ca_pin: null });
        break;
      case 'services*':
        for (const s of services) push({ service_ca_id: catalog.service(s)?.ca_id ?? null });
        break;
      case 'smartcards*':
        for (const e of setElements('smartcard_set')) {
          push({ smartcard_ca_id: catalog.smartcard(e)?.ca_id ?? (e.ca_id as string | undefined) ?? null });
        }
        break;
      case 'stbs*':
        for (const e of setElements('stb_set')) {
          push({ stb_ca_id: catalog.stb(e)?.ca_id ?? (e.ca_id as string | undefined) ?? null });
        }
        break;
    }
  }
  return out;
}
