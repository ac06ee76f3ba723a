// The Nagravision link: length-prefixed JSON frames over TCP (docs/protocol.md).
// Requests on one connection are handled as they arrive and answered when done
// (a created request once committed, with the others of its turn: group
// commit), so with jitter answers come back out of order; the sequence_number
// ties them together. A frame that cannot be decoded closes that connection only.
import net from 'node:net';
import { encodeFrame, FRAME_HEADER_BYTES, FrameDecoder } from '../protocol/frame-codec';
import type { Logger } from '../logging/logger';
import { fail, invalidField, ok, type Answer } from './envelope';
import { GARBAGE_BYTES, type FaultController } from './faults';
import type { HeadendService } from './headend-service';
import { listenOn } from './listen';
import { createPrng } from './seed-catalog';

export const NAGRAVISION_METHOD_PREFIX = 'nagravision/provisioning_requests/';
export const PING_METHOD = 'ping';

export interface TcpServerConfig {
  host: string;
  destinationId: string;
  maxFrameBytes: number;
  answerJitterMs: number;
  /** Seeds the jitter, so a given seed delays the Nth jittered answer the same way on every run. */
  jitterSeed: number;
  logger: Logger;
}

/** Per-connection state. */
interface Connection {
  /** Request frames so far (pings excluded), for the frame-count faults. */
  requestFrames: number;
  /** A half-close was decided: later frames are acted on, none is answered. */
  answersStopped: boolean;
  /** A drop or a bad frame was decided: later frames are not read. */
  closing: boolean;
  /** Our write side is ended. */
  writeClosed: boolean;
  clientEnded: boolean;
  /** Answers waiting on a timer (latency, jitter). */
  inFlight: number;
  /** Frames whose step waits on a commit or on an earlier frame's step. */
  behind: number;
  tail: Promise<void>;
  corked: boolean;
}

export class NagravisionTcpServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly jitterRandom: () => number;

  constructor(
    private readonly service: HeadendService,
    private readonly faults: FaultController,
    private readonly config: TcpServerConfig,
  ) {
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    this.server.on('error', (e) => config.logger.error(`tcp server error: ${e.message}`));
    this.jitterRandom = createPrng(config.jitterSeed);
  }

  listen(port: number): Promise<number> {
    return listenOn(this.server, port, this.config.host);
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Stops listening and destroys every connection (what a crash or restart does to clients). */
  close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const decoder = new FrameDecoder(this.config.maxFrameBytes);
    const conn: Connection = {
      requestFrames: 0,
      answersStopped: false,
      closing: false,
      writeClosed: false,
      clientEnded: false,
      inFlight: 0,
      behind: 0,
      tail: Promise.resolve(),
      corked: false,
    };
    socket.on('data', (chunk: Buffer) => {
      for (const result of decoder.push(chunk)) {
        if (socket.destroyed || conn.closing) return;
        if (!result.ok) {
          this.config.logger.warn(`tcp: closing connection after a bad frame (${result.error.kind})`);
          // after the answers to the frames before it, as when each was answered at once
          conn.closing = true;
          this.inOrder(socket, conn, null, () => {
            this.flushWrites(socket, conn);
            socket.destroy();
          });
          return;
        }
        this.handleFrame(socket, conn, result.frame);
      }
    });
    socket.on('end', () => {
      conn.clientEnded = true;
      this.endIfDone(socket, conn);
    });
    socket.on('error', () => {});
    socket.on('close', () => this.sockets.delete(socket));
  }

  /**
   * Every decision about a frame (fault, jitter draw, whether it is answered)
   * is taken as it arrives, in arrival order, as before group commit; what
   * follows from it (the write, the drop, the half-close) waits until the
   * request's row is committed and the frames before it were dealt with.
   */
  private handleFrame(socket: net.Socket, conn: Connection, frame: Record<string, unknown>): void {
    const isPing = frame.method === PING_METHOD;
    const fault = isPing ? null : this.faults.connectionFaultFor(++conn.requestFrames);
    const seq = frame.sequence_number;
    const validSeq = typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0;
    const answer = this.answer(frame, validSeq);
    const current = this.faults.faults;

    if (fault === 'drop') {
      // the request is acted on (committed), then the connection goes, unanswered;
      // RST, not FIN: what a crashed head-end or a cut line looks like to the client
      conn.closing = true;
      this.inOrder(socket, conn, answer, () => {
        this.flushWrites(socket, conn);
        socket.resetAndDestroy();
      });
      return;
    }
    if (fault === 'half_close') {
      conn.answersStopped = true;
      this.inOrder(socket, conn, answer, () => {
        conn.writeClosed = true;
        socket.end();
      });
      return;
    }
    if (current.answerNever || conn.answersStopped) return;
    const jitter =
      isPing || fault === 'garbage' || this.config.answerJitterMs === 0
        ? 0
        : Math.floor(this.jitterRandom() * (this.config.answerJitterMs + 1));
    const delay = current.latencyMs + jitter;
    this.inOrder(socket, conn, answer, (done) => {
      const payload = fault === 'garbage' ? GARBAGE_BYTES : this.encodeAnswer(validSeq ? seq : null, frame.method, done);
      if (delay === 0) {
        this.write(socket, conn, payload);
        return;
      }
      conn.inFlight += 1;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        conn.inFlight -= 1;
        this.write(socket, conn, payload);
        this.endIfDone(socket, conn);
      }, delay);
      this.timers.add(timer);
    });
  }

  /**
   * Runs `step` with the frame's answer once it is ready and every earlier
   * frame of the connection had its step: at once when nothing waits, so a
   * ping or a refused frame is still answered in the turn it arrived.
   */
  private inOrder<T>(socket: net.Socket, conn: Connection, value: T | Promise<T>, step: (value: T) => void): void {
    if (conn.behind === 0 && !(value instanceof Promise)) {
      step(value);
      this.endIfDone(socket, conn);
      return;
    }
    conn.behind += 1;
    conn.tail = conn.tail
      .then(() => value)
      .then((ready) => {
        conn.behind -= 1;
        step(ready);
        this.endIfDone(socket, conn);
      })
      .catch((error: unknown) => {
        this.config.logger.error(`tcp: failed to answer a frame: ${error instanceof Error ? error.message : String(error)}`);
        socket.destroy();
      });
  }

  /** When the client ended its side: answer what is in flight, then end ours. */
  private endIfDone(socket: net.Socket, conn: Connection): void {
    if (conn.clientEnded && conn.inFlight === 0 && conn.behind === 0 && !conn.writeClosed) {
      conn.writeClosed = true;
      socket.end();
    }
  }

  /**
   * Answers written in one turn leave in one write (corked until the turn's
   * callbacks and promise reactions are done): a group commit settles a whole
   * window of pipelined requests at once.
   */
  private write(socket: net.Socket, conn: Connection, payload: Buffer): void {
    if (socket.destroyed || conn.writeClosed) return;
    if (!conn.corked) {
      conn.corked = true;
      socket.cork();
      process.nextTick(() => this.flushWrites(socket, conn));
    }
    socket.write(payload);
  }

  private flushWrites(socket: net.Socket, conn: Connection): void {
    if (!conn.corked) return;
    conn.corked = false;
    socket.uncork();
  }

  /**
   * The answer frame, or an error frame when the answer would not fit in one
   * frame: the client's decoder would refuse it (frame_too_large) and drop the
   * connection, so say what to ask instead (fewer records or fewer fields).
   */
  private encodeAnswer(seq: unknown, method: unknown, answer: Answer): Buffer {
    const sequence_number = seq as number | null;
    const payload = encodeFrame({ sequence_number, ...answer.envelope });
    const size = payload.length - FRAME_HEADER_BYTES;
    const max = this.config.maxFrameBytes;
    if (size <= max) return payload;
    const name = typeof method === 'string' ? method.slice(method.lastIndexOf('/') + 1) : '';
    this.config.logger.warn(`tcp: the answer to ${name.slice(0, 64) || 'a frame'} (${size} bytes) exceeds the frame limit of ${max}`);
    return encodeFrame({ sequence_number, ...answerTooLarge(name, size, max).envelope });
  }

  /** The frame's answer; a promise for a request being created (answered once committed). */
  private answer(frame: Record<string, unknown>, validSeq: boolean): Answer | Promise<Answer> {
    try {
      const answer = this.route(frame, validSeq);
      return answer instanceof Promise ? answer.catch((error: unknown) => this.failed(error)) : answer;
    } catch (error) {
      return this.failed(error);
    }
  }

  private failed(error: unknown): Answer {
    this.config.logger.error(`tcp: failed to handle a frame: ${error instanceof Error ? error.message : String(error)}`);
    return fail('SYSTEM_ERROR', 'the head-end failed to handle this request');
  }

  private route(frame: Record<string, unknown>, validSeq: boolean): Answer | Promise<Answer> {
    if (!validSeq) return invalidField('sequence_number', 'sequence_number must be a non-negative whole number');
    if (frame.destination_id !== this.config.destinationId) {
      return invalidField('destination_id', 'destination_id does not name this head-end');
    }
    if (typeof frame.method !== 'string' || frame.method.length === 0) {
      return invalidField('method', 'method is required');
    }
    const method = frame.method.startsWith(NAGRAVISION_METHOD_PREFIX)
      ? frame.method.slice(NAGRAVISION_METHOD_PREFIX.length)
      : frame.method;
    const body = frame.body ?? {};
    switch (method) {
      case PING_METHOD:
        return ok({ pong: true });
      case 'authentication/token':
        return this.service.login(body);
      case 'authentication/token/release':
        return this.service.release(body);
      case 'show':
        return this.service.show('nagravision', body);
      case 'list':
        return this.service.list('nagravision', body);
      default:
        return this.createLate(() => this.service.submit('nagravision', method, body, 'tcp'));
    }
  }

  /** The createLateMs knob: the request is created (and answered) only after the delay, connection open or not. */
  private createLate(create: () => Answer | Promise<Answer>): Answer | Promise<Answer> {
    const late = this.faults.faults.createLateMs;
    if (late === 0) return create();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, late);
      this.timers.add(timer);
    }).then(create);
  }
}

/** What a too-large answer becomes: the fields to change to get one that fits. */
export function answerTooLarge(method: string, size: number, max: number): Answer {
  const tooLarge = `answer too large for one frame (${size} bytes, limit ${max})`;
  if (method === 'list') {
    const answer = fail('INVALID_PARAMETERS', `records_per_page, fields_set: ${tooLarge}; ask fewer records or fewer fields`);
    answer.envelope.status.field_errors = [
      { field: 'records_per_page', message: `${tooLarge}; ask fewer records` },
      { field: 'fields_set', message: `${tooLarge}; ask fewer fields` },
    ];
    return answer;
  }
  if (method === 'show') return invalidField('fields_set', `${tooLarge}; ask fewer fields`);
  return fail('SYSTEM_ERROR', tooLarge);
}
