import { HEADEND_PROFILES } from '../../shared/domain/headend-profiles';
import { TransportError, type QueryOutcome, type SubmitHooks } from './headend-client';
import { HttpJsonTransport, type HttpAnswer, type HttpJsonTransportOptions } from './http-json-transport';
import { ProvisioningApiClient, type ProvisioningApiClientOptions, type RawCaller } from './provisioning-api-client';

// Conax Web Services over HTTP(S) at the URL's origin (the tcp-gateway
// profile, docs/protocol.md): POST bodies are JSON, GET parameters are query
// parameters with nested identifiers JSON-encoded. Paths are the profile row's
// (shared/domain/headend-profiles.ts): the seed's POST provisioning_request/<method>,
// GET provisioning_requests/show|list.

const WIRE = HEADEND_PROFILES['tcp-gateway'].providers.conax;
const CONAX_PATHS = { post: (method: string) => WIRE.post(method), show: WIRE.show, list: WIRE.list, login: WIRE.login };

function queryString(query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.set(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * The body of an HTTP answer as an envelope. An error status with a readable
 * envelope is the head-end's answer: its words count (outcome-classes.ts).
 * Without one, only 429 (rate limited) proves "not acted on"; a 5xx page
 * (502 from a proxy, 503) may come from behind which the head-end created
 * the request, and anything else is malformed: for a POST, maybe created.
 */
function envelopeOf(answer: HttpAnswer, what: string): unknown {
  if (answer.json !== undefined && answer.json !== null && typeof answer.json === 'object') return answer.json;
  const detail = `${what}: HTTP ${answer.status} with ${answer.bodyProblem ?? 'a body that is not an envelope'}`;
  if (answer.status === 429) throw new TransportError('http_status', 'not_sent', `${detail} (rate limited, not served)`, answer.status);
  throw new TransportError('malformed_answer', 'maybe_sent', detail, answer.status);
}

class ConaxHttpCaller implements RawCaller {
  constructor(readonly http: HttpJsonTransport) {}

  get connected(): boolean {
    return this.http.connected;
  }

  async post(method: string, body: Record<string, unknown>, hooks?: SubmitHooks): Promise<unknown> {
    const answer = await this.http.request('POST', CONAX_PATHS.post(method), body, { onWritten: hooks?.onWritten });
    return envelopeOf(answer, `POST ${method}`);
  }

  async show(query: Record<string, unknown>): Promise<unknown> {
    return envelopeOf(await this.http.request('GET', CONAX_PATHS.show + queryString(query)), 'show');
  }

  async list(query: Record<string, unknown>): Promise<unknown> {
    return envelopeOf(await this.http.request('GET', CONAX_PATHS.list + queryString(query)), 'list');
  }

  async login(body: Record<string, unknown>): Promise<unknown> {
    return envelopeOf(await this.http.request('POST', CONAX_PATHS.login, body), 'login');
  }

  /** Alive when any envelope comes back; no token needed (an error answer proves the head-end is up). */
  async ping(): Promise<unknown> {
    const answer = await this.http.request('GET', `${CONAX_PATHS.list}?type=ADD_SUBSCRIPTIONS&records_per_page=1&fields_set=id`);
    envelopeOf(answer, 'ping');
    return { status: { message: '', description: '', code: 'OK' }, data: null };
  }

  /** GET of another documented path (e.g. /sandbox/catalog/<kind>). */
  async call(path: string, query: Record<string, unknown>): Promise<unknown> {
    return envelopeOf(await this.http.request('GET', path + queryString(query)), path);
  }

  async close(): Promise<void> {
    this.http.close();
  }
}

export type ConaxHttpClientOptions = HttpJsonTransportOptions & ProvisioningApiClientOptions;

export class ConaxHttpClient extends ProvisioningApiClient {
  readonly http: HttpJsonTransport;
  readonly requestTimeoutMs: number;

  constructor(options: ConaxHttpClientOptions) {
    const { credentials, session, ...transport } = options;
    const http = new HttpJsonTransport(transport);
    super('conax', new ConaxHttpCaller(http), { credentials, session });
    this.http = http;
    this.requestTimeoutMs = http.timeoutMs;
  }

  /** GET `path` with the session token and `query`, answered in the envelope (raw kept for paging). */
  getWithToken(path: string, query: Record<string, unknown>): Promise<QueryOutcome<unknown> & { raw?: unknown }> {
    return this.callRaw(path, query);
  }
}
