import { describe, expect, it } from 'vitest';
import { checkHeaders, rowToBody } from './bulk-rows';

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
});
