import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { formatLocalDateTime, parseLocalDateTime } from '../../shared/domain/dates';
import { provisioningRequestSchema, type ProvisioningRequest } from '../../shared/domain/provisioning-request';
import { eventually, startFixture, type Fixture } from './testing/headend-fixture';
import { FIXTURE } from './seed-catalog';
import { httpCall } from './testing/sandbox-probe';

const S60507 = { number: 'S60507' };
const CARD = { serial_number: 'smrt20000054' };
const svc = (code: string) => [{ service_identifier: { code } }];

describe('processing', () => {
  let fx: Fixture;
  let token: string;
  const start = async (options: Parameters<typeof startFixture>[0] = {}) => {
    fx = await startFixture(options);
    token = await fx.login();
  };
  afterEach(() => fx.stop());

  const show = async (number: string): Promise<ProvisioningRequest> => {
    const a = await fx.nagra('show', { token, provisioning_request_identifier: { number } }, fx.probes[0]);
    return provisioningRequestSchema.parse(a.data);
  };
  const create = async (method: string, body: Record<string, unknown>) => {
    const a = await fx.nagra(method, { token, ...body }, fx.probes[0] ?? (await fx.probe()));
    expect(a.status.code, a.status.description).toBe('OK');
    return provisioningRequestSchema.parse(a.data);
  };

  it('EXPRESS before REGULAR within a run, then by number', async () => {
    await start({ processingPaused: true, processingDelayMs: 0 });
    const r1 = await create('clear_pin', { subscription_identifier: S60507, smartcard_identifier: CARD });
    const r2 = await create('set_pin_to_default_value', { subscription_identifier: S60507, smartcard_identifier: CARD });
    const e1 = await create('clear_pin', { subscription_identifier: S60507, smartcard_identifier: CARD, priority: 'EXPRESS' });
    const e2 = await create('clear_pin', { subscription_identifier: S60507, smartcard_identifier: CARD, priority: 'EXPRESS' });
    expect(fx.headend.processNow()).toEqual([e1.number, e2.number, r1.number, r2.number]);
    const order = await Promise.all([e1, e2, r1, r2].map((r) => show(r.number)));
    expect(order.map((r) => r.life_cycle_state)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(order.map((r) => r.sequence_number)).toEqual([1, 2, 3, 4]);
  });

  it('process_immediately completes while being created; others wait for the delay', async () => {
    await start({ processingDelayMs: 800 });
    const now = await create('add_enhanced_list_of_products', {
      subscription_identifier: S60507, smartcard_identifier: CARD, services_set: svc('Gold'), process_immediately: true,
    });
    expect(now.life_cycle_state).toBe('COMPLETED');
    expect(now.process_immediately).toBe(1);
    expect(now.executed_date).not.toBeNull();
    const later = await create('clear_pin', { subscription_identifier: S60507, smartcard_identifier: CARD });
    expect(later.life_cycle_state).toBe('PENDING');
    expect((await show(later.number)).life_cycle_state).toBe('PENDING');
    const done = await eventually(async () => {
      const r = await show(later.number);
      return r.life_cycle_state === 'PENDING' ? undefined : r;
    });
    expect(done.life_cycle_state).toBe('COMPLETED');
    expect(done.reference_number).toMatch(/\d/);
  });

  it('scheduled_date is respected', async () => {
    await start({ processingDelayMs: 0 });
    const at = formatLocalDateTime(new Date(Date.now() + 2000));
    const r = await create('clear_pin', { subscription_identifier: S60507, smartcard_identifier: CARD, scheduled_date: at });
    expect(r.scheduled_date).toBe(at);
    fx.headend.processNow();
    expect((await show(r.number)).life_cycle_state).toBe('PENDING');
    const done = await eventually(async () => {
      const s = await show(r.number);
      return s.life_cycle_state === 'PENDING' ? undefined : s;
    }, 5000, 'the scheduled request');
    expect(done.life_cycle_state).toBe('COMPLETED');
    expect(parseLocalDateTime(done.executed_date!).getTime()).toBeGreaterThanOrEqual(parseLocalDateTime(at).getTime());
  });

  it('applies effects and rejects with realistic error codes', async () => {
    await start({ processingPaused: true, processingDelayMs: 0 });
    const other = fx.headend.card('smrt30000003')!;
    const cases: [string, Record<string, unknown>, string | null][] = [
      ['add_enhanced_list_of_products', { subscription_identifier: S60507, smartcard_identifier: CARD, services_set: svc('Gold') }, null],
      ['cancel_list_of_products', { subscription_identifier: S60507, smartcard_identifier: CARD, services_set: svc('Cartoons 1') }, null],
      ['cancel_list_of_products', { subscription_identifier: S60507, smartcard_identifier: CARD, services_set: svc('Silver') }, 'INPUT_VALIDATION_ERROR'],
      ['add_enhanced_list_of_products', { smartcard_identifier: CARD, services_set: svc('No Such Service') }, 'INPUT_VALIDATION_ERROR'],
      ['add_enhanced_list_of_products', { smartcard_identifier: { serial_number: 'smrt99999999' }, services_set: svc('Gold') }, 'CLIENT_NOT_FOUND'],
      ['add_enhanced_list_of_products', { smartcard_identifier: { serial_number: 'dc1000015' }, services_set: svc('Gold') }, 'INPUT_VALIDATION_ERROR'],
      ['clear_pin', { subscription_identifier: { number: other.subscription_number }, smartcard_identifier: CARD }, 'INPUT_VALIDATION_ERROR'],
      ['clear_pin', { subscription_identifier: { number: 'S999999' }, smartcard_identifier: CARD }, 'CLIENT_NOT_FOUND'],
      ['pair_smartcard_decoder', { smartcard_identifier: CARD, stb_identifier: { serial_number: 'dc1000015' } }, null],
      ['pair_smartcard_decoder', { smartcard_identifier: { serial_number: other.serial_number }, stb_identifier: { serial_number: 'dc1000015' } }, 'INPUT_VALIDATION_ERROR'],
      ['set_pin_to_given_value', { subscription_identifier: S60507, smartcard_identifier: CARD, pin: '4321' }, null],
    ];
    const created = [];
    for (const [method, body] of cases) created.push(await create(method, body));
    fx.headend.processNow();
    for (const [i, [method, , code]] of cases.entries()) {
      const r = await show(created[i]!.number);
      expect(r.life_cycle_state, `${i} ${method}`).toBe(code === null ? 'COMPLETED' : 'REJECTED');
      expect(r.error_code, `${i} ${method}`).toBe(code);
      if (code) expect(r.error_description).toBeTruthy();
      else expect(r.reference_number).toBeTruthy();
    }
    const card = fx.headend.card('smrt20000054')!;
    expect(card.services).toEqual(['Gold']);
    expect(card.paired_stbs).toEqual(['dc1000015']);
    expect(card.pin_state).toBe('custom');
    // only the PIN state is kept (headend-pin-storage.test.ts checks the file bytes)
    expect(JSON.stringify(card)).not.toContain('4321');
    const db = (await import('better-sqlite3')).default(`${fx.dataDir}/sandbox-headend.sqlite`, { readonly: true });
    const rows = db.prepare("SELECT params_json FROM requests WHERE type = 'UPDATE_CA_PIN_TO_GIVEN_VALUE'").all() as { params_json: string }[];
    const cardRow = db.prepare('SELECT * FROM smartcards WHERE serial_number = ?').get('smrt20000054') as Record<string, unknown>;
    db.close();
    expect(rows[0]!.params_json).not.toMatch(/4321|"pin/);
    expect(Object.keys(cardRow).filter((k) => k.startsWith('pin'))).toEqual(['pin_state']);

    // unpair, and unpairing again is refused
    const unpair = await create('pair_smartcard_decoder', { smartcard_identifier: CARD });
    const again = await create('pair_smartcard_decoder', { smartcard_identifier: CARD });
    fx.headend.processNow();
    expect((await show(unpair.number)).life_cycle_state).toBe('COMPLETED');
    expect((await show(again.number)).error_code).toBe('INPUT_VALIDATION_ERROR');
    expect(fx.headend.card('smrt20000054')!.paired_stbs).toEqual([]);
  });

  it('query types complete with their result in response; messages are recorded; legacy cards lack features', async () => {
    await start({ processingDelayMs: 0 });
    const conax = async (method: string, body: Record<string, unknown>) => {
      const a = await fx.conax(method, { token, process_immediately: true, ...body });
      expect(a.body.status.code, a.body.status.description).toBe('OK');
      return provisioningRequestSchema.parse(a.body.data);
    };
    const active = await conax('get_active_subscriptions', { smartcard_identifier: CARD });
    expect(JSON.parse(active.response!)).toEqual({ smartcard_ca_id: '10020000054', services: [expect.objectContaining({ code: 'Cartoons 1' })] });
    await conax('create_pairing', { smartcard_set: [CARD], stb_set: [{ serial_number: 'dc1000015' }] });
    const pairing = await conax('get_pairing_status_for_pairing_module', { stb_identifier: { serial_number: 'dc1000015' } });
    expect(JSON.parse(pairing.response!)).toMatchObject({ paired: true, smartcards: [{ serial_number: 'smrt20000054' }] });
    const forCard = await conax('get_pairing_status_for_card', { smartcard_identifier: CARD });
    expect(JSON.parse(forCard.response!)).toMatchObject({ paired: true, stbs: [{ serial_number: 'dc1000015', ca_id: '20010000015' }] });
    await conax('send_bark_message_to_client', { smartcard_identifier: CARD, message_text: 'Please call us' });
    await conax('send_repeating_bark_message_to_client', { smartcard_identifier: CARD, message_text: 'Reminder', repetition_interval: 600, number_of_repetitions: 3 });
    const fp = await conax('display_fingerprint', { smartcard_identifier: CARD });
    expect(fp.life_cycle_state).toBe('COMPLETED');
    const messages = fx.headend.card('smrt20000054')!.messages as Record<string, unknown>[];
    expect(messages.map((m) => m.kind)).toEqual(['bark', 'repeating_bark', 'fingerprint']);
    expect(messages[0]!.display_duration).toBe(20);
    expect(messages[1]).toMatchObject({ repetition_interval: 600, number_of_repetitions: 3 });

    const refused = await conax('display_fingerprint', { smartcard_identifier: { serial_number: FIXTURE.legacySmartcardSerial } });
    expect(refused.error_code).toBe('FEATURE_NOT_AVAILABLE');
    const unmanaged = await conax('send_mail_message_to_client', { smartcard_identifier: { serial_number: FIXTURE.unmanagedSmartcardSerial }, message_text: 'hi' });
    expect(unmanaged.error_code).toBe('CLIENT_NOT_MANAGED_BY_SMS');
    expect(fx.headend.card(FIXTURE.unmanagedSmartcardSerial)!.messages).toEqual([]);
  });

  it('does not deduplicate: the same request sent twice is created twice', async () => {
    await start({ processingPaused: true });
    const body = { token, subscription_identifier: S60507, smartcard_identifier: CARD, services_set: svc('Gold') };
    const probe = await fx.probe();
    const a = await fx.nagra('add_enhanced_list_of_products', body, probe);
    const b = await fx.nagra('add_enhanced_list_of_products', body, probe);
    expect((a.data as { id: string }).id).not.toBe((b.data as { id: string }).id);
    const c1 = await fx.conax('add_subscriptions', { token, subscription_identifier: S60507, smartcard_identifier: CARD, service_identifier: { code: 'Gold' } });
    const c2 = await fx.conax('add_subscriptions', { token, subscription_identifier: S60507, smartcard_identifier: CARD, service_identifier: { code: 'Gold' } });
    expect((c1.body.data as { number: string }).number).not.toBe((c2.body.data as { number: string }).number);
    const received = fx.headend.received('10020000054');
    expect(received.map((r) => r.method)).toEqual([
      'add_enhanced_list_of_products', 'add_enhanced_list_of_products', 'add_subscriptions', 'add_subscriptions',
    ]);
    expect(new Set(received.map((r) => r.request_id)).size).toBe(4);
    const overHttp = await httpCall(fx.headend.baseUrl, 'GET', '/sandbox/control/received', undefined, { card: 'smrt20000054' });
    expect(overHttp.body.data).toEqual(received);
    expect(received.map((r) => r.transport)).toEqual(['tcp', 'tcp', 'http', 'http']);
    const listed = await fx.nagra('list', { token, type: 'ADD_ENHANCED_LIST_OF_PRODUCTS' }, probe);
    expect((listed.data as unknown[]).length).toBe(2);
  });

  it('a processing run is one commit: a refused effect is undone alone and rejected in its place', async () => {
    await start({ processingPaused: true, processingDelayMs: 0 });
    const created: ProvisioningRequest[] = [];
    for (let i = 0; i < 40; i++) {
      // Every fourth names a card the head-end does not have: refused, the others of the run still complete.
      const refused = i % 4 === 3;
      created.push(await create(refused ? 'pair_smartcard_decoder' : 'add_enhanced_list_of_products', refused ? { smartcard_identifier: { serial_number: 'smrt20000060' } } : { subscription_identifier: S60507, smartcard_identifier: CARD, services_set: svc(i % 2 ? 'Gold' : 'Cartoons 1') }));
    }
    const wal = `${fx.dataDir}/sandbox-headend.sqlite-wal`;
    const db = (await import('better-sqlite3')).default(`${fx.dataDir}/sandbox-headend.sqlite`);
    expect(db.pragma('wal_checkpoint(TRUNCATE)', { simple: true })).toBe(0);
    db.close();
    expect(fs.statSync(wal).size).toBe(0);
    expect(fx.headend.processNow()).toHaveLength(40);
    // A commit appends every page it changed to the WAL: a commit per request
    // wrote the shared pages (meta, indexes, the card) 40 times over (232 frames).
    const frames = (fs.statSync(wal).size - 32) / (4096 + 24);
    expect(frames).toBeLessThan(100); // one commit: 27
    const states = await Promise.all(created.map((r) => show(r.number)));
    expect(states.filter((r) => r.life_cycle_state === 'REJECTED').map((r) => r.error_code)).toEqual(Array(10).fill('CLIENT_NOT_FOUND'));
    expect(states.filter((r) => r.life_cycle_state === 'COMPLETED')).toHaveLength(30);
    expect(states.map((r) => r.sequence_number)).toEqual(created.map((_, i) => i + 1));
  });

  it('rejectRate 1 rejects every processed request with SYSTEM_ERROR', async () => {
    await start({ processingPaused: true, processingDelayMs: 0, faults: { rejectRate: 1 } });
    const r = await create('clear_pin', { subscription_identifier: S60507, smartcard_identifier: CARD });
    fx.headend.processNow();
    const s = await show(r.number);
    expect(s.life_cycle_state).toBe('REJECTED');
    expect(s.error_code).toBe('SYSTEM_ERROR');
  });
});
