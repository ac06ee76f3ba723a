// Contract tests of the CRM.COM V4 profile's provisioning calls against the real
// sandbox on port 0: both providers as HTTP POSTs, GET identifiers written
// `name=field=value`, generic and Conax show, Conax list paged by offset until a
// short page (R13+) or whole (before), lenient answers (null messages, numeric
// sequence numbers, provider_error_*, AxisFault).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURE } from './seed-catalog';
import { startFixture, type Fixture } from './testing/headend-fixture';
import { CrmcomProbe } from './testing/crmcom-probe';

type Req = Record<string, unknown> & { number: string; id: string; life_cycle_state: string };

describe('CRM.COM V4 profile: provisioning requests', () => {
  let fx: Fixture;
  let crm: CrmcomProbe;
  let token: string;
  const data = (a: { body: { data: unknown } }) => a.body.data as Req;
  beforeAll(async () => {
    fx = await startFixture({ processingPaused: true, processingDelayMs: 0 });
    crm = new CrmcomProbe(fx.headend.crmcomUrl);
    token = await crm.login();
  });
  beforeEach(() => {
    fx.headend.setRelease('R17_3');
    fx.headend.resetFaults();
  });
  afterAll(() => fx.stop());

  it('Nagravision over HTTP: the seed example, then the generic show by number=… with provider and subscription', async () => {
    const created = await crm.post('nagravision/provisioning_requests/add_enhanced_list_of_products', {
      token,
      subscription_identifier: { number: FIXTURE.subscriptionNumber },
      services_set: [{ service_identifier: { code: FIXTURE.otherService } }],
      smartcard_identifier: { serial_number: FIXTURE.smartcardSerial },
    });
    expect(created.body.status).toEqual({ code: 'OK', message: null, description: null });
    const request = data(created);
    expect(request).toMatchObject({ type: 'ADD_ENHANCED_LIST_OF_PRODUCTS', life_cycle_state: 'PENDING', provider_error_code: null, provider_error_description: null });
    fx.headend.processNow();
    const shown = await crm.get('provisioning/provisioning_requests/show', { token, provisioning_request_identifier: `number=${request.number}` });
    expect(data(shown)).toMatchObject({
      life_cycle_state: 'COMPLETED',
      provisioning_provider: { name: 'Nagravision' },
      subscription: { number: FIXTURE.subscriptionNumber },
    });
    expect(typeof data(shown).sequence_number).toBe('number');
    const byId = await crm.get('provisioning/provisioning_requests/show', {
      token, provisioning_request_identifier: `id=${request.id}`, fields_set: 'number,life_cycle_state',
    });
    expect(byId.body.data).toEqual({ number: request.number, life_cycle_state: 'COMPLETED' });
  });

  it('refuses a JSON-encoded GET identifier, naming the wiki form; unknown request is NOT OK', async () => {
    const json = await crm.get('provisioning/provisioning_requests/show', { token, provisioning_request_identifier: '{"number":"18571"}' });
    expect(json.body.status.code).not.toBe('OK');
    expect(json.body.status.description).toContain('provisioning_request_identifier=number=18570');
    const missing = await crm.get('provisioning/provisioning_requests/show', { token, provisioning_request_identifier: 'number=99999999' });
    expect(missing.body.status.code).not.toBe('OK');
    expect(missing.body.data).toBeNull();
  });

  it('R17.3: installed_item_identifier replaces smartcard_identifier and the subscription may be left out; refused before', async () => {
    const body = { token, installed_item_identifier: { serial_number: FIXTURE.smartcardSerial } };
    const r173 = await crm.post('nagravision/provisioning_requests/set_pin_to_default_value', body);
    expect(r173.body.status.code).toBe('OK');
    fx.headend.processNow();
    const shown = await crm.get('provisioning/provisioning_requests/show', { token, provisioning_request_identifier: `number=${data(r173).number}` });
    expect(data(shown)).toMatchObject({ life_cycle_state: 'COMPLETED', subscription: { number: FIXTURE.subscriptionNumber } });
    const both = await crm.post('nagravision/provisioning_requests/clear_pin', { ...body, smartcard_identifier: { serial_number: FIXTURE.smartcardSerial } });
    expect(both.body.status.code).not.toBe('OK');
    fx.headend.setRelease('R13');
    const r13 = await crm.post('nagravision/provisioning_requests/set_pin_to_default_value', { ...body, subscription_identifier: { number: FIXTURE.subscriptionNumber } });
    expect(r13.body.status.code).not.toBe('OK');
    expect(r13.body.status.description).toContain('installed_item_identifier');
  });

  it('Conax create_pairing by CA ids, Conax show; a rejected request carries provider_error_*', async () => {
    const pairing = await crm.post('conax_web_services/provisioning_requests/create_pairing', {
      token,
      smartcard_set: [{ smartcard_ca_id: FIXTURE.smartcardCaId }],
      stb_set: [{ stb_ca_id: FIXTURE.stbCaId }],
    });
    expect(pairing.body.status.code).toBe('OK');
    expect(data(pairing).parameters_set).toEqual(expect.arrayContaining([
      expect.objectContaining({ smartcard_ca_id: FIXTURE.smartcardCaId }),
      expect.objectContaining({ stb_ca_id: FIXTURE.stbCaId }),
    ]));
    const unknownCa = await crm.post('conax_web_services/provisioning_requests/create_pairing', {
      token, smartcard_set: [{ smartcard_ca_id: '99999999999' }], stb_set: [{ stb_ca_id: FIXTURE.stbCaId }],
    });
    expect(unknownCa.body.status.description).toContain('smartcard_set.0.smartcard_ca_id');

    const refused = await crm.post('conax_web_services/provisioning_requests/add_subscriptions', {
      token,
      subscription_identifier: { number: FIXTURE.subscriptionNumber },
      smartcard_identifier: { serial_number: FIXTURE.unmanagedSmartcardSerial },
      service_identifier: { code: FIXTURE.otherService },
    });
    fx.headend.processNow();
    const shown = await crm.get('conax_web_services/provisioning_requests/show', { token, provisioning_request_identifier: `number=${data(refused).number}` });
    expect(data(shown)).toMatchObject({ life_cycle_state: 'REJECTED', provider_error_code: 'CLIENT_NOT_MANAGED_BY_SMS' });
    expect(data(shown).provider_error_description).toContain(FIXTURE.unmanagedSmartcardSerial);
    // a Nagravision request is not a Conax one
    const nagra = await crm.post('nagravision/provisioning_requests/clear_pin', { token, installed_item_identifier: { serial_number: FIXTURE.smartcardSerial } });
    const hidden = await crm.get('conax_web_services/provisioning_requests/show', { token, provisioning_request_identifier: `number=${data(nagra).number}` });
    expect(hidden.body.status.code).not.toBe('OK');
  });

  it('a provider that never answered: error_code AxisFault with a stack trace (the rejectRate fault knob)', async () => {
    fx.headend.setFaults({ rejectRate: 1 });
    const sent = await crm.post('conax_web_services/provisioning_requests/send_mail_message_to_client', {
      token, smartcard_identifier: { serial_number: FIXTURE.smartcardSerial }, message_text: 'axis',
    });
    fx.headend.processNow();
    const shown = data(await crm.get('provisioning/provisioning_requests/show', { token, provisioning_request_identifier: `number=${data(sent).number}` }));
    expect(shown).toMatchObject({ life_cycle_state: 'REJECTED', error_code: 'AxisFault', provider_error_code: null, provisioning_provider: { name: 'Conax Web Services' } });
    expect(shown.error_description).toMatch(/^org\.apache\.axis2\.AxisFault: .*\n\tat /);
  });

  it('Conax list: R13+ pages by number_of_results + offset until a short page, a bare array; before R13 everything', async () => {
    for (let i = 0; i < 7; i++) {
      await crm.post('conax_web_services/provisioning_requests/send_bark_message_to_client', {
        token, smartcard_identifier: { serial_number: FIXTURE.smartcardSerial }, message_text: `bark ${i}`,
      });
    }
    const numbers: string[] = [];
    const sizes: number[] = [];
    for (let offset = 0, pages = 0; pages < 10; pages++) {
      const page = await crm.get('conax_web_services/provisioning_requests/list', {
        token, type: 'SEND_BARK_MESSAGE_TO_CLIENT', number_of_results: '3', offset: String(offset), fields_set: 'number',
      });
      expect(Array.isArray(page.body.data)).toBe(true);
      expect(Object.keys(page.body).sort()).toEqual(['data', 'status']);
      const rows = page.body.data as { number: string }[];
      numbers.push(...rows.map((r) => r.number));
      sizes.push(rows.length);
      if (rows.length < 3) break;
      offset += rows.length;
    }
    expect(sizes).toEqual([3, 3, 1]);
    expect(new Set(numbers).size).toBe(7);
    fx.headend.setRelease('R12');
    const all = await crm.get('conax_web_services/provisioning_requests/list', { token, type: 'SEND_BARK_MESSAGE_TO_CLIENT', number_of_results: '3' });
    expect((all.body.data as unknown[]).map((r) => (r as { number: string }).number)).toEqual(numbers);
    fx.headend.setRelease('R13');
    const bad = await crm.get('conax_web_services/provisioning_requests/list', { token, type: 'SEND_BARK_MESSAGE_TO_CLIENT', number_of_results: '0' });
    expect(bad.body.status.code).not.toBe('OK');
    const twoFilters = await crm.get('conax_web_services/provisioning_requests/list', { token, type: 'SEND_BARK_MESSAGE_TO_CLIENT', life_cycle_state: 'PENDING' });
    expect(twoFilters.body.status.code).not.toBe('OK');
  });

  it('the existing fault knobs apply: latency delays, answerNever leaves the caller waiting', async () => {
    fx.headend.setFaults({ latencyMs: 150 });
    const started = Date.now();
    expect((await crm.get('subscriptions/show', { token, subscription_identifier: `number=${FIXTURE.subscriptionNumber}` })).body.status.code).toBe('OK');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    fx.headend.setFaults({ latencyMs: 0, answerNever: true });
    const waited = fetch(`${fx.headend.crmcomUrl}/subscriptions/show?token=${token}&subscription_identifier=number=S60507`, { signal: AbortSignal.timeout(200) });
    await expect(waited).rejects.toThrow();
  });
});
