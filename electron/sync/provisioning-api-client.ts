import type { Provider } from '../../shared/domain/request-types';
import {
  interpretGenericAnswer,
  interpretListAnswer,
  interpretLoginAnswer,
  interpretShowAnswer,
  interpretSubmitAnswer,
} from './answer-parsing';
import { tagWithClientUuid } from '../../shared/domain/client-uuid';
import { outcomeOf, type OutcomeClass } from './outcome-classes';
import {
  TransportError,
  type HeadendClient,
  type ListFilter,
  type ListPage,
  type PartialRequest,
  type QueryOutcome,
  type SubmitHooks,
  type SubmitOutcome,
} from './headend-client';
import { HeadendSession, LoginFailure, type HeadendCredentials, type HeadendSessionOptions, type LoginResult } from './headend-session';

// What both protocols share once bytes are moved: the session token, the
// UUID tag, parsing every answer with the domain schemas and turning every
// failure into an outcome. A protocol module supplies only a RawCaller.

/** Moves one call and returns the parsed-JSON answer; throws TransportError. */
export interface RawCaller {
  post(method: string, body: Record<string, unknown>, hooks?: SubmitHooks): Promise<unknown>;
  show(query: Record<string, unknown>): Promise<unknown>;
  list(query: Record<string, unknown>): Promise<unknown>;
  login(body: Record<string, unknown>): Promise<unknown>;
  ping(): Promise<unknown>;
  /** Any other documented call (e.g. the sandbox's catalog export). */
  call(method: string, body: Record<string, unknown>): Promise<unknown>;
  readonly connected: boolean;
  close(): Promise<void>;
}

export interface ProvisioningApiClientOptions {
  credentials: HeadendCredentials;
  session?: HeadendSessionOptions;
  /**
   * The head-end echoes a created request's UDFs in its answer (the sandbox
   * does, docs/protocol.md section 6): then an OK answer is accepted only with
   * our UUID in it. Default true; false for a head-end that promises no echo,
   * whose every OK answer is then verified by a lookup (outcome-classes.ts).
   */
  echoesClientUuid?: boolean;
}

function isUnauthorized(outcome: { kind: string; errorClass?: string }): boolean {
  return outcome.kind === 'auth' || (outcome.kind === 'error' && outcome.errorClass === 'auth');
}

/** What a transport failure of a submit proves (outcome-classes.ts). */
export function classOfTransportError(error: TransportError): OutcomeClass {
  if (error.delivery === 'not_sent') return error.httpStatus === 429 ? 'rate_limited' : 'not_sent';
  if (error.httpStatus !== undefined && error.httpStatus >= 500) return 'http_5xx';
  if (error.kind === 'timeout') return 'timeout_after_write';
  if (error.kind === 'malformed_answer' || error.kind === 'http_status') return 'unparseable';
  return 'lost_after_write';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class ProvisioningApiClient implements HeadendClient {
  readonly session: HeadendSession;
  readonly echoesClientUuid: boolean;

  constructor(
    readonly provider: Provider,
    private readonly caller: RawCaller,
    options: ProvisioningApiClientOptions,
  ) {
    this.session = new HeadendSession((c) => this.login(c), options.credentials, options.session);
    this.echoesClientUuid = options.echoesClientUuid ?? true;
  }

  get connected(): boolean {
    return this.caller.connected;
  }

  async submit(
    method: string,
    params: Record<string, unknown>,
    clientUuid: string,
    hooks?: SubmitHooks,
  ): Promise<SubmitOutcome> {
    let body: Record<string, unknown>;
    try {
      body = tagWithClientUuid(params, clientUuid);
    } catch (error) {
      return { kind: 'rejected', code: 'RESERVED_UDF', description: describe(error) };
    }
    try {
      return await this.session.run(
        async (token) =>
          interpretSubmitAnswer(await this.caller.post(method, { ...body, token }, hooks), { clientUuid, echoesUuid: this.echoesClientUuid }),
        isUnauthorized,
      );
    } catch (error) {
      return this.submitFailure(error);
    }
  }

  async show(identifier: { id: string } | { number: string }, fieldsSet?: string): Promise<QueryOutcome<PartialRequest>> {
    const query: Record<string, unknown> = { provisioning_request_identifier: identifier };
    if (fieldsSet) query.fields_set = fieldsSet;
    return this.query((token) => this.caller.show({ ...query, token }), interpretShowAnswer);
  }

  async list(filter: ListFilter): Promise<QueryOutcome<ListPage>> {
    const query = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
    return this.query((token) => this.caller.list({ ...query, token }), interpretListAnswer);
  }

  /** A documented call outside the provisioning API (catalog export), answered in the envelope. */
  async callRaw(method: string, body: Record<string, unknown>): Promise<QueryOutcome<unknown> & { raw?: unknown }> {
    let raw: unknown;
    const outcome = await this.query(async (token) => {
      raw = await this.caller.call(method, { ...body, token });
      return raw;
    }, interpretGenericAnswer);
    return outcome.kind === 'ok' ? { ...outcome, raw } : outcome;
  }

  async ping(): Promise<boolean> {
    try {
      const outcome = interpretGenericAnswer(await this.caller.ping());
      return outcome.kind === 'ok';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.caller.close();
  }

  private async query<T>(
    send: (token: string) => Promise<unknown>,
    interpret: (raw: unknown) => QueryOutcome<T>,
  ): Promise<QueryOutcome<T>> {
    try {
      return await this.session.run(async (token) => interpret(await send(token)), isUnauthorized);
    } catch (error) {
      if (error instanceof LoginFailure) {
        return { kind: 'error', errorClass: error.transient ? 'transient' : 'auth', code: error.code, description: error.message };
      }
      const code = error instanceof TransportError ? `TRANSPORT_${error.kind.toUpperCase()}` : 'TRANSPORT_ERROR';
      return { kind: 'error', errorClass: 'transient', code, description: describe(error) };
    }
  }

  /** A submit that threw: classified by what the failure proves (outcome-classes.ts). */
  private submitFailure(error: unknown): SubmitOutcome {
    if (error instanceof LoginFailure) {
      return outcomeOf(error.transient ? 'login_failed' : 'login_refused', { code: error.code, description: error.message });
    }
    if (error instanceof TransportError) return outcomeOf(classOfTransportError(error), { description: error.message });
    // Anything else is a bug of ours raised after the send may have started:
    // treat it as unknown, so it is reconciled rather than resent blindly.
    return outcomeOf('lost_after_write', { description: `unexpected failure: ${describe(error)}` });
  }

  private async login(credentials: HeadendCredentials): Promise<LoginResult> {
    const body: Record<string, unknown> = {
      username: credentials.username,
      password: credentials.password,
      organisation: credentials.organisation,
    };
    if (credentials.unit !== undefined) body.unit = credentials.unit;
    const outcome = interpretLoginAnswer(await this.caller.login(body));
    if (outcome.kind === 'ok') return { kind: 'ok', token: outcome.data.token };
    return { kind: 'refused', errorClass: outcome.errorClass, code: outcome.code, description: outcome.description };
  }
}
