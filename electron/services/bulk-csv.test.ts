import { describe, expect, it } from 'vitest';
import { checkHeaders, parseCsv, rowToBody } from './bulk-csv';

describe('bulk CSV', () => {
  it('maps dotted columns, sets, booleans and numbers to a body', () => {
    expect(
      rowToBody({
        provider: 'conax',
        method: 'create_pairing',
        'subscription_identifier.number': ' S1 ',
        smartcard_set: 'serial_number:SC1|ca_id:0001;SC2',
        stb_set: 'id:9',
        process_immediately: 'yes',
        display_duration: '20',
        udf_string_1: '',
      }),
    ).toEqual({
      subscription_identifier: { number: 'S1' },
      smartcard_set: [{ serial_number: 'SC1', ca_id: '0001' }, { serial_number: 'SC2' }],
      stb_set: [{ id: '9' }],
      process_immediately: true,
      display_duration: 20,
    });
    expect(rowToBody({ services_set: 'code:Gold;Silver' })).toEqual({
      services_set: [{ service_identifier: { code: 'Gold' } }, { service_identifier: { code: 'Silver' } }],
    });
  });

  it('refuses files without provider/method, with unknown or duplicate columns', () => {
    expect(checkHeaders(['method', 'pin'])).toEqual(['missing column "provider"']);
    expect(checkHeaders(['provider', 'method', 'colour'])).toEqual(['unknown column "colour"']);
    expect(checkHeaders(['provider', 'method', 'services_set.code'])).toEqual(['column "services_set.code": write services_set as one column']);
    expect(checkHeaders(['provider', 'method', 'pin', 'pin'])).toEqual(['duplicate column(s): pin']);
  });

  it('validates each row with its method schema and numbers lines from the header', async () => {
    const csv = [
      'provider,method,subscription_identifier.number,smartcard_ca_id,pin,udf_string_8',
      'conax,update_ca_pin_to_given_value,S1,100,1234,',
      'conax,update_ca_pin_to_given_value,S1,100,12a4,',
      'conax,update_ca_pin_to_given_value,S1,100,1234,mine',
    ].join('\r\n');
    const { rows, fileErrors } = await parseCsv(csv);
    expect(fileErrors).toEqual([]);
    expect(rows.map((r) => [r.line, r.errors.map((e) => e.field)])).toEqual([
      [2, []],
      [3, ['pin']],
      [4, ['udf_string_8']],
    ]);
  });

  it('reports progress in chunks and the final count', async () => {
    const lines = ['provider,method,smartcard_identifier.id,message_text'];
    for (let i = 0; i < 25; i++) lines.push(`conax,send_mail_message_to_client,C${i},hi`);
    const seen: number[] = [];
    const { rows } = await parseCsv(lines.join('\n'), (done) => {
      seen.push(done);
    }, 10);
    expect(rows).toHaveLength(25);
    expect(seen).toEqual([10, 20, 25]);
  });

  it('says a binary file is not a CSV instead of parsing it into errors', async () => {
    const xlsx = 'PK\u0003\u0004\u0014\u0000\u0006\u0000' + 'x'.repeat(100);
    expect(await parseCsv(xlsx)).toEqual({ rows: [], fileErrors: [expect.stringMatching(/^this is not a CSV file/)] });
    const garbage = Array.from({ length: 2000 }, (_, i) => (i % 7 === 0 ? '\ufffd' : 'a')).join('');
    expect((await parseCsv(garbage)).fileErrors[0]).toMatch(/not a CSV/);
    const real = await parseCsv('provider,method\nconax,get_active_subscriptions\n');
    expect(real.fileErrors).toEqual([]);
  });
});
