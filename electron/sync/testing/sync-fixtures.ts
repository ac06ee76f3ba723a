import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EnqueueInput } from '../../store/enqueue';
import type { Store } from '../../store/store';
import type { RunningHeadend } from '../../sandbox/start-headend';
import { ConaxHttpClient } from '../conax-http-client';
import type { HeadendCredentials } from '../headend-session';
import { NagravisionTcpClient } from '../nagravision-tcp-client';
import type { TcpFrameConnectionOptions } from '../tcp-frame-connection';
import { CLIENT_UUID_UDF } from '../../../shared/domain/client-uuid';

// Shared by the sync engine's integration tests, the crash child and the
// benchmark: temp folders, clients for a sandbox, cards from its catalog, and
// the invariant checks (nothing lost, nothing twice, order per card kept).

export const SANDBOX_CREDENTIALS: HeadendCredentials = { username: 'operator', password: 'sandbox', organisation: 'SANDBOX' };

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cadesk-'));
}

export interface Card {
  id: string;
  serial_number: string;
  subscription_number: string;
}

export interface SandboxEndpoints {
  tcpPort: number;
  baseUrl: string;
  destinationId: string;
}

export function endpointsOf(h: RunningHeadend): SandboxEndpoints {
  return { tcpPort: h.tcpPort, baseUrl: h.baseUrl, destinationId: h.destinationId };
}

export function nagravisionClient(e: SandboxEndpoints, extra: Partial<TcpFrameConnectionOptions> = {}): NagravisionTcpClient {
  return new NagravisionTcpClient({
    host: '127.0.0.1',
    port: e.tcpPort,
    destinationId: e.destinationId,
    credentials: SANDBOX_CREDENTIALS,
    connectTimeoutMs: 1_000,
    requestTimeoutMs: 2_000,
    heartbeatIntervalMs: 500,
    heartbeatTimeoutMs: 1_000,
    maxInFlight: 256,
    reconnectBackoff: { baseMs: 20, capMs: 200 },
    ...extra,
  });
}

export function conaxClient(e: SandboxEndpoints, timeoutMs = 2_000): ConaxHttpClient {
  return new ConaxHttpClient({ baseUrl: e.baseUrl, credentials: SANDBOX_CREDENTIALS, timeoutMs, maxSockets: 32 });
}

/** Managed smartcards with a subscription, read through the catalog export. */
export async function sandboxCards(client: ConaxHttpClient, count: number): Promise<Card[]> {
  const cards: Card[] = [];
  for (let page = 1; cards.length < count; page++) {
    const answer = await client.getWithToken('/sandbox/catalog/smartcards', { page, records_per_page: 1000 });
    if (answer.kind !== 'ok') throw new Error(`catalog: ${answer.code} ${answer.description}`);
    const items = answer.data as Record<string, unknown>[];
    if (items.length === 0) break;
    for (const item of items) {
      if (item.managed_by_sms === true && item.legacy !== true && typeof item.subscription_number === 'string') {
        cards.push({ id: String(item.id), serial_number: String(item.serial_number), subscription_number: item.subscription_number });
      }
    }
  }
  if (cards.length < count) throw new Error(`the sandbox has ${cards.length} usable cards, ${count} wanted`);
  return cards.slice(0, count);
}

/** The n-th request of a card's queue: add / cancel / PIN, so order matters at the head-end. */
export function nagravisionInput(card: Card, n: number, operator = 'tester'): EnqueueInput {
  const smartcard_identifier = { serial_number: card.serial_number };
  const subscription_identifier = { number: card.subscription_number };
  const services_set = [{ service_identifier: { code: n % 4 === 0 ? 'Gold' : 'Cartoons 1' } }];
  const kind = n % 5;
  const params =
    kind === 3
      ? { subscription_identifier, smartcard_identifier, pin: String(1000 + (n % 9000)) }
      : kind === 1
        ? { subscription_identifier, smartcard_identifier, services_set }
        : { subscription_identifier, smartcard_identifier, services_set, ...(n % 7 === 0 ? { priority: 'EXPRESS' } : {}) };
  const method = kind === 3 ? 'set_pin_to_given_value' : kind === 1 ? 'cancel_list_of_products' : 'add_enhanced_list_of_products';
  return { provider: 'nagravision', method, params, operator };
}

export function conaxInput(card: Card, n: number, operator = 'tester'): EnqueueInput {
  const method = n % 2 === 0 ? 'add_subscriptions' : 'cancel_subscriptions';
  return {
    provider: 'conax',
    method,
    params: {
      subscription_identifier: { number: card.subscription_number },
      service_identifier: { code: 'Gold' },
      smartcard_identifier: { serial_number: card.serial_number },
    },
    operator,
  };
}

export const NAGRA_TYPES_USED = ['ADD_ENHANCED_LIST_OF_PRODUCTS', 'CANCEL_LIST_OF_PRODUCTS', 'UPDATE_CA_PIN_TO_GIVEN_VALUE'] as const;
export const CONAX_TYPES_USED = ['ADD_SUBSCRIPTIONS', 'CANCEL_SUBSCRIPTIONS'] as const;

/** Every client UUID the head-end holds for these types, with how often (via list, all pages). */
export async function headendUuidCounts(
  client: NagravisionTcpClient | ConaxHttpClient,
  types: readonly string[],
): Promise<{ counts: Map<string, number>; byHeadendId: Map<string, string> }> {
  const counts = new Map<string, number>();
  const byHeadendId = new Map<string, string>();
  for (const type of types) {
    for (let page = 1; ; page++) {
      const answer = await client.list({ type, fields_set: `id,${CLIENT_UUID_UDF}`, page, records_per_page: 1000 });
      if (answer.kind !== 'ok') throw new Error(`list ${type}: ${answer.code} ${answer.description}`);
      for (const item of answer.data.items) {
        const uuid = String(item[CLIENT_UUID_UDF]);
        counts.set(uuid, (counts.get(uuid) ?? 0) + 1);
        byHeadendId.set(String(item.id), uuid);
      }
      if (page >= (answer.data.paging?.total_pages ?? 1)) break;
    }
  }
  return { counts, byHeadendId };
}

/**
 * What an operator does with the head-end's rejections in a test that wants
 * the queue drained: closes each as checked (a card waits behind its open
 * rejection). Returns how many it closed.
 */
export function closeOpenRejections(store: Pick<Store, 'listRequests' | 'verifyRejection'>, operator = 'tester'): number {
  const open = store.listRequests({ states: ['REJECTED'], openOnly: true, limit: 1000 });
  for (const r of open) store.verifyRejection(r.id, operator, 'checked in the test: nothing to do');
  return open.length;
}
