import { z } from 'zod';
import { envelopeSchema } from './provisioning-request';
import { passwordSchema, tokenSchema } from './secrets';

/** POST authentication/token (same wiki, outside the seeds: see spec "Login"). */
export const loginRequestSchema = z.strictObject({
  username: z.string().min(1, { message: 'username must not be empty' }).max(128),
  password: passwordSchema,
  organisation: z.string().min(1, { message: 'organisation must not be empty' }).max(128),
  unit: z.string().min(1).max(128).optional(),
});

export const loginResponseEnvelope = envelopeSchema(z.looseObject({ token: tokenSchema }));

/** POST authentication/token/release */
export const releaseTokenRequestSchema = z.strictObject({ token: tokenSchema });
