// What the head-end answers, whatever carried the call (TCP frame or HTTP): login,
// token release, request creation, show, list and the catalog export. The
// transports only decode, route and write; every rule lives here.
import { z } from 'zod';
import { listQuery, listQueryFor, showQuery } from '../../shared/domain/conax-requests';
import { UDF_FIELDS } from '../../shared/domain/common-fields';
import { provisioningRequestSchema } from '../../shared/domain/provisioning-request';
import { localDateTimeSchema } from '../../shared/domain/dates';
import { loginRequestSchema, releaseTokenRequestSchema } from '../../shared/domain/login';
import { findRequestDefinition, parseWireBody } from '../../shared/domain/request-catalog';
import { NAGRAVISION_TYPES, type Provider } from '../../shared/domain/request-types';
import type { Session, TokenStore } from './auth-tokens';
import { CATALOG_KINDS, type CatalogKind } from '../../shared/domain/catalog';
import type { CatalogRepo } from './catalog-repo';
import { fail, invalid, invalidField, ok, type Answer } from './envelope';
import type { GroupCommit } from './group-commit';
import { getMeta, type Db } from './headend-db';
import { DEFAULT_RECORDS_PER_PAGE, MAX_RECORDS_PER_PAGE } from './headend-options';
import { buildPendingRequest, cardRefs, storableParams } from './request-factory';
import type { RequestProcessor } from './request-processor';
import type { ListFilter, RequestStore } from './request-store';

export type Transport = 'tcp' | 'http';

const pageNumber = (max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : v),
    z.number({ message: 'must be a whole number' }).int({ message: 'must be a whole number' }).min(1, { message: 'must be at least 1' }).max(max, { message: `must be at most ${max}` }),
  );
const pagingSchema = z.object({
  page: pageNumber(1_000_000_000).default(1),
  records_per_page: pageNumber(MAX_RECORDS_PER_PAGE).default(DEFAULT_RECORDS_PER_PAGE),
});

/** Nagravision list over TCP (our extension): the Conax list rules with Nagravision types. */
const nagravisionListQuery = listQueryFor(
  z.enum(NAGRAVISION_TYPES, { message: `type must be one of the Nagravision types: ${NAGRAVISION_TYPES.join(', ')}` }),
);

const catalogQuery = z.strictObject({
  updated_after: localDateTimeSchema.optional(),
  revision_after: z.preprocess(
    (v) => (typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : v),
    z.number({ message: 'must be a whole number' }).int().min(0),
  ).optional(),
});

export interface ServiceDeps {
  db: Db;
  /** Where request creation writes go: committed in groups, answered after. */
  writes: GroupCommit;
  catalog: CatalogRepo;
  store: RequestStore;
  tokens: TokenStore;
  processor: RequestProcessor;
  distributorId: string;
  processingDelayMs: number;
}

function asObject(body: unknown): Record<string, unknown> | null {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
}

export class HeadendService {
  constructor(private readonly deps: ServiceDeps) {}

  login(body: unknown): Answer {
    const parsed = loginRequestSchema.safeParse(body);
    if (!parsed.success) return invalid(parsed.error);
    const outcome = this.deps.tokens.login(parsed.data);
    if (!outcome.ok) return fail('UNAUTHORIZED', outcome.reason);
    return ok({ token: outcome.token });
  }

  release(body: unknown): Answer {
    const parsed = releaseTokenRequestSchema.safeParse(body);
    if (!parsed.success) return invalid(parsed.error);
    if (!this.deps.tokens.release(parsed.data.token)) return fail('UNAUTHORIZED', 'token is unknown or expired');
    return ok({ released: true });
  }

  /** The session of the body's token, or the answer refusing it. */
  authenticate(body: Record<string, unknown>): Session | Answer {
    const token = body.token;
    if (typeof token !== 'string' || token.length === 0) return invalidField('token', 'token is required');
    const session = this.deps.tokens.use(token);
    return session ?? fail('UNAUTHORIZED', 'token is unknown or expired: log in again');
  }

  /**
   * Creates a request. A refused one is answered at once; an accepted one is
   * answered once its row is committed (group commit: see group-commit.ts).
   */
  submit(provider: Provider, method: string, rawBody: unknown, transport: Transport): Answer | Promise<Answer> {
    const body = asObject(rawBody);
    if (!body) return invalidField('body', 'body must be a JSON object');
    const definition = findRequestDefinition(provider, method);
    if (!definition) return fail('NOT_FOUND', `unknown ${provider} method '${method.slice(0, 100)}'`);
    const session = this.authenticate(body);
    if ('envelope' in session) return session;
    const parsed = parseWireBody(definition, body);
    if (!parsed.success) return invalid(parsed.error);

    const { catalog, store, processor, writes } = this.deps;
    const { params } = parsed;
    return writes
      .run(() => {
        const number = store.nextNumber();
        const { object, dueMs } = buildPendingRequest({
          definition,
          params,
          session,
          catalog,
          number,
          distributorId: this.deps.distributorId,
          processingDelayMs: this.deps.processingDelayMs,
          nowMs: Date.now(),
        });
        store.insert(
          {
            number,
            id: object.id as string,
            provider,
            method,
            type: definition.type,
            priority: object.priority as string,
            due_ms: dueMs,
            params: storableParams(definition, params),
            object,
          },
          transport,
          cardRefs(definition, params, catalog),
        );
        // process_immediately: processed in the same group, so the answer is the processed request
        return params.process_immediately === true ? processor.processNowNumber(number) : object;
      })
      .then((object) => ok(object));
  }

  show(provider: Provider, rawQuery: unknown): Answer {
    const query = asObject(rawQuery);
    if (!query) return invalidField('body', 'body must be a JSON object');
    const session = this.authenticate(query);
    if ('envelope' in session) return session;
    const { token: _token, ...rest } = query;
    const parsed = showQuery.safeParse(rest);
    if (!parsed.success) return invalid(parsed.error);
    const found = this.deps.store.find(provider, parsed.data.provisioning_request_identifier as { id?: string; number?: string });
    if (!found) return fail('NOT_FOUND', 'provisioning_request_identifier: no such provisioning request');
    const projected = project([found.object], parsed.data.fields_set);
    return 'envelope' in projected ? projected : ok(projected[0]);
  }

  list(provider: Provider, rawQuery: unknown): Answer {
    const query = asObject(rawQuery);
    if (!query) return invalidField('body', 'body must be a JSON object');
    const session = this.authenticate(query);
    if ('envelope' in session) return session;
    const { token: _token, page, records_per_page, ...rest } = query;
    const paging = pagingSchema.safeParse({ page, records_per_page });
    if (!paging.success) return invalid(paging.error);
    const parsed = (provider === 'conax' ? listQuery : nagravisionListQuery).safeParse(rest);
    if (!parsed.success) return invalid(parsed.error);
    const { fields_set, ...filters } = parsed.data;
    const filter = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as ListFilter;
    const { page: p, records_per_page: per } = paging.data;
    const { items, total } = this.deps.store.list(provider, filter, p, per);
    const projected = project(items.map((i) => i.object), fields_set);
    if ('envelope' in projected) return projected;
    return ok(projected, { page: p, records_per_page: per, total_records: total, total_pages: Math.ceil(total / per) });
  }

  catalogPage(kind: string, rawQuery: Record<string, unknown>): Answer {
    const session = this.authenticate(rawQuery);
    if ('envelope' in session) return session;
    if (!(CATALOG_KINDS as readonly string[]).includes(kind)) {
      return fail('NOT_FOUND', `unknown catalog '${kind.slice(0, 50)}': one of ${CATALOG_KINDS.join(', ')}`);
    }
    const { token: _token, page, records_per_page, ...rest } = rawQuery;
    const paging = pagingSchema.safeParse({ page, records_per_page });
    if (!paging.success) return invalid(paging.error);
    const filter = catalogQuery.safeParse(rest);
    if (!filter.success) return invalid(filter.error);
    const { page: p, records_per_page: per } = paging.data;
    const { items, total } = this.deps.catalog.exportPage(kind as CatalogKind, p, per, {
      updatedAfter: filter.data.updated_after,
      revisionAfter: filter.data.revision_after,
    });
    const revision = Number(getMeta(this.deps.db, 'revision') ?? '0');
    return ok(items, {
      page: p,
      records_per_page: per,
      total_records: total,
      total_pages: Math.ceil(total / per),
      catalog_revision: revision,
    });
  }
}

const KNOWN_FIELDS = new Set([...Object.keys(provisioningRequestSchema.shape), ...UDF_FIELDS]);

/** fields_set: keep only the named fields; an unknown name is a parameter error. */
function project(objects: Record<string, unknown>[], fieldsSet: string | undefined): Record<string, unknown>[] | Answer {
  if (fieldsSet === undefined) return objects;
  const fields = fieldsSet.split(',');
  const unknown = fields.filter((f) => !KNOWN_FIELDS.has(f));
  if (unknown.length > 0) return invalidField('fields_set', `unknown field ${unknown.join(', ')}`);
  return objects.map((o) => Object.fromEntries(fields.map((f) => [f, o[f] ?? null])));
}
