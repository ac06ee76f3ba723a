// Fault knobs: what an unreliable head-end does to its clients. Set at start
// (options, CLI flags) or at run time (POST /sandbox/control/faults). Frame
// counts are per TCP connection and exclude `ping`, so a client's heartbeat
// does not move the point where a fault fires.
import { z } from 'zod';

const frameCount = z.number().int().min(1).max(1_000_000).nullable();

export const faultsSchema = z.strictObject({
  /** Added before every answer, TCP and HTTP (it stands for a slow network). */
  latencyMs: z.number().int().min(0).max(120_000).default(0),
  /** The Nth request frame of a connection is acted on, then the connection is destroyed before its answer. */
  dropAfterFrames: frameCount.default(null),
  /** Requests are acted on but nothing is ever answered (TCP frames, HTTP provisioning calls, pings too). */
  answerNever: z.boolean().default(false),
  /** The Nth request frame is acted on, then the server ends its write side (FIN) instead of answering. */
  halfCloseAfterFrames: frameCount.default(null),
  /** The Nth request frame is acted on and answered with bytes that are not a valid frame. */
  garbageAfterFrames: frameCount.default(null),
  /**
   * Every Nth HTTP API call is acted on, then its socket is destroyed. API calls
   * are login, token release, Conax POSTs, show, list and the catalog export,
   * error answers included; control routes, unknown paths, a wrong HTTP method
   * or content type do not count. Counted from the last set/reset of the knobs.
   */
  httpDropAfterRequests: frameCount.default(null),
  /**
   * A provisioning request (TCP submit frame, Conax POST) is created only this
   * long after it arrived, then answered: it stands for a head-end with a
   * backlog, which still creates a request whose client gave up and left.
   */
  createLateMs: z.number().int().min(0).max(120_000).default(0),
  /** Share (0..1) of processed requests REJECTED with SYSTEM_ERROR. */
  rejectRate: z.number().min(0).max(1).default(0),
  /** How many times drop / half-close / garbage / HTTP drop may still fire; null = always. */
  connectionFaultLimit: z.number().int().min(0).nullable().default(null),
});

export type Faults = z.infer<typeof faultsSchema>;
export const faultsPatchSchema = faultsSchema.partial();

export type ConnectionFault = 'drop' | 'half_close' | 'garbage';

/** Bytes that are not a frame: a plausible length prefix followed by non-JSON. */
const GARBAGE_BODY = Buffer.from('\u0000not json!\u00ff', 'latin1');
export const GARBAGE_BYTES = Buffer.concat([Buffer.from([0, 0, 0, GARBAGE_BODY.length]), GARBAGE_BODY]);

export class FaultController {
  private current: Faults;
  private httpCalls = 0;

  constructor(initial: Faults) {
    this.current = { ...initial };
  }

  get faults(): Faults {
    return { ...this.current };
  }

  /** Merges a patch (unknown keys and bad values throw a ZodError naming them). */
  set(patch: unknown): Faults {
    const parsed = faultsPatchSchema.parse(patch);
    const next = { ...this.current };
    for (const [k, v] of Object.entries(parsed)) {
      if (v !== undefined) (next as Record<string, unknown>)[k] = v;
    }
    this.current = next;
    this.httpCalls = 0;
    return this.faults;
  }

  reset(): Faults {
    return this.set(faultsSchema.parse({}));
  }

  /** Which connection fault (if any) fires for the frameCount-th request frame of a connection. */
  connectionFaultFor(frameCount: number): ConnectionFault | null {
    const f = this.current;
    let fault: ConnectionFault | null = null;
    if (f.dropAfterFrames !== null && frameCount === f.dropAfterFrames) fault = 'drop';
    else if (f.halfCloseAfterFrames !== null && frameCount === f.halfCloseAfterFrames) fault = 'half_close';
    else if (f.garbageAfterFrames !== null && frameCount === f.garbageAfterFrames) fault = 'garbage';
    return fault && this.consumeLimit() ? fault : null;
  }

  /** True when this HTTP API call must have its socket destroyed after being acted on. */
  httpDropNow(): boolean {
    const every = this.current.httpDropAfterRequests;
    if (every === null) return false;
    this.httpCalls += 1;
    if (this.httpCalls < every) return false;
    this.httpCalls = 0;
    return this.consumeLimit();
  }

  shouldReject(random: () => number = Math.random): boolean {
    const rate = this.current.rejectRate;
    return rate > 0 && random() < rate;
  }

  private consumeLimit(): boolean {
    const limit = this.current.connectionFaultLimit;
    if (limit === null) return true;
    if (limit <= 0) return false;
    this.current = { ...this.current, connectionFaultLimit: limit - 1 };
    return true;
  }
}
