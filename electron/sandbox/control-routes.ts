// /sandbox/control/*: the knobs of the sandbox for tests and demos. No token:
// the sandbox listens on loopback and this is its operator's panel.
import { z } from 'zod';
import { fail, invalid, invalidField, ok, type Answer } from './envelope';
import type { CrmcomRelease } from '../../shared/domain/crmcom-v4';
import type { Faults } from './faults';
import type { ReceivedEntry } from './request-store';

/** What the control routes reach; startHeadend() hands the same to in-process callers. */
export interface ControlApi {
  /** Counts and knobs; only { running: false, last_restart_error } while stopped by a failed restart. */
  state(): Record<string, unknown>;
  /** Merges fault knobs (unknown keys and bad values throw a ZodError naming them). */
  setFaults(patch: unknown): Faults;
  resetFaults(): Faults;
  /**
   * Closes every socket, reloads state from disk, listens again on the same
   * ports. Rejects when that fails (port taken, database will not open); the
   * head-end is then stopped, state() says why, and restart() may be retried.
   */
  restart(): Promise<void>;
  /** Requests received, in arrival order; for one card when named by CA id, serial, id or alternative code. */
  received(card?: string): ReceivedEntry[];
  /** A card's state (services, pairing, PIN state, messages) or undefined. */
  card(key: string): Record<string, unknown> | undefined;
  setProcessingPaused(paused: boolean): void;
  /** Switches the CRM.COM V4 profile's release (R11, R12, R13, R17_3); throws a ZodError on another value. */
  setRelease(release: unknown): CrmcomRelease;
  /** Runs one processing run now; returns the numbers processed in order. */
  processNow(): string[];
}

export interface ControlAnswer {
  answer: Answer;
  /** Runs once the answer is written (restart must not cut its own answer). */
  after?: () => Promise<void>;
}

const processingSchema = z.strictObject({ paused: z.boolean({ message: 'paused must be true or false' }) });

export async function handleControl(
  api: ControlApi,
  method: string,
  route: string,
  query: Record<string, unknown>,
  body: unknown,
): Promise<ControlAnswer> {
  const key = `${method} ${route.replace(/\/$/, '')}`;
  switch (key) {
    case 'GET state':
      return { answer: ok(api.state()) };
    case 'GET faults':
      return { answer: ok(api.state().faults) };
    case 'POST faults': {
      try {
        return { answer: ok(api.setFaults(body)) };
      } catch (error) {
        if (error instanceof z.ZodError) return { answer: invalid(error) };
        throw error;
      }
    }
    case 'POST faults/reset':
      return { answer: ok(api.resetFaults()) };
    case 'POST restart':
      return { answer: ok({ restarting: true }), after: () => api.restart() };
    case 'GET received': {
      const card = typeof query.card === 'string' && query.card.length > 0 ? query.card : undefined;
      return { answer: ok(api.received(card)) };
    }
    case 'GET card': {
      if (typeof query.card !== 'string' || query.card.length === 0) {
        return { answer: invalidField('card', 'card is required (CA id, serial number, id or alternative code)') };
      }
      const card = api.card(query.card);
      return { answer: card ? ok(card) : fail('NOT_FOUND', 'card: no such smartcard') };
    }
    case 'POST processing': {
      const parsed = processingSchema.safeParse(body);
      if (!parsed.success) return { answer: invalid(parsed.error) };
      api.setProcessingPaused(parsed.data.paused);
      return { answer: ok({ paused: parsed.data.paused }) };
    }
    case 'POST release': {
      const release = (body as { release?: unknown } | null)?.release;
      try {
        return { answer: ok({ release: api.setRelease(release) }) };
      } catch (error) {
        if (error instanceof z.ZodError) return { answer: invalid(error, 'release') };
        throw error;
      }
    }
    case 'POST process-now':
      return { answer: ok({ processed: api.processNow() }) };
    default:
      return { answer: fail('NOT_FOUND', `no such control route: ${key.slice(0, 100)}`) };
  }
}
