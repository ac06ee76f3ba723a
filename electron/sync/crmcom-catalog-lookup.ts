// Catalog from a real CRM.COM V4 server: a server lets a client look up one
// device, subscription or product by what the operator types, and list the
// services of a product type, but not download every device
// (shared/spec/crmcom-v4-web-api.md §5). Each answer is cached in the local
// catalog (merged: a lookup has no CA id and must not erase an imported one),
// with the server's log_information.updated_date in `data`, so pickers find it
// offline afterwards. The HTTP transport (token, base URL, envelope) is the
// connection's own, injected as `get`; this module does no HTTP itself.
import { z } from 'zod';
import type { CatalogKind, CatalogRows, StoredCatalogRow } from '../../shared/domain/catalog';
import {
  CRMCOM_CA_ID_PARAMETERS,
  CRMCOM_PAGING,
  CRMCOM_PATHS,
  CRMCOM_RELEASES,
  encodeGetIdentifier,
  type CrmcomRelease,
} from '../../shared/domain/crmcom-v4';
import type { UpsertCatalogResult } from '../store/catalog';

/**
 * GET `path` (below the base path) with `query` (token added by the transport).
 * Resolves to the envelope or to its `data`; rejects when the server cannot be
 * reached. An envelope whose code is not OK is read as "not found / refused".
 */
export type CrmcomGet = (path: string, query: Record<string, string>) => Promise<unknown>;

/** The part of the store this module uses. */
export interface CatalogCache {
  mergeCatalog<K extends CatalogKind>(kind: K, rows: readonly CatalogRows[K][]): UpsertCatalogResult;
  getCatalogItem<K extends CatalogKind>(kind: K, id: string): StoredCatalogRow<K> | undefined;
  searchCatalog<K extends CatalogKind>(kind: K, text: string, limit: number): StoredCatalogRow<K>[];
}

export interface CatalogLookupOptions {
  release: CrmcomRelease;
  /** Rows asked per products/list page from R13. */
  pageSize?: number;
  /** Upper bound of pages one listing reads (a server that never sends an empty page must not loop forever). */
  maxPages?: number;
  /** provisioning_provider_identifier of CA id lookups, `<field>=<value>` [inferred: deployment-specific]. */
  caIdProvider?: string;
  /** Product type names or codes that mean a smartcard / an STB [inferred: the provider's physical-goods mapping]. */
  deviceTypes?: { smartcards: readonly string[]; stbs: readonly string[] };
  /** The services type of products/list, `<field>=<value>`. */
  servicesType?: string;
}

const DEFAULT_DEVICE_TYPES = { smartcards: ['SMARTCARD', 'Smartcards'], stbs: ['STB', 'Set-top boxes'] };

/** Where a looked-up item came from: the server now, or the local catalog (server not reachable). */
export type LookupResult<K extends CatalogKind> =
  | { found: true; source: 'online' | 'cache'; kind: K; row: StoredCatalogRow<K> }
  | { found: false; source: 'online' | 'cache'; reason: string };

export class CrmcomLookupError extends Error {}

const named = z.looseObject({ name: z.string().nullish(), code: z.string().nullish(), alternative_code: z.string().nullish() });
const logInformation = z.looseObject({ updated_date: z.string().nullish() }).nullish();
const installedItemSchema = z.looseObject({
  id: z.string(),
  serial_number: z.string().nullish(),
  alternative_code: z.string().nullish(),
  product: z.looseObject({ code: z.string().nullish(), type: named.nullish() }).nullish(),
  log_information: logInformation,
});
const productSchema = z.looseObject({
  id: z.string(),
  code: z.string().nullish(),
  alternative_code: z.string().nullish(),
  description: z.string().nullish(),
  type: z.looseObject({ classification: z.string().nullish(), used_for_provisioning: z.union([z.boolean(), z.number()]).nullish() }).nullish(),
  log_information: logInformation,
});
const subscriptionSchema = z.looseObject({
  id: z.string(),
  number: z.string().nullish(),
  life_cycle_state: z.string().nullish(),
  installed_items_set: z.array(installedItemSchema).nullish(),
  log_information: logInformation,
});
type InstalledItem = z.infer<typeof installedItemSchema>;

type Outcome = { ok: true; data: unknown } | { ok: false; reason: string };

/** The data of an answer, or why there is none (an envelope with a code other than OK). */
function outcomeOf(answer: unknown): Outcome {
  if (answer !== null && typeof answer === 'object' && 'status' in answer && 'data' in answer) {
    const status = (answer as { status: { code?: unknown; message?: unknown; description?: unknown } | null }).status;
    if (status?.code !== 'OK') {
      const text = [status?.message, status?.description].filter((t) => typeof t === 'string' && t !== '').join(': ');
      return { ok: false, reason: text || `the server answered ${String(status?.code)}` };
    }
    return { ok: true, data: (answer as { data: unknown }).data };
  }
  return { ok: true, data: answer };
}

export class CrmcomCatalogLookup {
  private readonly pageSize: number;
  private readonly maxPages: number;
  private readonly deviceTypes: { smartcards: readonly string[]; stbs: readonly string[] };

  constructor(
    private readonly get: CrmcomGet,
    private readonly cache: CatalogCache,
    private readonly options: CatalogLookupOptions,
  ) {
    this.pageSize = options.pageSize ?? 100;
    this.maxPages = options.maxPages ?? 10_000;
    this.deviceTypes = options.deviceTypes ?? DEFAULT_DEVICE_TYPES;
  }

  /** A smartcard or STB by serial number or alternative code (installed_items/show). */
  async device(field: 'serial_number' | 'alternative_code' | 'id', value: string): Promise<LookupResult<'smartcards' | 'stbs'>> {
    const online = await this.call(CRMCOM_PATHS.installedItemShow, { installed_item_identifier: encodeGetIdentifier({ [field]: value }) });
    if (online === null) return this.cachedDevice(field, value);
    if (!online.ok) return { found: false, source: 'online', reason: online.reason };
    const item = installedItemSchema.parse(online.data);
    mustAnswerWhatWasAsked('installed_items/show', field, value, item[field]);
    return this.storeDevice(item, {});
  }

  /** A device by its CA id, a provider parameter (provisioning/installed_items/show, R11+). */
  async deviceByCaId(kind: 'smartcards' | 'stbs', caId: string): Promise<LookupResult<'smartcards' | 'stbs'>> {
    const online = await this.call(CRMCOM_PATHS.provisioningInstalledItemShow, {
      provisioning_provider_identifier: this.options.caIdProvider ?? 'alternative_code=CONAX',
      parameter_name: CRMCOM_CA_ID_PARAMETERS[kind === 'smartcards' ? 'smartcard' : 'stb'],
      parameter_value: caId,
    });
    if (online === null) return this.cachedDevice('ca_id', caId);
    if (!online.ok) return { found: false, source: 'online', reason: online.reason };
    const item = installedItemSchema.parse(online.data);
    // The answer carries no CA id [page]: it must at least be a device of the kind asked, and not one known by another CA id.
    const answeredKind = this.deviceKind(item);
    if (answeredKind !== undefined && answeredKind !== kind) {
      throw new CrmcomLookupError(`provisioning/installed_items/show answered installed item ${item.id}, ${label(answeredKind)}, for ${label(kind)} CA id ${caId}: not cached`);
    }
    const known = this.cache.getCatalogItem(kind, item.id)?.ca_id;
    if (known && known !== caId) {
      throw new CrmcomLookupError(`provisioning/installed_items/show answered installed item ${item.id}, known here by CA id ${known}, for CA id ${caId}: not cached`);
    }
    return this.storeDevice(item, { ca_id: caId }, kind);
  }

  /** A subscription by number or id (subscriptions/show); its installed items are learnt with it. */
  async subscription(field: 'number' | 'id', value: string): Promise<LookupResult<'subscriptions'>> {
    const online = await this.call(CRMCOM_PATHS.subscriptionShow, { subscription_identifier: encodeGetIdentifier({ [field]: value }) });
    if (online === null) return this.cached('subscriptions', field, value);
    if (!online.ok) return { found: false, source: 'online', reason: online.reason };
    const sub = subscriptionSchema.parse(online.data);
    mustAnswerWhatWasAsked('subscriptions/show', field, value, sub[field]);
    const { installed_items_set: items, ...rest } = sub;
    this.merge('subscriptions', [{ id: sub.id, number: sub.number ?? null, state: sub.life_cycle_state ?? null, data: rest }]);
    for (const item of items ?? []) {
      const kind = this.deviceKind(item);
      if (kind) this.merge(kind, [{ ...this.deviceRow(item), subscription_id: sub.id }]);
    }
    return this.stored('subscriptions', sub.id);
  }

  /** A product (a service) by code, alternative code or id (products/show). */
  async product(field: 'code' | 'alternative_code' | 'id', value: string): Promise<LookupResult<'services'>> {
    const online = await this.call(CRMCOM_PATHS.productShow, { product_identifier: encodeGetIdentifier({ [field]: value }) });
    if (online === null) return this.cached('services', field, value);
    if (!online.ok) return { found: false, source: 'online', reason: online.reason };
    const product = productSchema.parse(online.data);
    mustAnswerWhatWasAsked('products/show', field, value, product[field]);
    this.merge('services', [serviceRow(product)]);
    return this.stored('services', product.id);
  }

  /**
   * The services of a product type (products/list; classification SERVICES,
   * used for provisioning): offset pages until an empty one from R13 (a
   * server may cap pages below the size asked, so a short page is not the
   * end), one call before. Returns how many were learnt; throws when the server cannot be reached.
   */
  async listServices(typeIdentifier = this.options.servicesType ?? 'name=TV Services'): Promise<number> {
    const paged = CRMCOM_RELEASES[this.options.release].offsetPaging;
    let learnt = 0;
    for (let page = 0, offset = 0; page < this.maxPages; page++) {
      const query: Record<string, string> = { type_identifier: typeIdentifier };
      if (paged) Object.assign(query, { [CRMCOM_PAGING.size]: String(this.pageSize), [CRMCOM_PAGING.offset]: String(offset) });
      const answer = await this.call(CRMCOM_PATHS.productList, query);
      if (answer === null) throw new CrmcomLookupError('the CRM.COM server could not be reached: the services list was not refreshed');
      if (!answer.ok) throw new CrmcomLookupError(answer.reason);
      const rows = z.array(productSchema).parse(answer.data);
      const services = rows.filter((p) => p.type?.classification === 'SERVICES' && Boolean(p.type.used_for_provisioning ?? true));
      if (services.length > 0) this.merge('services', services.map(serviceRow));
      learnt += services.length;
      if (!paged || rows.length === 0) return learnt;
      offset += rows.length;
    }
    throw new CrmcomLookupError(`products/list gave no empty page within ${this.maxPages} pages: stopped`);
  }

  /** The answer's outcome, or null when the server could not be reached (then the cache answers). */
  private async call(path: string, query: Record<string, string>): Promise<Outcome | null> {
    let answer: unknown;
    try {
      answer = await this.get(path, query);
    } catch {
      return null;
    }
    return outcomeOf(answer);
  }

  private deviceKind(item: InstalledItem): 'smartcards' | 'stbs' | undefined {
    const names = [item.product?.code, item.product?.type?.name, item.product?.type?.code, item.product?.type?.alternative_code];
    const is = (list: readonly string[]) => names.some((n) => typeof n === 'string' && list.includes(n));
    return is(this.deviceTypes.smartcards) ? 'smartcards' : is(this.deviceTypes.stbs) ? 'stbs' : undefined;
  }

  private deviceRow(item: InstalledItem) {
    return { id: item.id, serial_number: item.serial_number ?? null, alternative_code: item.alternative_code ?? null, data: item };
  }

  private storeDevice(item: InstalledItem, extra: { ca_id?: string }, asked?: 'smartcards' | 'stbs'): LookupResult<'smartcards' | 'stbs'> {
    const kind = this.deviceKind(item) ?? asked;
    if (!kind) return { found: false, source: 'online', reason: `installed item ${item.id} is neither a smartcard nor an STB by its product type` };
    this.merge(kind, [{ ...this.deviceRow(item), ...extra }]);
    return this.stored(kind, item.id);
  }

  private merge<K extends CatalogKind>(kind: K, rows: CatalogRows[K][]): void {
    const result = this.cache.mergeCatalog(kind, rows);
    if (!result.ok) {
      const first = result.errors[0];
      throw new CrmcomLookupError(`the server's ${kind} answer does not fit the local catalog: ${first ? `${first.field}: ${first.message}` : 'invalid'}`);
    }
  }

  private stored<K extends CatalogKind>(kind: K, id: string): LookupResult<K> {
    const row = this.cache.getCatalogItem(kind, id);
    return row ? { found: true, source: 'online', kind, row } : { found: false, source: 'online', reason: 'not stored' };
  }

  private cachedDevice(field: string, value: string): LookupResult<'smartcards' | 'stbs'> {
    const card = this.cached('smartcards', field, value);
    return card.found ? card : this.cached('stbs', field, value);
  }

  /** The local catalog's row whose `field` is exactly `value` (searched by prefix, then matched). */
  private cached<K extends CatalogKind>(kind: K, field: string, value: string): LookupResult<K> {
    const row = this.cache.searchCatalog(kind, value, 50).find((r) => (r as Record<string, unknown>)[field] === value);
    return row
      ? { found: true, source: 'cache', kind, row }
      : { found: false, source: 'cache', reason: 'the CRM.COM server could not be reached and the local catalog does not know it' };
  }
}

const label = (kind: 'smartcards' | 'stbs') => (kind === 'smartcards' ? 'a smartcard' : 'an STB');

/**
 * A show must answer the item asked for: a server (or a proxy, or a crossed
 * answer) naming another one is refused and nothing of it is cached, so a
 * picker never offers a card under a serial that is not its own. Compared
 * without case or surrounding blanks: a server may match a typed serial so.
 */
function mustAnswerWhatWasAsked(call: string, field: string, asked: string, answered: unknown): void {
  const same = typeof answered === 'string' && answered.trim().toUpperCase() === asked.trim().toUpperCase();
  if (!same) {
    const what = typeof answered === 'string' ? `${field} ${answered}` : `no ${field}`;
    throw new CrmcomLookupError(`${call} was asked for ${field} ${asked} and answered an item with ${what}: not cached`);
  }
}

function serviceRow(product: z.infer<typeof productSchema>): CatalogRows['services'] {
  return {
    id: product.id,
    code: product.code ?? null,
    alternative_code: product.alternative_code ?? null,
    name: product.description ?? null,
    data: product,
  };
}
