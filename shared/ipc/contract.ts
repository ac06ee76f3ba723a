import { z } from 'zod';
import * as app from './app-schemas';
import * as book from './connection-book-schemas';
import * as req from './request-schemas';
import * as card from './card-schemas';
import * as report from './report-schemas';
import * as operators from './operator-schemas';
import type { CommandChannel, EventChannel } from './channels';
import { fieldErrors } from '../domain/validation';
import { fail, ok, type IpcResult } from './result';

// The one IPC contract. Every channel is declared here once, with the schema
// of what goes in and what comes out; the main-process registry, the preload,
// the browser bridge and the renderer client are all derived from it.

interface CommandSpec<I extends z.ZodType, O extends z.ZodType> {
  input: I;
  output: O;
  /** Commands that change data; the bridge refuses them on GET (it only does POST anyway). */
  mutates: boolean;
}

const command = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, mutates = false): CommandSpec<I, O> => ({
  input,
  output,
  mutates,
});

const none = z.strictObject({}).default({});

export const COMMANDS = {
  'app.info': command(none, app.appInfoSchema),
  'requests.enqueue': command(req.enqueueInputSchema, req.enqueueOutputSchema, true),
  'requests.list': command(req.listInputSchema, req.listOutputSchema),
  'requests.get': command(req.idInputSchema, req.requestDetailSchema),
  'requests.counts': command(none, req.countsOutputSchema),
  'requests.stats': command(req.statsInputSchema, req.statsOutputSchema),
  'requests.retry': command(req.actionInputSchema, req.requestDetailSchema, true),
  'requests.discard': command(req.actionInputSchema, req.requestDetailSchema, true),
  'requests.edit': command(req.editInputSchema, req.requestDetailSchema, true),
  'requests.confirmArrived': command(req.confirmArrivedInputSchema, req.requestDetailSchema, true),
  'requests.confirmNotArrived': command(req.actionInputSchema, req.requestDetailSchema, true),
  'requests.close': command(req.actionInputSchema, req.requestDetailSchema, true),
  'requests.retryMany': command(req.bulkActionInputSchema, req.bulkActionOutputSchema, true),
  'requests.discardMany': command(req.bulkActionInputSchema, req.bulkActionOutputSchema, true),
  'attention.resolved': command(req.attentionResolvedInputSchema, req.attentionResolvedOutputSchema),
  'exports.requests': command(report.exportRequestsInputSchema, report.csvOutputSchema),
  'exports.selected': command(report.exportSelectedInputSchema, report.csvOutputSchema),
  'exports.history': command(report.periodInputSchema, report.csvOutputSchema),
  'reports.shift': command(report.periodInputSchema, report.shiftReportSchema),
  'cards.get': command(card.cardInputSchema, card.cardOutputSchema),
  'catalog.search': command(app.catalogSearchInputSchema, app.catalogSearchOutputSchema),
  'bulk.queueBatch': command(app.bulkQueueBatchInputSchema, app.bulkQueueBatchOutputSchema, true),
  'catalog.importCheck': command(app.catalogImportInputSchema, app.catalogImportReportSchema),
  'catalog.import': command(app.catalogImportInputSchema, app.catalogImportReportSchema, true),
  'sync.status': command(none, app.syncStatusSchema),
  'sync.now': command(none, app.syncNowOutputSchema, true),
  'settings.get': command(none, app.settingsViewSchema),
  'settings.set': command(app.settingsSetInputSchema, app.settingsViewSchema, true),
  'connections.test': command(app.connectionTestInputSchema, app.connectionTestOutputSchema),
  'connections.sendable': command(none, app.sendableKindsOutputSchema),
  'connections.list': command(none, book.connectionListOutputSchema),
  'connections.save': command(book.connectionSaveInputSchema, book.connectionSaveOutputSchema, true),
  'connections.activate': command(book.connectionIdInputSchema, book.connectionListOutputSchema, true),
  'connections.remove': command(book.connectionIdInputSchema, book.connectionListOutputSchema, true),
  'security.status': command(none, app.securityStatusSchema),
  'security.unlock': command(app.securityUnlockInputSchema, app.securityStatusSchema, true),
  'security.lock': command(none, app.securityStatusSchema, true),
  'operators.session': command(none, operators.operatorSessionSchema),
  'operators.create': command(operators.operatorCreateInputSchema, operators.operatorSessionSchema, true),
  'operators.signIn': command(operators.operatorSignInInputSchema, operators.operatorSessionSchema, true),
  'operators.signOut': command(none, operators.operatorSessionSchema, true),
  'operators.touch': command(none, operators.operatorSessionSchema, true),
  'operators.setHeadendLogin': command(operators.operatorHeadendLoginInputSchema, operators.operatorSessionSchema, true),
} as const satisfies Record<CommandChannel, CommandSpec<z.ZodType, z.ZodType>>;

export const EVENTS = {
  'requests.changed': app.requestsChangedSchema,
  'sync.status': app.syncStatusSchema,
  'operators.session': operators.operatorSessionSchema,
} as const satisfies Record<EventChannel, z.ZodType>;

// Exactly the names of channels.ts, no more: a channel added to one list and
// not the other fails to compile.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _commandsMatch: Exact<keyof typeof COMMANDS, CommandChannel> = true;
const _eventsMatch: Exact<keyof typeof EVENTS, EventChannel> = true;
void _commandsMatch;
void _eventsMatch;

type Commands = typeof COMMANDS;
/** What a caller passes (defaults may be left out). */
export type CommandInput<C extends CommandChannel> = z.input<Commands[C]['input']>;
/** What a handler receives, after parsing and defaults. */
export type ParsedInput<C extends CommandChannel> = z.output<Commands[C]['input']>;
export type CommandOutput<C extends CommandChannel> = z.output<Commands[C]['output']>;
export type EventPayload<E extends EventChannel> = z.output<(typeof EVENTS)[E]>;

/** What the renderer gets as `window.caDesk` (preload) or from the HTTP bridge. */
export interface CaDeskApi {
  invoke<C extends CommandChannel>(channel: C, input: CommandInput<C>): Promise<IpcResult<CommandOutput<C>>>;
  /** Subscribes to an event stream; returns the unsubscribe function. */
  on<E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Where the transport can lose its event stream (browser mode): reports losing and regaining it. */
  onConnection?(listener: (connection: TransportConnection) => void): () => void;
}

export interface TransportConnection {
  connected: boolean;
  /** Why it is down, for the status bar. */
  reason?: string;
}

/** The untyped wire shape the preload exposes; the renderer wraps it with validation. */
export interface CaDeskBridge {
  invoke(channel: string, input: unknown): Promise<unknown>;
  on(channel: string, listener: (payload: unknown) => void): () => void;
  onConnection?(listener: (connection: TransportConnection) => void): () => void;
}

export function parseCommandInput<C extends CommandChannel>(channel: C, input: unknown): IpcResult<ParsedInput<C>> {
  const parsed = COMMANDS[channel].input.safeParse(input === undefined ? {} : input);
  if (parsed.success) return ok(parsed.data as ParsedInput<C>);
  const fields = fieldErrors(parsed.error);
  return fail('INVALID_INPUT', `${channel}: invalid input`, fields.length > 0 ? fields : undefined);
}

export function parseCommandOutput<C extends CommandChannel>(channel: C, output: unknown): IpcResult<CommandOutput<C>> {
  const parsed = COMMANDS[channel].output.safeParse(output);
  if (parsed.success) return ok(parsed.data as CommandOutput<C>);
  return fail('INVALID_OUTPUT', `${channel}: invalid output`, fieldErrors(parsed.error));
}

export function parseEventPayload<E extends EventChannel>(channel: E, payload: unknown): IpcResult<EventPayload<E>> {
  const parsed = EVENTS[channel].safeParse(payload);
  if (parsed.success) return ok(parsed.data as EventPayload<E>);
  return fail('INVALID_OUTPUT', `${channel}: invalid event`, fieldErrors(parsed.error));
}

/** Checks that a value received over the wire is a well-formed IpcResult (not its value). */
export function isIpcResultShape(value: unknown): value is IpcResult<unknown> {
  if (value === null || typeof value !== 'object') return false;
  const v = value as { ok?: unknown; value?: unknown; error?: unknown };
  if (v.ok === true) return 'value' in v;
  if (v.ok === false) return v.error !== null && typeof v.error === 'object';
  return false;
}
