// The CRM.COM V4 profile's reads of the catalog: installed_items/show,
// provisioning/installed_items/show (by a provider parameter such as a CA id),
// subscriptions/show, products/show and products/list, answered from the
// sandbox's own catalog in the shapes the wiki's pages show. Plus the GET
// conventions every read shares: `<name>=<field>=<value>` identifiers and
// offset paging from R13.
import { z } from 'zod';
import {
  CRMCOM_CA_ID_PARAMETERS,
  CRMCOM_PATHS,
  CRMCOM_RELEASES,
  decodeGetIdentifier,
  type CrmcomRelease,
} from '../../shared/domain/crmcom-v4';
import {
  INSTALLED_ITEM_IDENTIFIER_FIELDS,
  SERVICE_IDENTIFIER_FIELDS,
  semiOptional,
  subscriptionIdentifierSchema,
} from '../../shared/domain/identifiers';
import type { Provider } from '../../shared/domain/request-types';
import type { CatalogRepo } from './catalog-repo';
import {
  CRMCOM_PROVIDERS,
  DEVICE_PRODUCTS,
  crmcomProject,
  deviceProduct,
  installedItem,
  productTypeNamed,
  providerNamed,
  serviceProduct,
  subscriptionView,
} from './crmcom-views';
import { fail, invalid, invalidField, ok, type Answer } from './envelope';
import { MAX_RECORDS_PER_PAGE } from './headend-options';

const installedItemIdentifier = semiOptional('installed_item_identifier', INSTALLED_ITEM_IDENTIFIER_FIELDS);
const productIdentifier = semiOptional('product_identifier', SERVICE_IDENTIFIER_FIELDS);
const providerIdentifier = semiOptional('provisioning_provider_identifier', ['id', 'name', 'alternative_code'] as const);
const PRODUCT_FILTERS = ['type_identifier', 'brand_identifier', 'family_identifier', 'category_identifier'] as const;

export function stripKeys(query: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query).filter(([k]) => !keys.includes(k)));
}

/** A GET identifier `<name>=<field>=<value>`, decoded and checked; JSON is refused with the right form named. */
export function getIdentifier<T extends Record<string, string | undefined>>(
  query: Record<string, unknown>,
  name: string,
  schema: z.ZodType<T>,
): T | Answer {
  const raw = query[name];
  if (typeof raw !== 'string' || raw.length === 0) return invalidField(name, `${name} is required, e.g. ${name}=number=18570`);
  const decoded = decodeGetIdentifier(raw);
  if (!decoded) return invalidField(name, `write it as ${name}=<field>=<value>, e.g. ${name}=number=18570 (not JSON)`);
  const parsed = schema.safeParse(decoded);
  return parsed.success ? parsed.data : invalid(parsed.error, name);
}

const count = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : v),
    z.number({ message: 'must be a whole number' }).int({ message: 'must be a whole number' }).min(min, { message: `must be at least ${min}` }).max(max, { message: `must be at most ${max}` }),
  ).optional();
const offsetPagingSchema = z.object({
  number_of_results: count(1, MAX_RECORDS_PER_PAGE),
  offset: count(0, 1_000_000_000),
});

/**
 * R13+: number_of_results rows after offset (absent number_of_results: every
 * row from offset, the wiki names no default [inferred]). Before R13 a list
 * returns everything and the two parameters are ignored [page].
 */
export function offsetPaging(query: Record<string, unknown>, release: CrmcomRelease): { offset: number; limit: number | null } | Answer {
  if (!CRMCOM_RELEASES[release].offsetPaging) return { offset: 0, limit: null };
  const parsed = offsetPagingSchema.safeParse({ number_of_results: query.number_of_results, offset: query.offset });
  if (!parsed.success) return invalid(parsed.error);
  return { offset: parsed.data.offset ?? 0, limit: parsed.data.number_of_results ?? null };
}

const LOOKUP_ROUTES: readonly string[] = [
  CRMCOM_PATHS.installedItemShow,
  CRMCOM_PATHS.provisioningInstalledItemShow,
  CRMCOM_PATHS.subscriptionShow,
  CRMCOM_PATHS.productShow,
  CRMCOM_PATHS.productList,
];

export class CrmcomLookups {
  constructor(
    private readonly catalog: CatalogRepo,
    private readonly release: () => CrmcomRelease,
  ) {}

  handles(route: string): boolean {
    return LOOKUP_ROUTES.includes(route);
  }

  /** A lookup's answer; the caller has checked the token. */
  answer(route: string, query: Record<string, unknown>): Answer {
    const shown = (item: Record<string, unknown> | undefined, what: string) =>
      item ? ok(crmcomProject(item, query.fields_set)) : fail('NOT_FOUND', `no such ${what}`);
    switch (route) {
      case CRMCOM_PATHS.installedItemShow: {
        const id = getIdentifier(query, 'installed_item_identifier', installedItemIdentifier);
        if ('envelope' in id) return id;
        const card = this.catalog.smartcard(id);
        const stb = card ? undefined : this.catalog.stb(id);
        return shown(card ? installedItem('smartcards', card) : stb && installedItem('stbs', stb), 'installed item');
      }
      case CRMCOM_PATHS.provisioningInstalledItemShow:
        return this.byProviderParameter(query);
      case CRMCOM_PATHS.subscriptionShow: {
        const id = getIdentifier(query, 'subscription_identifier', subscriptionIdentifierSchema);
        if ('envelope' in id) return id;
        const row = this.catalog.subscription(id);
        return shown(row && subscriptionView(row, this.catalog), 'subscription');
      }
      case CRMCOM_PATHS.productShow: {
        const id = getIdentifier(query, 'product_identifier', productIdentifier);
        if ('envelope' in id) return id;
        const service = this.catalog.service(id);
        const device = (['smartcards', 'stbs'] as const).find((k) =>
          Object.entries(id).some(([f, v]) => DEVICE_PRODUCTS[k][f as keyof (typeof DEVICE_PRODUCTS)['stbs']] === v),
        );
        return shown(service ? serviceProduct(service) : device && deviceProduct(device), 'product');
      }
      default:
        return this.productList(query);
    }
  }

  /** provisioning_provider_identifier + parameter_name + parameter_value, e.g. a smartcard's CA id (R11+). */
  private byProviderParameter(query: Record<string, unknown>): Answer {
    const id = getIdentifier(query, 'provisioning_provider_identifier', providerIdentifier);
    if ('envelope' in id) return id;
    if (!providerNamed(id as Record<string, string>)) return fail('NOT_FOUND', 'provisioning_provider_identifier: no such provisioning provider');
    const name = query.parameter_name;
    const value = query.parameter_value;
    const names = Object.values(CRMCOM_CA_ID_PARAMETERS);
    if (typeof name !== 'string' || !(names as string[]).includes(name)) {
      return invalidField('parameter_name', `parameter_name must be one of ${names.join(', ')}`);
    }
    if (typeof value !== 'string' || value.length === 0) return invalidField('parameter_value', 'parameter_value is required');
    const item =
      name === CRMCOM_CA_ID_PARAMETERS.smartcard
        ? ((r) => r && installedItem('smartcards', r))(this.catalog.smartcardByCaId(value))
        : ((r) => r && installedItem('stbs', r))(this.catalog.stbByCaId(value));
    return item ? ok(crmcomProject(item, query.fields_set)) : fail('NOT_FOUND', 'no installed item has this parameter value');
  }

  /** Exactly one of the four filters; only product types exist in the sandbox (brands, families, categories list nothing). */
  private productList(query: Record<string, unknown>): Answer {
    const given = PRODUCT_FILTERS.filter((f) => query[f] !== undefined);
    if (given.length !== 1) return invalidField('type_identifier', `specify exactly one of ${PRODUCT_FILTERS.join(', ')}`);
    const paging = offsetPaging(query, this.release());
    if ('envelope' in paging) return paging;
    const filter = given[0]!;
    const raw = query[filter];
    const decoded = typeof raw === 'string' ? decodeGetIdentifier(raw) : null;
    if (!decoded) return invalidField(filter, `write it as ${filter}=<field>=<value>, e.g. ${filter}=name=TV Services`);
    if (filter !== 'type_identifier') return ok([]);
    const type = productTypeNamed(decoded);
    let products: Record<string, unknown>[];
    if (type === undefined) products = [];
    else if (type === 'services') products = this.catalog.servicesRange(paging.offset, paging.limit).map(serviceProduct);
    else products = [deviceProduct(type)].slice(paging.offset, paging.limit === null ? undefined : paging.offset + paging.limit);
    return ok(products.map((p) => crmcomProject(p, query.fields_set)));
  }

  /** What the generic show adds to a request: its provisioning_provider and subscription objects [page]. */
  requestContext(provider: Provider, params: Record<string, unknown>): Record<string, unknown> {
    const named = params.subscription_identifier as Record<string, string> | undefined;
    const row = named ? this.catalog.subscription(named) : undefined;
    return {
      provisioning_provider: CRMCOM_PROVIDERS[provider],
      subscription: row ? { id: row.id, number: row.number } : null,
    };
  }
}
