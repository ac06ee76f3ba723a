import { z } from 'zod';
import { secretRegistry } from './secrets';

// Operators of the desk: who signs in, and the desk-level events of the audit
// log (the request history's hash chain, with no request: migration 010).

/** A local display name: what the history records as the actor of every action. */
export const operatorNameSchema = z
  .string()
  .trim()
  .min(2, { message: 'the operator name must have at least 2 characters' })
  .max(64, { message: 'the operator name must have at most 64 characters' })
  .refine((v) => !/[\p{Cc}]/u.test(v), { message: 'the operator name must not contain control characters' })
  // The sync engine and the store write their own actors: an operator may not pose as them.
  .refine((v) => !RESERVED_ACTORS.includes(v.toLowerCase()), { message: 'this name is reserved for the desk itself' });

/** Actors the desk writes itself (sync engine, store, migrations). */
export const RESERVED_ACTORS: readonly string[] = ['sync', 'store', 'desk', 'system'];

export const MIN_OPERATOR_PASSWORD_LENGTH = 8;
/** The operator's own sign-in password: only its scrypt check is kept, never the password. */
export const operatorPasswordSchema = z
  .string()
  .min(MIN_OPERATOR_PASSWORD_LENGTH, { message: `the password must have at least ${MIN_OPERATOR_PASSWORD_LENGTH} characters` })
  .max(256)
  .register(secretRegistry, { secret: true });

/** The operator's own head-end user name (CRM.COM login), where the head-end gives each operator one. */
export const headendUsernameSchema = z.string().trim().min(1).max(128);

/** Desk-level audit events: stored in the history chain with no request (request_id NULL). */
export const DESK_EVENT_KIND_MEANINGS = {
  'desk.operator_added': 'An operator identity was created (the first one at first run, later ones by a signed-in operator).',
  'desk.signed_in': 'An operator signed in while nobody was (the detail names the previous operator since the desk started: a switch through sign-out).',
  'desk.operator_switched': 'Another operator signed in in place of the one signed in (before/after).',
  'desk.sign_in_failed': "A sign-in was refused (wrong name or password): the operator's name when the name typed is one, else only that the name was unknown and its length; the failures in a row and the lockout it started; never the password.",
  'desk.signed_out': 'The operator signed out, or was signed out after inactivity; the keys were cleared from memory.',
  'desk.settings_changed': 'Connection or sync settings changed (before/after; never a secret).',
  'desk.credentials_changed': 'A head-end password was saved, replaced or forgotten (only whether one is saved is recorded).',
  'desk.connection_saved': 'A head-end connection was added or changed in Settings › Connections (before/after; never a secret).',
  'desk.connection_activated': 'Another saved head-end connection was made the active one (from/to).',
  'desk.connection_removed': 'A saved head-end connection and its sealed secrets were forgotten.',
  'desk.store_damaged': 'The background integrity check found the local database damaged; sending was held (the detail names the file and the problems).',
} as const;

export type DeskEventKind = keyof typeof DESK_EVENT_KIND_MEANINGS;
export const DESK_EVENT_KINDS = Object.keys(DESK_EVENT_KIND_MEANINGS) as [DeskEventKind, ...DeskEventKind[]];

/** Minutes without operator activity after which the desk signs the operator out and clears its keys. */
export const DEFAULT_IDLE_SIGN_OUT_MINUTES = 15;
