import { tagWithClientUuid, CLIENT_UUID_UDF } from '../../shared/domain/client-uuid';
import { CRMCOM_RELEASES, type CrmcomRelease } from '../../shared/domain/crmcom-v4';
import { HEADEND_PROFILES, type ListingProof } from '../../shared/domain/headend-profiles';
import { findRequestDefinition } from '../../shared/domain/request-catalog';
import type { Provider } from '../../shared/domain/request-types';
import { kindSendability } from '../../shared/domain/headend-sendability';
import { interpretListAnswer, interpretShowAnswer, interpretSubmitAnswer } from './answer-parsing';
import type { CrmcomAnswer, CrmcomConnection, GetParam } from './crmcom-connection';
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
import { LoginFailure } from './headend-session';
import { outcomeOf, type OwnRequest } from './outcome-classes';
import { classOfTransportError } from './provisioning-api-client';

// One provider's calls to a CRM.COM V4 server (the crmcom-v4 profile row):
// POSTs create, the provider's (or the generic) show reads status, the Conax
// list pages by offset. A kind the connection cannot send is refused here,
// before any byte leaves (it goes to Needs attention with the reason).

const WIRE = HEADEND_PROFILES['crmcom-v4'].providers;

/**
 * The body a release expects. From R17.3 Nagravision names the card by
 * installed_item_identifier (same id / serial_number / alternative_code) and
 * deprecates process_immediately and scheduled_date [page 534633]: a request
 * scheduled for later cannot be sent as such, so it is refused (never sent
 * at once instead), and process_immediately is left out.
 */
export function bodyForRelease(provider: Provider, body: Record<string, unknown>, release: CrmcomRelease): Record<string, unknown> | { refused: string } {
  if (provider !== 'nagravision' || !CRMCOM_RELEASES[release].installedItemIdentifier) return body;
  const { smartcard_identifier, process_immediately: _dropped, scheduled_date, ...rest } = body;
  if (scheduled_date !== undefined && scheduled_date !== null) {
    return { refused: 'CRM.COM R17.3 and later no longer take scheduled_date for Nagravision requests: queue it without a date when it is due' };
  }
  return smartcard_identifier === undefined ? rest : { ...rest, installed_item_identifier: smartcard_identifier };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class CrmcomClient implements HeadendClient {
  readonly echoesClientUuid: boolean;
  readonly listing: ListingProof;
  readonly requestTimeoutMs: number;

  constructor(
    readonly provider: Provider,
    private readonly connection: CrmcomConnection,
  ) {
    connection.acquire();
    this.echoesClientUuid = connection.capabilities.echoesClientUuid;
    // Only a list that pages (R13+) can show itself complete; before R13 nothing bounds what one answer holds.
    const pages = WIRE[provider].list !== null && CRMCOM_RELEASES[connection.release].offsetPaging;
    this.listing = pages ? 'offset' : 'none';
    this.requestTimeoutMs = connection.http.timeoutMs;
  }

  get connected(): boolean {
    return this.connection.http.connected;
  }

  async submit(method: string, params: Record<string, unknown>, clientUuid: string, hooks?: SubmitHooks): Promise<SubmitOutcome> {
    const definition = findRequestDefinition(this.provider, method);
    const sendable = kindSendability('crmcom-v4', this.connection.capabilities, this.provider, method, definition?.documented ?? false);
    if (!sendable.sendable) return { kind: 'rejected', code: 'NOT_SENDABLE_ON_CONNECTION', description: sendable.reason };
    let body: Record<string, unknown>;
    try {
      body = tagWithClientUuid(params, clientUuid);
    } catch (error) {
      return { kind: 'rejected', code: 'RESERVED_UDF', description: describe(error) };
    }
    const released = bodyForRelease(this.provider, body, this.connection.release);
    if ('refused' in released) return { kind: 'rejected', code: 'NOT_SENDABLE_ON_RELEASE', description: String(released.refused) };

    const own: OwnRequest = { clientUuid, echoesUuid: this.echoesClientUuid, type: definition?.type };
    const first = await this.postOnce(method, released, own, hooks);
    if (first.kind !== 'auth_refused') return first.outcome;
    // 401/403 proves the POST was refused before it was processed: one fresh login, one more send.
    const second = await this.postOnce(method, released, own, hooks);
    if (second.kind !== 'auth_refused') return second.outcome;
    return outcomeOf('unauthorized', { code: second.code, description: `${second.description} (again after a fresh login)` });
  }

  /**
   * One POST with the session's token, classified by what its answer proves
   * (outcome-classes.ts, docs/protocol.md section 9). CRM.COM documents no
   * error codes [absent]: a non-OK answer proves "not created" only for a code
   * the operator confirmed, and an HTTP 401/403 proves "not processed";
   * everything else is an unknown outcome, verified before any other send.
   */
  private async postOnce(
    method: string,
    body: Record<string, unknown>,
    own: OwnRequest,
    hooks: SubmitHooks | undefined,
  ): Promise<{ kind: 'answered'; outcome: SubmitOutcome } | { kind: 'auth_refused'; code: string; description: string }> {
    const answered = (outcome: SubmitOutcome) => ({ kind: 'answered' as const, outcome });
    let token: string;
    try {
      token = await this.connection.session.token();
    } catch (error) {
      if (error instanceof LoginFailure) return answered(outcomeOf(error.transient ? 'login_failed' : 'login_refused', { code: error.code, description: error.message }));
      return answered(outcomeOf('not_sent', { description: describe(error) }));
    }
    const path = WIRE[this.provider].post(method, this.connection.capabilities);
    let answer: CrmcomAnswer;
    try {
      answer = await this.connection.post(path, { ...body, token }, hooks);
    } catch (error) {
      if (error instanceof TransportError) return answered(outcomeOf(classOfTransportError(error), { description: error.message }));
      return answered(outcomeOf('lost_after_write', { description: `unexpected failure: ${describe(error)}` }));
    }
    const status = answer.envelope?.status as { code?: unknown; description?: unknown } | undefined;
    const code = typeof status?.code === 'string' ? status.code : null;
    const words = typeof status?.description === 'string' && status.description ? `: ${status.description}` : '';
    const confirmed = code !== null && this.connection.notCreatedCodes.includes(code);
    // An answer that says OK or carries a request contradicts a refusal by
    // HTTP status (a proxy may rule on the response after the server acted):
    // it is read for what it says, never taken as "not processed".
    if (code === 'OK' || answer.carriesRequest) {
      if (answer.authFailure) this.connection.session.invalidate(token);
      return answered(interpretSubmitAnswer(answer.envelope!, own, this.connection.notCreatedCodes));
    }
    if (answer.authFailure) {
      // Our token is no good either way; whether the POST may go again depends on what the refusal proves.
      this.connection.session.invalidate(token);
      if (answer.httpStatus === 401 || answer.httpStatus === 403 || confirmed) {
        return { kind: 'auth_refused', code: code ?? `HTTP_${answer.httpStatus}`, description: `POST ${method}: HTTP ${answer.httpStatus}, the server refused the session before processing${words}` };
      }
      return answered(outcomeOf('unknown_error_code', { code: code ?? 'UNAUTHORIZED', description: `the server refused the session after the request was sent${words}` }));
    }
    // 429 (RFC 6585) says the request was not served, with the same standing as 401/403: wait, then send again.
    if (answer.httpStatus === 429) return answered(outcomeOf('rate_limited', { description: `POST ${method}: HTTP 429, too many requests${words}` }));
    if (answer.envelope === undefined) {
      const detail = `POST ${method}: HTTP ${answer.httpStatus} with ${answer.bodyProblem ?? 'a body that is not an envelope'}`;
      return answered(outcomeOf(answer.httpStatus >= 500 ? 'http_5xx' : 'unparseable', { description: detail }));
    }
    return answered(interpretSubmitAnswer(answer.envelope, own, this.connection.notCreatedCodes));
  }

  async show(identifier: { id: string } | { number: string }, fieldsSet?: string): Promise<QueryOutcome<PartialRequest>> {
    const params: Record<string, GetParam> = { provisioning_request_identifier: identifier as Record<string, string>, fields_set: this.fieldsSet(fieldsSet) };
    return this.read(WIRE[this.provider].show, params, interpretShowAnswer);
  }

  async list(filter: ListFilter): Promise<QueryOutcome<ListPage>> {
    const path = WIRE[this.provider].list;
    if (path === null) {
      return { kind: 'error', errorClass: 'permanent', code: 'NO_LIST', description: `CRM.COM has no ${this.provider} list [absent]` };
    }
    const pages = CRMCOM_RELEASES[this.connection.release].offsetPaging;
    const params: Record<string, GetParam> = {
      type: filter.type,
      life_cycle_state: filter.life_cycle_state,
      reference_number: filter.reference_number,
      fields_set: this.fieldsSet(filter.fields_set),
      // Before R13 no paging parameter exists: the list returns everything.
      ...(pages ? { number_of_results: filter.number_of_results, offset: filter.offset } : {}),
    };
    return this.read(path, params, interpretListAnswer);
  }

  /** Alive when the server answers any envelope: a show of nothing, without a token, creates nothing. */
  async ping(): Promise<boolean> {
    try {
      const answer = await this.connection.get(WIRE[this.provider].show, { provisioning_request_identifier: { number: '0' } }, null);
      return answer.envelope !== undefined;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.connection.releaseUser();
  }

  /** The fields asked for, plus the provider's own error words; our UUID only where the server echoes it. */
  private fieldsSet(asked: string | undefined): string | undefined {
    if (asked === undefined) return undefined;
    const fields = asked.split(',').filter((f) => f !== '' && (this.echoesClientUuid || f !== CLIENT_UUID_UDF));
    for (const extra of HEADEND_PROFILES['crmcom-v4'].extraAnswerFields) if (!fields.includes(extra)) fields.push(extra);
    return fields.join(',');
  }

  private async read<T>(path: string, params: Record<string, GetParam>, interpret: (raw: unknown) => QueryOutcome<T>): Promise<QueryOutcome<T>> {
    let answer: CrmcomAnswer;
    try {
      answer = await this.connection.getWithToken(path, params);
    } catch (error) {
      if (error instanceof LoginFailure) {
        return { kind: 'error', errorClass: error.transient ? 'transient' : 'auth', code: error.code, description: error.message };
      }
      const code = error instanceof TransportError ? `TRANSPORT_${error.kind.toUpperCase()}` : 'TRANSPORT_ERROR';
      return { kind: 'error', errorClass: 'transient', code, description: describe(error) };
    }
    if (answer.envelope === undefined) {
      return { kind: 'error', errorClass: 'transient', code: `HTTP_${answer.httpStatus}`, description: `${path}: HTTP ${answer.httpStatus} with ${answer.bodyProblem ?? 'no envelope'}` };
    }
    const outcome = interpret(answer.envelope);
    if (answer.authFailure && outcome.kind === 'error') return { ...outcome, errorClass: 'auth' };
    return outcome;
  }
}

