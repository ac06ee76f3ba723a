import { isCommandChannel, type CommandChannel, type EventChannel } from '../../shared/ipc/channels';
import {
  parseCommandInput,
  parseCommandOutput,
  parseEventPayload,
  type CommandOutput,
  type EventPayload,
  type ParsedInput,
} from '../../shared/ipc/contract';
import { fail, IpcFailure, type IpcResult } from '../../shared/ipc/result';
import { consoleLogger, type Logger } from '../logging/logger';

// The main-process side of the contract: one handler per channel, every input
// and output checked against the contract, every failure an IpcResult. The
// Electron registration and the browser bridge both call `dispatch`, so they
// cannot drift apart.

export type CommandHandlers = {
  [C in CommandChannel]: (input: ParsedInput<C>) => Promise<CommandOutput<C>> | CommandOutput<C>;
};

export type EventListener = (channel: EventChannel, payload: unknown) => void;

/** Fan-out of validated events to every transport (Electron windows, SSE clients). */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly logger: Logger = consoleLogger()) {}

  emit<E extends EventChannel>(channel: E, payload: EventPayload<E>): void {
    const parsed = parseEventPayload(channel, payload);
    if (!parsed.ok) {
      // A malformed event is our bug; drop it rather than send it.
      this.logger.error(`event ${channel} dropped: ${parsed.error.message}`);
      return;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(channel, parsed.value);
      } catch (error) {
        this.logger.error(`event ${channel} listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}

export class ServiceRegistry {
  constructor(
    private readonly handlers: CommandHandlers,
    readonly events: EventHub,
    private readonly logger: Logger = consoleLogger(),
    /** Puts an unexpected error in the operator's words (a damaged store names its file and the ways out). */
    private readonly explain: (error: unknown) => unknown = (error) => error,
  ) {}

  /** Validates, runs and validates again. Never throws. */
  async dispatch(channel: string, rawInput: unknown): Promise<IpcResult<unknown>> {
    if (!isCommandChannel(channel)) return fail('UNKNOWN_CHANNEL', `unknown channel ${channel.slice(0, 64)}`);
    return this.run(channel, rawInput);
  }

  private async run<C extends CommandChannel>(channel: C, rawInput: unknown): Promise<IpcResult<CommandOutput<C>>> {
    const input = parseCommandInput(channel, rawInput);
    if (!input.ok) return input;
    let output: unknown;
    try {
      const handler = this.handlers[channel] as (i: ParsedInput<C>) => Promise<CommandOutput<C>> | CommandOutput<C>;
      output = await handler(input.value);
    } catch (thrown) {
      if (thrown instanceof IpcFailure) return fail(thrown.code, thrown.message, thrown.fields);
      const error = this.explain(thrown);
      // Only the message: inputs may hold PINs and must not reach the log.
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error(`${channel} failed: ${message}`);
      return fail('INTERNAL', `${channel} failed: ${message}`);
    }
    const checked = parseCommandOutput(channel, output);
    if (!checked.ok) this.logger.error(`${channel} produced an invalid answer: ${checked.error.message}`);
    return checked;
  }
}
