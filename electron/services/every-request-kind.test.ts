import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_DEFINITIONS, requestKindOf, type RequestDefinition, type RequestKind } from '../../shared/domain/request-catalog';
import { paramFieldsOf, targetOf } from '../../shared/domain/request-fields';
import { REDACTED } from '../../shared/domain/secrets';
import type { CardView } from '../../shared/ipc/card-schemas';
import type { RequestDetail } from '../../shared/ipc/request-schemas';
import { fieldsOf } from '../../renderer/screens/compose/field-model';
import { fromBody, toBody } from '../../renderer/screens/compose/form-values';
import { FIXTURE } from '../sandbox/seed-catalog';
import { BulkCsvReader } from '../../shared/bulk/bulk-csv-reader';
import type { CsvRow } from '../../shared/bulk/bulk-rows';
import { startRuntime } from './runtime';
import { inProcessHandle, type RuntimeHandle } from './runtime-handle';
import { silentLogger } from '../logging/logger';

// Every request kind of the table, one after the other, through every layer an
// operator's request passes: the Compose form model, a CSV row, the store (a
// real SQLite file), the embedded sandbox head-end (real sockets, port 0) and
// the card view. A kind added to the table without its sample here fails to
// compile; one a layer does not handle fails its step, named.

/** Items of the sandbox catalog the samples name, found once the local catalog has synced. */
interface Items {
  /** A generated card and STB, both unpaired: create_pairing takes them. */
  freeCard: string;
  freeStb: string;
  /** Another unpaired STB: add_to_existing_pairing adds it to the fixture card's pairing. */
  spareStb: string;
}

const sub = { number: FIXTURE.subscriptionNumber };
const card = { serial_number: FIXTURE.smartcardSerial };
const stb = { serial_number: FIXTURE.stbSerial };
const gold = { code: FIXTURE.otherService };
const PIN = '4826';

// In table order: each step leaves the fixture card as the next one needs it
// (Gold added before it is cancelled, paired by Nagravision before the Conax
// pairing is extended).
const SAMPLES = {
  'nagravision/add_enhanced_list_of_products': () => ({ subscription_identifier: sub, services_set: [{ service_identifier: gold }], smartcard_identifier: card }),
  'nagravision/cancel_list_of_products': () => ({ subscription_identifier: sub, services_set: [{ service_identifier: gold }], smartcard_identifier: card }),
  'nagravision/pair_smartcard_decoder': () => ({ subscription_identifier: sub, smartcard_identifier: card, stb_identifier: stb }),
  'nagravision/set_pin_to_default_value': () => ({ subscription_identifier: sub, smartcard_identifier: card }),
  'nagravision/set_pin_to_given_value': () => ({ subscription_identifier: sub, smartcard_identifier: card, pin: PIN }),
  'nagravision/clear_pin': () => ({ subscription_identifier: sub, smartcard_identifier: card }),
  'conax/add_subscriptions': () => ({ subscription_identifier: sub, service_identifier: gold, smartcard_identifier: card, priority: 'EXPRESS' }),
  'conax/cancel_subscriptions': () => ({ subscription_identifier: sub, service_identifier: gold, smartcard_identifier: card }),
  'conax/create_pairing': (items) => ({ smartcard_set: [{ serial_number: items.freeCard }], stb_set: [{ serial_number: items.freeStb }] }),
  'conax/add_to_existing_pairing': (items) => ({ smartcard_ca_id: FIXTURE.smartcardCaId, stb_set: [{ serial_number: items.spareStb }] }),
  'conax/update_ca_pin_to_default_value': () => ({ subscription_identifier: sub, smartcard_ca_id: FIXTURE.smartcardCaId }),
  'conax/update_ca_pin_to_given_value': () => ({ subscription_identifier: sub, smartcard_ca_id: FIXTURE.smartcardCaId, pin: PIN }),
  'conax/get_active_subscriptions': () => ({ smartcard_identifier: card }),
  'conax/get_pairing_status_for_card': () => ({ smartcard_identifier: card }),
  'conax/get_pairing_status_for_pairing_module': () => ({ stb_identifier: stb }),
  'conax/display_fingerprint': () => ({ smartcard_identifier: card, display_duration: 30 }),
  'conax/send_mail_message_to_client': () => ({ smartcard_identifier: card, message_text: 'Your package changes on Monday' }),
  'conax/send_bark_message_to_client': () => ({ smartcard_identifier: card, message_text: 'Call us', display_duration: 15, udf_string_1: 'ticket 7' }),
  'conax/send_repeating_bark_message_to_client': () => ({ smartcard_identifier: card, message_text: 'Call us', repetition_interval: 60, number_of_repetitions: 3 }),
} satisfies Record<RequestKind, (items: Items) => Record<string, unknown>>;

/** The CSV cell(s) of a body, written as bulk-csv.md says, from the field reader's shapes. */
function csvOf(definition: RequestDefinition, body: Record<string, unknown>): string {
  const record: Record<string, string> = { provider: definition.provider, method: definition.method };
  const entry = (identifier: Record<string, unknown>) => Object.entries(identifier).map(([k, v]) => `${k}:${String(v)}`).join('|');
  for (const field of paramFieldsOf(definition)) {
    const value = body[field.name];
    if (value === undefined) continue;
    if (field.shape === 'identifier') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) record[`${field.name}.${k}`] = String(v);
    } else if (field.shape === 'identifier-list') {
      record[field.name] = (value as Record<string, unknown>[]).map(entry).join(';');
    } else if (field.shape === 'services') {
      record[field.name] = (value as { service_identifier: Record<string, unknown> }[]).map((s) => entry(s.service_identifier)).join(';');
    } else {
      record[field.name] = String(value);
    }
  }
  return Papa.unparse([record]);
}

let dir: string;
let runtime: RuntimeHandle;
let items: Items;

async function call<T>(channel: string, input: unknown): Promise<T> {
  const result = await runtime.dispatch(channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value as T;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-kinds-'));
  runtime = inProcessHandle(
    await startRuntime({
      mode: 'browser',
      version: '0.0.0-test',
      dataDir: dir,
      logger: silentLogger,
      operator: { name: 'Test Operator', password: 'operator password' },
      passphrase: 'every kind, every layer',
      headend: { seedSize: 'small', processingDelayMs: 30, processingIntervalMs: 30 },
      // One catalog sync at start: after it, what a card shows comes from the requests themselves.
      sync: { idleMs: 100, statusPollMs: 150, catalogIntervalMs: 600_000 },
    }),
  );
  // Operators pick what the catalog knows: wait until its sync has brought
  // generated cards and STBs the seed left unpaired (seed-catalog.ts), the card managed by this SMS.
  const data = (row: { data: unknown }) => (row.data ?? {}) as { pairing_id?: unknown; managed_by_sms?: unknown };
  const serial = (row: unknown) => String((row as { serial_number: unknown }).serial_number);
  const deadline = Date.now() + 25_000;
  for (;;) {
    const cards = (await runtime.store.searchCatalog('smartcards', 'smrt3', 200)).filter((c) => data(c).pairing_id === null && data(c).managed_by_sms === true);
    const stbs = (await runtime.store.searchCatalog('stbs', 'dc2', 200)).filter((s) => data(s).pairing_id === null);
    const fixtureCard = await runtime.store.searchCatalog('smartcards', FIXTURE.smartcardSerial, 1);
    if (cards.length >= 1 && stbs.length >= 2 && fixtureCard.length === 1) {
      items = { freeCard: serial(cards[0]), freeStb: serial(stbs[0]), spareStb: serial(stbs[1]) };
      break;
    }
    if (Date.now() > deadline) throw new Error(`the catalog never brought unpaired items (${cards.length} cards, ${stbs.length} STBs)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 30_000);

afterAll(async () => {
  await runtime?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The request once the head-end has finished it, and its answer has been read if its kind tells one. */
async function finished(id: number, definition: RequestDefinition): Promise<RequestDetail> {
  let detail: RequestDetail | null = null;
  await expect
    .poll(async () => {
      detail = await call<RequestDetail>('requests.get', { id });
      return ['COMPLETED', 'REJECTED', 'NEEDS_ATTENTION'].includes(detail.request.local_state) && (detail.result !== null || definition.answer === undefined);
    }, { timeout: 20_000, interval: 50 })
    .toBe(true);
  return detail!;
}

describe('every request kind, through every layer', () => {
  it('has a sample for each kind of the table, in table order', () => {
    expect(Object.keys(SAMPLES)).toEqual(REQUEST_DEFINITIONS.map(requestKindOf));
  });

  for (const definition of REQUEST_DEFINITIONS as readonly RequestDefinition[]) {
    const kind = requestKindOf(definition);
    it(`${kind}: form → CSV → store → sandbox → card view`, async () => {
      const sample: Record<string, unknown> = SAMPLES[kind](items);
      expect(definition.params.safeParse(sample).success, 'the sample is valid').toBe(true);

      // 1. Compose: the form model holds every field of the sample and gives the same body back.
      const fields = fieldsOf(definition);
      const body = toBody(fields, fromBody(fields, sample));
      expect(body, 'compose form round trip').toEqual(sample);

      // 2. CSV: the same request as a row of a bulk file reads back to the same params.
      const parsed = { rows: [] as CsvRow[], fileErrors: [] as readonly string[] };
      const reader = new BulkCsvReader((row) => parsed.rows.push(row));
      reader.push(new TextEncoder().encode(csvOf(definition, body)));
      reader.end();
      parsed.fileErrors = reader.fileErrors;
      expect(parsed.fileErrors, 'CSV header').toEqual([]);
      expect(parsed.rows[0]?.errors, 'CSV row').toEqual([]);
      expect(parsed.rows[0]?.params, 'CSV params').toEqual(sample);

      // 3. Store: queued, filed under the card its target names, secrets sealed at rest and redacted on view.
      const queued = await call<{ results: { id?: number; errors?: unknown }[] }>('requests.enqueue', {
        requests: [{ provider: definition.provider, method: definition.method, params: parsed.rows[0]!.params }],
      });
      const id = queued.results[0]?.id;
      expect(id, `enqueue: ${JSON.stringify(queued.results[0])}`).toBeTypeOf('number');
      const stored = (await runtime.store.getRequest(id!))!;
      const target = targetOf(definition, sample)!;
      const named = 'caId' in target ? target.caId : String(Object.values(target.identifier)[0]);
      expect(stored.card_key.startsWith(target.card === 'stb' ? 'stb:' : 'id:'), `card key ${stored.card_key} is a known ${target.card}`).toBe(true);
      for (const secret of paramFieldsOf(definition).filter((f) => f.secret && sample[f.name] !== undefined)) {
        expect(String(stored.params[secret.name]), `${secret.name} at rest`).not.toBe(sample[secret.name]);
      }

      // 4. Sandbox: the head-end processes it.
      const detail = await finished(id!, definition);
      expect(detail.request.local_state, `${detail.request.error_code}: ${detail.request.error_description}`).toBe('COMPLETED');
      expect(detail.request.type).toBe(definition.type);
      expect(detail.request.card_label).toContain(named);
      for (const secret of paramFieldsOf(definition).filter((f) => f.secret && sample[f.name] !== undefined)) {
        expect(detail.params[secret.name], `${secret.name} on view`).toBe(REDACTED);
      }

      // 5. Card view: the request is on its card, and the card shows what the kind's effect says.
      const view = await call<CardView>('cards.get', { card: stored.card_key });
      expect(view.found).toBe(true);
      expect(view.requests.map((r) => r.id)).toContain(id);
      const effect = definition.effect;
      // What it tells, kept as its answer and on its card.
      if (definition.answer !== undefined) {
        expect(detail.result?.answer?.kind).toBe(definition.answer);
        expect(view.answers.map((a) => a.request_id)).toContain(id);
      } else {
        expect(detail.result).toBeNull();
      }
      const told = { source: 'completed-request', request_id: id };
      switch (effect.kind) {
        case 'products': {
          expect(view.headend.services).toMatchObject(told);
          const codes = view.headend.services.items?.map((s) => s.code) ?? [];
          if (effect.change === 'add') expect(codes).toContain(gold.code);
          else expect(codes).not.toContain(gold.code);
          break;
        }
        case 'pairing':
          expect(view.headend.pairing).toMatchObject({ ...told, paired: true });
          break;
        case 'pin':
          expect(view.headend.pin).toMatchObject({ ...told, state: effect.state });
          break;
        case 'query': {
          const fact = definition.answer === 'active_subscriptions' ? view.headend.services : view.headend.pairing;
          if (target.card === 'smartcard') expect(fact).toMatchObject({ source: 'query', request_id: id });
          break;
        }
        case 'message':
          break;
        default:
          effect satisfies never;
      }
    }, 30_000);
  }
});
