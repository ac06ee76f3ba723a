// Contract tests of the CRM.COM V4 profile's catalog reads against the real
// sandbox on port 0: installed_items/show (id | serial_number | alternative_code),
// provisioning/installed_items/show by CA id, subscriptions/show, products/show,
// products/list by product type, paged from R13 until a short page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRMCOM_CA_ID_PARAMETERS } from '../../shared/domain/crmcom-v4';
import { FIXTURE } from './seed-catalog';
import { startFixture, TEST_SEED_SIZE, type Fixture } from './testing/headend-fixture';
import { CrmcomProbe } from './testing/crmcom-probe';

type Item = Record<string, unknown> & { id: string; serial_number: string; alternative_code: string; product: { code: string; type: { classification: string } } };

describe('CRM.COM V4 profile: catalog lookups', () => {
  let fx: Fixture;
  let crm: CrmcomProbe;
  let token: string;
  beforeAll(async () => {
    fx = await startFixture({ processingPaused: true });
    crm = new CrmcomProbe(fx.headend.crmcomUrl);
    token = await crm.login();
  });
  afterAll(() => fx.stop());

  it('installed_items/show finds a smartcard by serial, alternative code and id, and an STB; log_information.updated_date', async () => {
    const bySerial = await crm.get('installed_items/show', { token, installed_item_identifier: `serial_number=${FIXTURE.smartcardSerial}` });
    expect(bySerial.body.status).toEqual({ code: 'OK', message: null, description: null });
    const card = bySerial.body.data as Item;
    expect(card).toMatchObject({ serial_number: FIXTURE.smartcardSerial, state: 'EFFECTIVE', product: { code: 'SMARTCARD', type: { classification: 'PHYSICAL_GOODS' } } });
    expect((card.log_information as { updated_date: string }).updated_date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    const byAlt = await crm.get('installed_items/show', { token, installed_item_identifier: `alternative_code=${card.alternative_code}` });
    expect(byAlt.body.data).toEqual(card);
    const byId = await crm.get('installed_items/show', { token, installed_item_identifier: `id=${card.id}`, fields_set: 'id,serial_number' });
    expect(byId.body.data).toEqual({ id: card.id, serial_number: FIXTURE.smartcardSerial });
    const stb = await crm.get('installed_items/show', { token, installed_item_identifier: `serial_number=${FIXTURE.stbSerial}` });
    expect((stb.body.data as Item).product.code).toBe('STB');
    const none = await crm.get('installed_items/show', { token, installed_item_identifier: 'serial_number=nope' });
    expect(none.body.status.code).not.toBe('OK');
    const noToken = await crm.get('installed_items/show', { installed_item_identifier: `serial_number=${FIXTURE.smartcardSerial}` });
    expect(noToken.body.status.code).not.toBe('OK');
  });

  it('provisioning/installed_items/show finds a device by its CA id, by provider name or alternative code', async () => {
    const card = await crm.get('provisioning/installed_items/show', {
      token,
      provisioning_provider_identifier: 'name=Conax Web Services',
      parameter_name: CRMCOM_CA_ID_PARAMETERS.smartcard,
      parameter_value: FIXTURE.smartcardCaId,
    });
    expect((card.body.data as Item).serial_number).toBe(FIXTURE.smartcardSerial);
    const stb = await crm.get('provisioning/installed_items/show', {
      token, provisioning_provider_identifier: 'alternative_code=NAGRA', parameter_name: CRMCOM_CA_ID_PARAMETERS.stb, parameter_value: FIXTURE.stbCaId,
    });
    expect((stb.body.data as Item).serial_number).toBe(FIXTURE.stbSerial);
    const badProvider = await crm.get('provisioning/installed_items/show', {
      token, provisioning_provider_identifier: 'name=Irdeto', parameter_name: CRMCOM_CA_ID_PARAMETERS.stb, parameter_value: FIXTURE.stbCaId,
    });
    expect(badProvider.body.status.code).not.toBe('OK');
    const badName = await crm.get('provisioning/installed_items/show', {
      token, provisioning_provider_identifier: 'name=Nagravision', parameter_name: 'colour', parameter_value: FIXTURE.stbCaId,
    });
    expect(badName.body.status.description).toContain('parameter_name');
  });

  it('subscriptions/show: state, termed services with their products, installed items', async () => {
    const shown = await crm.get('subscriptions/show', { token, subscription_identifier: `number=${FIXTURE.subscriptionNumber}` });
    const sub = shown.body.data as { number: string; life_cycle_state: string; termed_services_set: { product: { code: string } }[]; installed_items_set: { serial_number: string }[] };
    expect(sub).toMatchObject({ number: FIXTURE.subscriptionNumber, life_cycle_state: 'EFFECTIVE' });
    expect(sub.installed_items_set.map((i) => i.serial_number)).toEqual(expect.arrayContaining([FIXTURE.smartcardSerial, FIXTURE.stbSerial]));
    expect(sub.termed_services_set.map((s) => s.product.code)).toContain(FIXTURE.entitledService);
  });

  it('products/show by code; products/list of the services type paged until a short page; before R13 all at once', async () => {
    const gold = await crm.get('products/show', { token, product_identifier: `code=${FIXTURE.otherService}` });
    expect(gold.body.data).toMatchObject({ code: FIXTURE.otherService, type: { classification: 'SERVICES', used_for_provisioning: true } });
    expect(gold.body.data).not.toHaveProperty('ca_id');
    const codes: string[] = [];
    const sizes: number[] = [];
    for (let offset = 0, pages = 0; pages < 10; pages++) {
      const page = await crm.get('products/list', { token, type_identifier: 'name=TV Services', number_of_results: '3', offset: String(offset) });
      const rows = page.body.data as { code: string; type: { classification: string } }[];
      expect(rows.every((r) => r.type.classification === 'SERVICES')).toBe(true);
      codes.push(...rows.map((r) => r.code));
      sizes.push(rows.length);
      if (rows.length < 3) break;
      offset += rows.length;
    }
    expect(codes).toHaveLength(TEST_SEED_SIZE.services);
    expect(sizes.at(-1)).toBeLessThan(3);
    fx.headend.setRelease('R12');
    const all = await crm.get('products/list', { token, type_identifier: 'alternative_code=TVSRV', number_of_results: '3' });
    expect((all.body.data as { code: string }[]).map((r) => r.code)).toEqual(codes);
    fx.headend.setRelease('R17_3');
    const brand = await crm.get('products/list', { token, brand_identifier: 'name=Acme' });
    expect(brand.body.data).toEqual([]);
    const none = await crm.get('products/list', { token });
    expect(none.body.status.code).not.toBe('OK');
  });
});
