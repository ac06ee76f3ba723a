import { z } from 'zod';
import { passwordSchema } from '../domain/secrets';
import { headendUsernameSchema, operatorNameSchema, operatorPasswordSchema } from '../domain/operators';

// Schemas of the operator channels: who is signed in, first run, sign-in,
// sign-out (switching operator is signing in as another). The back end takes
// the actor of every action from this session, never from a payload.

export const operatorSummarySchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  /** The operator's own head-end user name, or null: the shared login of Settings is used. */
  headendUsername: z.string().nullable(),
  /** Whether the operator's own head-end password is saved (sealed); never the password. */
  headendPasswordSaved: z.boolean(),
});
export type OperatorSummary = z.infer<typeof operatorSummarySchema>;

export const operatorSessionSchema = z.object({
  /** Null: nobody is signed in (actions are refused until someone signs in). */
  operator: operatorSummarySchema.nullable(),
  /** The names to sign in as. Empty on a fresh desk: the first operator is created at sign-in. */
  operators: z.array(z.string()),
  /** Minutes without activity after which the operator is signed out and the keys cleared. */
  idleSignOutMinutes: z.number().int().positive(),
  /** Why the last session ended, when it was not a sign-out by the operator (e.g. inactivity). */
  endedBecause: z.string().nullable(),
});
export type OperatorSession = z.infer<typeof operatorSessionSchema>;

/** The operator's own head-end login; the password is write-only and sealed by the vault. */
const headendLoginSchema = z.strictObject({
  username: headendUsernameSchema,
  password: passwordSchema.optional(),
});

export const operatorCreateInputSchema = z.strictObject({
  name: operatorNameSchema,
  password: operatorPasswordSchema,
  headend: headendLoginSchema.optional(),
});

export const operatorSignInInputSchema = z.strictObject({
  name: z.string().trim().min(1, { message: 'enter your operator name' }).max(64),
  password: passwordSchema,
});

export const operatorHeadendLoginInputSchema = z.strictObject({
  /** null: the operator has no own head-end login (the shared one of Settings is used). */
  headend: headendLoginSchema.nullable(),
});
