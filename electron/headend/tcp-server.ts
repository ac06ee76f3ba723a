// The Nagravision link: length-prefixed JSON frames over TCP (docs/protocol.md).
// Requests on one connection are handled as they arrive and answered when done,
// so with jitter answers come back out of order; the sequence_number ties them
// together. A frame that cannot be decoded closes that connection only.
import net from 'node:net';
import { encodeFrame, FRAME_HEADER_BYTES, FrameDecoder } from '../protocol/frame-codec';
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
  log: (line: string) => void;
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
    this.server.on('error', (e) => config.log(`tcp server error: ${e.message}`));
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
    const conn = { requestFrames: 0, writeClosed: false, clientEnded: false, inFlight: 0 };
    const endIfDone = () => {
      if (conn.clientEnded && conn.inFlight === 0 && !conn.writeClosed) {
        conn.writeClosed = true;
        socket.end();
      }
    };
    socket.on('data', (chunk: Buffer) => {
      for (const result of decoder.push(chunk)) {
        if (!result.ok) {
          this.config.log(`tcp: closing connection after a bad frame (${result.error.kind})`);
          socket.destroy();
          return;
        }
        if (socket.destroyed) return;
        this.handleFrame(socket, conn, result.frame, endIfDone);
      }
    });
    socket.on('end', () => {
      conn.clientEnded = true;
      endIfDone();
    });
    socket.on('error', () => {});
    socket.on('close', () => this.sockets.delete(socket));
  }

  private handleFrame(
    socket: net.Socket,
    conn: { requestFrames: number; writeClosed: boolean; inFlight: number },
    frame: Record<string, unknown>,
    endIfDone: () => void,
  ): void {
    const isPing = frame.method === PING_METHOD;
    const fault = isPing ? null : this.faults.connectionFaultFor(++conn.requestFrames);
    const seq = frame.sequence_number;
    const validSeq = typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0;
    const answer = this.answer(frame, validSeq);
    const current = this.faults.faults;

    if (fault === 'drop') {
      // RST, not FIN: what a crashed head-end or a cut line looks like to the client
      socket.resetAndDestroy();
      return;
    }
    if (fault === 'half_close') {
      conn.writeClosed = true;
      socket.end();
      return;
    }
    if (current.answerNever || conn.writeClosed) return;
    const payload =
      fault === 'garbage' ? GARBAGE_BYTES : this.encodeAnswer(validSeq ? seq : null, frame.method, answer);
    const jitter =
      isPing || fault === 'garbage' || this.config.answerJitterMs === 0
        ? 0
        : Math.floor(this.jitterRandom() * (this.config.answerJitterMs + 1));
    const delay = current.latencyMs + jitter;
    conn.inFlight += 1;
    const send = () => {
      conn.inFlight -= 1;
      if (!socket.destroyed && !conn.writeClosed) socket.write(payload);
      endIfDone();
    };
    if (delay === 0) {
      send();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      send();
    }, delay);
    this.timers.add(timer);
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
    this.config.log(`tcp: the answer to ${name.slice(0, 64) || 'a frame'} (${size} bytes) exceeds the frame limit of ${max}`);
    return encodeFrame({ sequence_number, ...answerTooLarge(name, size, max).envelope });
  }

  private answer(frame: Record<string, unknown>, validSeq: boolean): Answer {
    try {
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
          return this.service.submit('nagravision', method, body, 'tcp');
      }
    } catch (error) {
      this.config.log(`tcp: failed to handle a frame: ${error instanceof Error ? error.message : String(error)}`);
      return fail('SYSTEM_ERROR', 'the head-end failed to handle this request');
    }
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
