import { z } from 'zod';
import { headendProfileIdSchema } from '../domain/headend-profiles';
import { passwordSchema } from '../domain/secrets';
import { connectionSettingsSchema } from './app-schemas';

// Several head-end connections (a real CRM.COM server, a direct Nagravision
// gateway, the training sandbox, …), each with its own settings and its own
// sealed secrets; one is active at a time. settings.get / settings.set read and
// change the active one, so a desk with one connection never sees this.

/** A connection's id: chosen by the desk, safe inside a setting's key. */
export const connectionIdSchema = z.string().regex(/^[a-z0-9-]{1,40}$/, { message: 'not a connection id' });

const connectionNameSchema = z
  .string()
  .trim()
  .min(1, { message: 'name the connection' })
  .max(80, { message: 'at most 80 characters' });

/** One saved connection, as the store keeps it (no secret: those are sealed apart, per connection). */
export const connectionEntrySchema = z.strictObject({
  id: connectionIdSchema,
  name: connectionNameSchema,
  settings: connectionSettingsSchema,
});
export type ConnectionEntry = z.infer<typeof connectionEntrySchema>;

export const MAX_CONNECTIONS = 20;

export const connectionBookSchema = z
  .strictObject({ active: connectionIdSchema, entries: z.array(connectionEntrySchema).min(1).max(MAX_CONNECTIONS) })
  .superRefine((book, ctx) => {
    const ids = book.entries.map((e) => e.id);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['entries'], message: 'two connections share an id' });
    if (!ids.includes(book.active)) ctx.addIssue({ code: 'custom', path: ['active'], message: 'the active connection is not in the list' });
  });
export type ConnectionBook = z.infer<typeof connectionBookSchema>;

/** What the Connections list shows of each: never a secret, only whether one is saved. */
export const connectionSummarySchema = z.object({
  id: connectionIdSchema,
  name: z.string(),
  active: z.boolean(),
  mode: z.enum(['embedded', 'remote']),
  profile: headendProfileIdSchema,
  /** Where it points, in words ("embedded sandbox", the base URL, host:port). */
  target: z.string(),
  passwordSaved: z.boolean(),
  webApiKeySaved: z.boolean(),
});
export const connectionListOutputSchema = z.object({ connections: z.array(connectionSummarySchema) });
export type ConnectionList = z.infer<typeof connectionListOutputSchema>;

/**
 * Add a connection (no id) or change a saved one. Changing the active one so it
 * points elsewhere is a switch (refused while requests wait for it); pointing
 * any one elsewhere forgets its secrets unless given again.
 */
export const connectionSaveInputSchema = z.strictObject({
  id: connectionIdSchema.optional(),
  name: connectionNameSchema,
  settings: connectionSettingsSchema,
  /** Write-only, sealed for this connection; null forgets it. */
  password: passwordSchema.nullable().optional(),
  webApiKey: passwordSchema.nullable().optional(),
});
export const connectionSaveOutputSchema = connectionListOutputSchema.extend({ id: connectionIdSchema });
export const connectionIdInputSchema = z.strictObject({ id: connectionIdSchema });
