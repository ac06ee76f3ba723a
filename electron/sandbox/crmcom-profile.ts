// The CRM.COM V4 Web API profile of the sandbox, served under /crmapi/rest/v2 on
// the HTTP port: login (JWT from R12, Web API key), both providers as HTTP
// POSTs, the generic and Conax show, Conax list with offset paging (R13+), and
// the catalog lookups. The release switch picks tokens, paging and the
// Nagravision bodies. Rules of requests stay in HeadendService; this file
// translates the wiki's conventions to them and back (docs/protocol.md).
import {
  CRMCOM_IDLE_TOKEN_LIFETIME_MS,
  CRMCOM_JWT_LIFETIME_MS,
  CRMCOM_PATHS,
  CRMCOM_RELEASES,
  type CrmcomRelease,
} from '../../shared/domain/crmcom-v4';
import { listQuery } from '../../shared/domain/conax-requests';
import { provisioningRequestIdentifierSchema } from '../../shared/domain/identifiers';
import { loginRequestSchema } from '../../shared/domain/login';
import type { TokenPolicy, TokenStore } from './auth-tokens';
import type { CatalogRepo } from './catalog-repo';
import { crmcomEnvelope, crmcomProject, crmcomRequestView } from './crmcom-views';
import { CrmcomLookups, getIdentifier, offsetPaging, stripKeys } from './crmcom-lookups';
import { fail, invalid, invalidField, ok, type Answer } from './envelope';
import type { HeadendService } from './headend-service';
import type { ListFilter, RequestStore } from './request-store';

export interface CrmcomDeps {
  service: HeadendService;
  catalog: CatalogRepo;
  store: RequestStore;
  tokens: TokenStore;
  /** Read per call: the control knob may switch it at run time. */
  release: () => CrmcomRelease;
}

export interface CrmcomCall {
  method: string;
  /** The path below the base path, without a leading slash. */
  route: string;
  query: Record<string, unknown>;
  /** The parsed JSON body of a POST ({} for GET). */
  body: unknown;
  /** The Authorization header (Web API key login). */
  authorization: string | undefined;
}

/** Delays a creation by the createLateMs fault knob (the HTTP server's). */
export type LateCreation = (create: () => Answer | Promise<Answer>) => Answer | Promise<Answer>;

const NAGRA_POST = /^nagravision\/provisioning_requests\/([a-z_]{1,64})$/;
const CONAX_CALL = /^conax_web_services\/provisioning_requests\/([a-z_]{1,64})$/;

/** Tokens of a release [page]: R12+ a JWT dying 2 h after issue whatever the use; before, opaque and 1 h idle. */
export function tokenPolicyOf(release: CrmcomRelease, webApiKey = false): TokenPolicy {
  if (CRMCOM_RELEASES[release].jwtTokens) return { format: 'jwt', idleMs: null, absoluteMs: CRMCOM_JWT_LIFETIME_MS };
  // Web-API-key tokens last 2 hours [page]; before R12 they are opaque like the others.
  if (webApiKey) return { format: 'opaque', idleMs: null, absoluteMs: CRMCOM_JWT_LIFETIME_MS };
  return { format: 'opaque', idleMs: CRMCOM_IDLE_TOKEN_LIFETIME_MS, absoluteMs: null };
}

const asObject = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

export class CrmcomV4Profile {
  private readonly lookups: CrmcomLookups;

  constructor(private readonly deps: CrmcomDeps) {
    this.lookups = new CrmcomLookups(deps.catalog, deps.release);
  }

  /** Which verb a route takes, or null when the profile has no such route. */
  verbOf(route: string): 'GET' | 'POST' | null {
    if (route === CRMCOM_PATHS.login || route === CRMCOM_PATHS.webApiKeyLogin || route === CRMCOM_PATHS.releaseToken) return 'POST';
    // Nagravision has no show or list on the wiki [absent]: its status comes from the generic show.
    const nagra = NAGRA_POST.exec(route)?.[1];
    if (nagra !== undefined) return nagra === 'show' || nagra === 'list' ? null : 'POST';
    const conax = CONAX_CALL.exec(route)?.[1];
    if (conax !== undefined) return conax === 'show' || conax === 'list' ? 'GET' : 'POST';
    if (route === CRMCOM_PATHS.provisioningRequestShow || this.lookups.handles(route)) return 'GET';
    return null;
  }

  /** The answer of a call whose verb matched verbOf(); always in the profile's envelope. */
  async handle(call: CrmcomCall, late: LateCreation): Promise<Answer> {
    return crmcomEnvelope(await this.answer(call, late));
  }

  private answer(call: CrmcomCall, late: LateCreation): Answer | Promise<Answer> {
    const { route, query } = call;
    const release = this.deps.release();
    switch (route) {
      case CRMCOM_PATHS.login:
        return this.login(call.body, release);
      case CRMCOM_PATHS.webApiKeyLogin:
        return this.webApiKeyLogin(call, release);
      case CRMCOM_PATHS.releaseToken:
        return this.deps.service.release(call.body);
      case CRMCOM_PATHS.provisioningRequestShow:
        return this.show(query, null);
    }
    const nagra = NAGRA_POST.exec(route)?.[1];
    if (nagra !== undefined) return this.submitNagravision(nagra, call.body, release, late);
    const conax = CONAX_CALL.exec(route)?.[1];
    if (conax === 'show') return this.show(query, 'conax');
    if (conax === 'list') return this.conaxList(query, release);
    if (conax !== undefined) return this.submitConax(conax, call.body, late);
    const session = this.deps.service.authenticate(query);
    if ('envelope' in session) return session;
    return this.lookups.answer(route, query);
  }

  private login(body: unknown, release: CrmcomRelease): Answer {
    const parsed = loginRequestSchema.safeParse(body);
    if (!parsed.success) return invalid(parsed.error);
    const outcome = this.deps.tokens.login(parsed.data, tokenPolicyOf(release));
    return outcome.ok ? ok({ token: outcome.token }) : fail('UNAUTHORIZED', outcome.reason);
  }

  /** HTTP Basic with the key as user name and an empty password; the body may name a unit. */
  private webApiKeyLogin(call: CrmcomCall, release: CrmcomRelease): Answer {
    const header = call.authorization ?? '';
    const match = /^Basic ([A-Za-z0-9+/=]{1,1024})$/.exec(header);
    const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon <= 0) return fail('UNAUTHORIZED', 'send the Web API key as the HTTP Basic user name with an empty password', 401);
    const body = asObject(call.body) ?? {};
    const unit = body.unit;
    if (unit !== undefined && (typeof unit !== 'string' || unit.length === 0 || unit.length > 128)) {
      return invalidField('unit', 'unit must be a unit name of 1 to 128 characters');
    }
    const outcome = this.deps.tokens.loginWithWebApiKey(decoded.slice(0, colon), unit, tokenPolicyOf(release, true));
    return outcome.ok ? ok({ token: outcome.token }) : fail('UNAUTHORIZED', outcome.reason);
  }

  /**
   * R17.3: installed_item_identifier replaces the deprecated (still accepted)
   * smartcard_identifier, and subscription_identifier may be left out: the
   * card's own subscription is taken. Before R17.3 installed_item_identifier
   * is an unknown field.
   */
  private submitNagravision(method: string, rawBody: unknown, release: CrmcomRelease, late: LateCreation) {
    const body = asObject(rawBody);
    if (!body) return invalidField('body', 'body must be a JSON object');
    const translated = { ...body };
    if (CRMCOM_RELEASES[release].installedItemIdentifier) {
      if (translated.installed_item_identifier !== undefined) {
        if (translated.smartcard_identifier !== undefined) {
          return invalidField('installed_item_identifier', 'give installed_item_identifier or the deprecated smartcard_identifier, not both');
        }
        translated.smartcard_identifier = translated.installed_item_identifier;
        delete translated.installed_item_identifier;
      }
      const card = asObject(translated.smartcard_identifier);
      if (translated.subscription_identifier === undefined && card) {
        const row = this.deps.catalog.smartcard(card);
        if (row) translated.subscription_identifier = { number: row.subscription_number };
      }
    }
    return this.created(late(() => this.deps.service.submit('nagravision', method, translated, 'http')));
  }

  /** create_pairing / add_to_existing_pairing name devices by CA id: { smartcard_ca_id } / { stb_ca_id } [page]. */
  private submitConax(method: string, rawBody: unknown, late: LateCreation) {
    const body = asObject(rawBody);
    if (!body) return invalidField('body', 'body must be a JSON object');
    const translated = { ...body };
    for (const [set, field, find] of [
      ['smartcard_set', 'smartcard_ca_id', (ca: string) => this.deps.catalog.smartcardByCaId(ca)],
      ['stb_set', 'stb_ca_id', (ca: string) => this.deps.catalog.stbByCaId(ca)],
    ] as const) {
      const elements = translated[set];
      if (!Array.isArray(elements)) continue;
      const mapped: unknown[] = [];
      for (const [i, element] of elements.entries()) {
        const e = asObject(element);
        const caId = e?.[field];
        if (!e || typeof caId !== 'string' || Object.keys(e).length !== 1) {
          mapped.push(element);
          continue;
        }
        const row = find(caId);
        if (!row) return fail('NOT_FOUND', `${set}.${i}.${field}: no device with this CA id`);
        mapped.push({ id: row.id });
      }
      translated[set] = mapped;
    }
    return this.created(late(() => this.deps.service.submit('conax', method, translated, 'http')));
  }

  private async created(answer: Answer | Promise<Answer>): Promise<Answer> {
    const a = await answer;
    const data = asObject(a.envelope.data);
    return data && a.envelope.status.code === 'OK' ? ok(crmcomRequestView(data)) : a;
  }

  /** Generic show (any provider, with provisioning_provider and subscription) or Conax show (provider = conax). */
  private show(query: Record<string, unknown>, provider: 'conax' | null): Answer {
    const session = this.deps.service.authenticate(query);
    if ('envelope' in session) return session;
    const identifier = getIdentifier(query, 'provisioning_request_identifier', provisioningRequestIdentifierSchema);
    if ('envelope' in identifier) return identifier;
    const found = provider ? this.deps.store.find(provider, identifier) : this.deps.store.findAny(identifier);
    if (!found) return fail('NOT_FOUND', 'provisioning_request_identifier: no such provisioning request');
    let view = crmcomRequestView(found.object);
    if (!provider) view = { ...view, ...this.lookups.requestContext(found.provider as 'nagravision' | 'conax', found.params) };
    return ok(crmcomProject(view, query.fields_set));
  }

  /** One of type / life_cycle_state / reference_number; from R13 number_of_results + offset, a bare array. */
  private conaxList(query: Record<string, unknown>, release: CrmcomRelease): Answer {
    const session = this.deps.service.authenticate(query);
    if ('envelope' in session) return session;
    const paging = offsetPaging(query, release);
    if ('envelope' in paging) return paging;
    const parsed = listQuery.safeParse(stripKeys(query, ['token', 'number_of_results', 'offset', 'fields_set']));
    if (!parsed.success) return invalid(parsed.error);
    const { fields_set: _f, ...filters } = parsed.data;
    const filter = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as ListFilter;
    const items = this.deps.store.listRange('conax', filter, paging.offset, paging.limit);
    return ok(items.map((r) => crmcomProject(crmcomRequestView(r.object), query.fields_set)));
  }
}
