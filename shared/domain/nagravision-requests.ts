import { z } from 'zod';
import { commonOptionalFields } from './common-fields';
import {
  servicesSetSchema,
  smartcardIdentifierSchema,
  stbIdentifierSchema,
  subscriptionIdentifierSchema,
} from './identifiers';
import { pinSchema } from './secrets';

// The six methods of POST nagravision/provisioning_requests/<method>, field for
// field as the seed page lists them. Bodies here carry no token: the token is
// added by the client at send time and never stored.

export const addEnhancedListOfProductsParams = z.strictObject({
  subscription_identifier: subscriptionIdentifierSchema.optional(),
  services_set: servicesSetSchema,
  smartcard_identifier: smartcardIdentifierSchema,
  ...commonOptionalFields,
});

export const cancelListOfProductsParams = z.strictObject({
  subscription_identifier: subscriptionIdentifierSchema,
  services_set: servicesSetSchema,
  smartcard_identifier: smartcardIdentifierSchema,
  ...commonOptionalFields,
});

/** stb_identifier absent means: unpair the smartcard from the STB it was paired with. */
export const pairSmartcardDecoderParams = z.strictObject({
  subscription_identifier: subscriptionIdentifierSchema.optional(),
  smartcard_identifier: smartcardIdentifierSchema,
  stb_identifier: stbIdentifierSchema.optional(),
  ...commonOptionalFields,
});

export const setPinToDefaultValueParams = z.strictObject({
  subscription_identifier: subscriptionIdentifierSchema,
  smartcard_identifier: smartcardIdentifierSchema,
  ...commonOptionalFields,
});

export const setPinToGivenValueParams = z.strictObject({
  subscription_identifier: subscriptionIdentifierSchema,
  smartcard_identifier: smartcardIdentifierSchema,
  pin: pinSchema,
  ...commonOptionalFields,
});

export const clearPinParams = z.strictObject({
  subscription_identifier: subscriptionIdentifierSchema,
  smartcard_identifier: smartcardIdentifierSchema,
  ...commonOptionalFields,
});

export type AddEnhancedListOfProductsParams = z.infer<typeof addEnhancedListOfProductsParams>;
export type CancelListOfProductsParams = z.infer<typeof cancelListOfProductsParams>;
export type PairSmartcardDecoderParams = z.infer<typeof pairSmartcardDecoderParams>;
export type SetPinToGivenValueParams = z.infer<typeof setPinToGivenValueParams>;
