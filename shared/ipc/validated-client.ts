import { isCommandChannel, isEventChannel, type CommandChannel, type EventChannel } from './channels';
import {
  isIpcResultShape,
  parseCommandInput,
  parseCommandOutput,
  parseEventPayload,
  type CaDeskApi,
  type CaDeskBridge,
  type CommandInput,
  type CommandOutput,
  type EventPayload,
} from './contract';
import { fail, ipcErrorSchema, type IpcResult } from './result';

/**
 * Wraps an untyped transport (the preload's bridge or the HTTP bridge) into the
 * typed API, checking both directions against the contract: bad input never
 * leaves the renderer, and a malformed answer never reaches a screen.
 */
export function createValidatedApi(transport: CaDeskBridge, onInvalidEvent?: (channel: string, message: string) => void): CaDeskApi {
  const onConnection = transport.onConnection?.bind(transport);
  return {
    ...(onConnection ? { onConnection } : {}),
    async invoke<C extends CommandChannel>(channel: C, input: CommandInput<C>): Promise<IpcResult<CommandOutput<C>>> {
      if (!isCommandChannel(channel)) return fail('UNKNOWN_CHANNEL', `unknown channel ${String(channel)}`);
      const parsedInput = parseCommandInput(channel, input);
      if (!parsedInput.ok) return parsedInput;
      let answer: unknown;
      try {
        answer = await transport.invoke(channel, parsedInput.value);
      } catch (error) {
        return fail('UNAVAILABLE', `${channel}: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!isIpcResultShape(answer)) return fail('INVALID_OUTPUT', `${channel}: the answer is not a result`);
      if (!answer.ok) {
        // A refusal must still carry a well-formed error, or screens would show garbage.
        const error = ipcErrorSchema.safeParse(answer.error);
        return error.success ? { ok: false, error: error.data } : fail('INVALID_OUTPUT', `${channel}: the answer is a refusal without a valid error`);
      }
      return parseCommandOutput(channel, answer.value);
    },
    on<E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void): () => void {
      if (!isEventChannel(channel)) throw new Error(`unknown event channel ${String(channel)}`);
      return transport.on(channel, (payload) => {
        const parsed = parseEventPayload(channel, payload);
        if (parsed.ok) listener(parsed.value);
        else onInvalidEvent?.(channel, parsed.error.message);
      });
    },
  };
}
