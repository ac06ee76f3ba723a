import { CLIENT_UUID_UDF } from '../../../shared/domain/client-uuid';
import { interpretSubmitAnswer } from '../answer-parsing';
import type {
  HeadendClient,
  ListFilter,
  ListPage,
  PartialRequest,
  QueryOutcome,
  SubmitHooks,
  SubmitOutcome,
} from '../headend-client';
import type { ProvisioningRequest } from '../../../shared/domain/provisioning-request';
import { findRequestDefinition } from '../../../shared/domain/request-catalog';

// A head-end whose every answer a test chooses, for the model-based test of
// the dispatcher: it stands for the remote system (the part we do not own),
// so a property test can drive each outcome, including the two faces of an
// unknown outcome (created but unanswered, or lost before arriving).

/**
 * ack_malformed: created, and "acknowledged" with no request object (a client bug or a broken answer).
 * system_error_created: created, answered SYSTEM_ERROR. crossed: not created, answered OK with
 * another request's object (a wrong sequence number). Both go through the real answer parsing.
 */
export type ScriptedOutcome =
  | 'ack'
  | 'ack_malformed'
  | 'reject'
  | 'transient'
  | 'unknown_created'
  | 'unknown_absent'
  | 'system_error_created'
  | 'crossed';

interface Created {
  id: string;
  number: string;
  type: string;
  uuid: string;
  card: string;
}

export class ScriptedHeadend implements HeadendClient {
  readonly provider = 'nagravision' as const;
  readonly created: Created[] = [];
  private script: ScriptedOutcome[] = [];
  private next = 1;
  readonly connected = true;
  listFails = false;
  /** How list items look: complete, without the UUID key (fields_set ignored), or ours without id/number. */
  listItems: 'full' | 'without-uuid-key' | 'without-id' | 'uuid-truncated' = 'full';
  /** Whether list pages honestly (as the sandbox); false: everything, with no paging block (as a real CRM.COM list). */
  listPaging = true;
  /** Paging that claims a single page whatever it holds. */
  listLyingTotals = false;
  /** How long a submit takes to be answered (after it was "written"), and a list. */
  submitDelayMs = 0;
  listDelayMs = 0;
  /** Calls of list() so far. */
  listCalls = 0;

  /** The next submits get these outcomes, in order; then 'ack'. */
  setScript(outcomes: readonly ScriptedOutcome[]): void {
    this.script = [...outcomes];
  }

  /** UUIDs received per card, in arrival order. */
  receivedFor(card: string): string[] {
    return this.created.filter((c) => c.card === card).map((c) => c.uuid);
  }

  async submit(method: string, params: Record<string, unknown>, clientUuid: string, hooks?: SubmitHooks): Promise<SubmitOutcome> {
    await Promise.resolve();
    hooks?.onWritten?.();
    if (this.submitDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.submitDelayMs));
    const outcome = this.script.shift() ?? 'ack';
    if (outcome === 'reject') return { kind: 'rejected', code: 'CLIENT_NOT_FOUND', description: 'no such smartcard' };
    if (outcome === 'transient') return { kind: 'transient', reason: 'SYSTEM_ERROR: busy', code: 'SYSTEM_ERROR' };
    if (outcome === 'unknown_absent') return { kind: 'unknown', reason: 'connection lost before the request left' };
    if (outcome === 'crossed') {
      const other = { ...this.object({ id: 'F'.repeat(32), number: '1', type: 'ADD_ENHANCED_LIST_OF_PRODUCTS', uuid: '', card: '' }), [CLIENT_UUID_UDF]: '00000000-0000-4000-8000-000000000000' };
      return interpretSubmitAnswer({ status: { message: '', description: '', code: 'OK' }, data: other }, { clientUuid, echoesUuid: true });
    }
    const record = this.arrive(method, params, clientUuid);
    if (outcome === 'unknown_created') return { kind: 'unknown', reason: 'connection lost before the answer' };
    if (outcome === 'system_error_created') {
      return interpretSubmitAnswer({ status: { message: 'System error', description: 'failed after creating it', code: 'SYSTEM_ERROR' }, data: null }, { clientUuid, echoesUuid: true });
    }
    if (outcome === 'ack_malformed') return { kind: 'acknowledged', request: null as unknown as ProvisioningRequest };
    return { kind: 'acknowledged', request: this.object(record) };
  }

  /** The head-end creates the request (its bytes arrived), whatever becomes of the answer. */
  arrive(method: string, params: Record<string, unknown>, clientUuid: string): Created {
    const type = findRequestDefinition('nagravision', method)?.type ?? 'ADD_ENHANCED_LIST_OF_PRODUCTS';
    const card = (params.smartcard_identifier as { serial_number: string }).serial_number;
    const n = this.next++;
    const record: Created = { id: n.toString(16).toUpperCase().padStart(32, '0'), number: String(18570 + n), type, uuid: clientUuid.toLowerCase(), card };
    this.created.push(record);
    return record;
  }

  async show(): Promise<QueryOutcome<PartialRequest>> {
    return { kind: 'error', errorClass: 'permanent', code: 'NOT_FOUND', description: 'not used by this test' };
  }

  async list(filter: ListFilter): Promise<QueryOutcome<ListPage>> {
    this.listCalls += 1;
    await (this.listDelayMs > 0 ? new Promise((resolve) => setTimeout(resolve, this.listDelayMs)) : Promise.resolve());
    if (this.listFails) return { kind: 'error', errorClass: 'transient', code: 'SYSTEM_ERROR', description: 'list failed' };
    const all = this.created.filter((c) => c.type === filter.type);
    const page = filter.page ?? 1;
    const size = filter.records_per_page ?? 100;
    const items = (this.listPaging ? all.slice((page - 1) * size, page * size) : all).map((c): PartialRequest => {
      if (this.listItems === 'without-uuid-key') return { id: c.id, number: c.number, life_cycle_state: 'PENDING' };
      if (this.listItems === 'without-id') return { life_cycle_state: 'PENDING', [CLIENT_UUID_UDF]: c.uuid };
      // A head-end that cuts the UDF to its own field length.
      if (this.listItems === 'uuid-truncated') return { id: c.id, number: c.number, life_cycle_state: 'PENDING', [CLIENT_UUID_UDF]: c.uuid.slice(0, 20) };
      return { id: c.id, number: c.number, life_cycle_state: 'PENDING', [CLIENT_UUID_UDF]: c.uuid };
    });
    const paging = this.listLyingTotals
      ? { page, records_per_page: size, total_records: Math.min(all.length, size), total_pages: 1 }
      : { page, records_per_page: size, total_records: all.length, total_pages: Math.ceil(all.length / size) };
    return { kind: 'ok', data: { items, paging: this.listPaging ? paging : null } };
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}

  private object(c: Created): ProvisioningRequest {
    const unit = { id: 'U', name: 'Admin Unit', alternative_code: null, description: null, group_name: null, community_name: null };
    const user = { id: '1', username: 'operator', person_name: null };
    return {
      id: c.id,
      number: c.number,
      type: c.type as ProvisioningRequest['type'],
      life_cycle_state: 'PENDING',
      priority: 'REGULAR',
      scheduled_date: null,
      executed_date: null,
      process_immediately: 0,
      process_name: null,
      process_id: null,
      name: null,
      sequence_number: null,
      reference_number: null,
      request: null,
      response: null,
      error_code: null,
      error_description: null,
      parameters_set: [],
      log_information: {
        created_date: '2015-09-07T15:03:28',
        updated_date: '2015-09-07T15:03:28',
        created_by_unit: unit,
        updated_by_unit: unit,
        created_by_user: user,
        updated_by_user: user,
      },
    };
  }
}
