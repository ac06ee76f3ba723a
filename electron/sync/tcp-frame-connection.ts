import net from 'node:net';
import { encodeFrame, FrameDecoder, DEFAULT_MAX_FRAME_BYTES } from '../protocol/frame-codec';
import { fullJitterDelay, type BackoffOptions } from './backoff';
import { TransportError } from './headend-client';
import type { Logger } from '../logging/logger';

// One persistent TCP connection carrying length-prefixed JSON frames
// (docs/protocol.md): requests are pipelined up to a window, each tagged with a
// sequence number, and answers are matched by that number in whatever order
// they come. A request is "maybe sent" from the moment its bytes are handed to
// the socket; before that a failure proves it never left.

export interface TcpFrameConnectionOptions {
  host: string;
  port: number;
  /** Carried in every frame's header (CRM.COM's "destination ID"). */
  destinationId: string;
  connectTimeoutMs?: number;
  /** Per-request limit, from the call until its answer. */
  requestTimeoutMs?: number;
  /** Most requests written and not yet answered. */
  maxInFlight?: number;
  keepAliveInitialDelayMs?: number;
  /** An application ping goes out this often while connected... */
  heartbeatIntervalMs?: number;
  /** ...and the connection is declared dead if nothing at all comes back within this. */
  heartbeatTimeoutMs?: number;
  reconnectBackoff?: BackoffOptions;
  /** Reconnect by itself after a loss (default true). */
  autoReconnect?: boolean;
  maxFrameBytes?: number;
  logger?: Logger;
}

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'closed';

export interface FrameRequestOptions {
  timeoutMs?: number;
  onWritten?: () => void;
  /**
   * On a timeout after the frame was written, close the connection it went
   * out on, so a late answer (or a request the head-end acts on late) can no
   * longer be processed from it. For submits: the head-end does not dedupe.
   */
  closeOnTimeout?: boolean;
}

interface Pending {
  method: string;
  body: Record<string, unknown>;
  resolve: (frame: Record<string, unknown>) => void;
  reject: (error: TransportError) => void;
  timer: NodeJS.Timeout | null;
  seq: number;
  written: boolean;
  onWritten?: () => void;
  closeOnTimeout?: boolean;
  /** The socket the frame was written to. */
  socket?: net.Socket;
}

const MAX_SEQUENCE = 2 ** 31 - 1;

export class TcpFrameConnection {
  private socket: net.Socket | null = null;
  private state: ConnectionState = 'idle';
  private readonly waiting: Pending[] = [];
  private readonly inFlight = new Map<number, Pending>();
  private nextSeq = 1;
  private failedConnects = 0;
  private nextConnectAt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private lastReceivedAt = 0;
  private lastError: string | null = null;
  private flushScheduled = false;
  private readonly listeners = new Set<(state: ConnectionState, reason: string | null) => void>();
  private readonly o: Required<Omit<TcpFrameConnectionOptions, 'logger'>> & Pick<TcpFrameConnectionOptions, 'logger'>;

  constructor(options: TcpFrameConnectionOptions) {
    this.o = {
      connectTimeoutMs: 5_000,
      requestTimeoutMs: 15_000,
      maxInFlight: 256,
      keepAliveInitialDelayMs: 10_000,
      heartbeatIntervalMs: 10_000,
      heartbeatTimeoutMs: 10_000,
      reconnectBackoff: { baseMs: 500, capMs: 30_000 },
      autoReconnect: true,
      maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
      ...options,
    };
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  get lastFailure(): string | null {
    return this.lastError;
  }

  /** The per-request limit used when a call gives none. */
  get requestTimeoutMs(): number {
    return this.o.requestTimeoutMs;
  }

  onStateChange(listener: (state: ConnectionState, reason: string | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connects if not connected and not backing off; resolves when connected. */
  async connect(): Promise<void> {
    if (this.state === 'connected') return;
    await this.request('ping', {}, { timeoutMs: this.o.connectTimeoutMs + this.o.heartbeatTimeoutMs });
  }

  /**
   * Sends one frame and resolves with the answer frame (sequence number removed).
   * Rejects with a TransportError whose `delivery` says whether it may have left.
   */
  request(method: string, body: Record<string, unknown>, options: FrameRequestOptions = {}): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      if (this.state === 'closed') {
        reject(new TransportError('closed', 'not_sent', 'connection closed'));
        return;
      }
      const pending: Pending = {
        method,
        body,
        resolve,
        reject,
        timer: null,
        seq: 0,
        written: false,
        onWritten: options.onWritten,
        closeOnTimeout: options.closeOnTimeout,
      };
      if (this.state === 'idle') {
        const wait = this.nextConnectAt - Date.now();
        if (wait > 0) {
          const why = this.lastError ? `: ${this.lastError}` : '';
          reject(new TransportError('not_connected', 'not_sent', `not connected (next attempt in ${wait} ms)${why}`));
          return;
        }
        this.openSocket();
      }
      const timeoutMs = options.timeoutMs ?? this.o.requestTimeoutMs;
      pending.timer = setTimeout(() => this.timeOut(pending, timeoutMs), timeoutMs);
      this.waiting.push(pending);
      this.scheduleFlush();
    });
  }

  /** Closes for good: every outstanding request fails, no reconnect. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.dropConnection('connection closed by us');
    this.state = 'closed';
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.emit(null);
  }

  private openSocket(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.state = 'connecting';
    this.emit(null);
    const socket = net.createConnection({
      host: this.o.host,
      port: this.o.port,
      noDelay: true,
      keepAlive: true,
      keepAliveInitialDelay: this.o.keepAliveInitialDelayMs,
    });
    this.socket = socket;
    const decoder = new FrameDecoder(this.o.maxFrameBytes);
    const connectTimer = setTimeout(
      () => this.fail(socket, `connect to ${this.o.host}:${this.o.port} timed out after ${this.o.connectTimeoutMs} ms`),
      this.o.connectTimeoutMs,
    );
    socket.once('connect', () => {
      clearTimeout(connectTimer);
      if (this.socket !== socket) return;
      this.state = 'connected';
      this.failedConnects = 0;
      this.lastError = null;
      this.lastReceivedAt = Date.now();
      this.startHeartbeat(socket);
      this.o.logger?.info(`connected to ${this.o.host}:${this.o.port}`);
      this.emit(null);
      this.flush();
    });
    socket.on('data', (chunk: Buffer) => {
      if (this.socket !== socket) return;
      this.lastReceivedAt = Date.now();
      for (const result of decoder.push(chunk)) {
        if (!result.ok) {
          this.fail(socket, `head-end sent a malformed frame (${result.error.kind}): ${result.error.message}`);
          return;
        }
        this.onFrame(socket, result.frame);
        if (this.socket !== socket) return;
      }
    });
    socket.on('end', () => this.fail(socket, 'head-end closed the connection (half-close)'));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(connectTimer);
      this.fail(socket, `${err.code ?? 'socket error'}: ${err.message}`);
    });
    socket.on('close', () => {
      clearTimeout(connectTimer);
      this.fail(socket, 'connection closed');
    });
  }

  private onFrame(socket: net.Socket, frame: Record<string, unknown>): void {
    const seq = frame.sequence_number;
    if (typeof seq !== 'number' || !Number.isInteger(seq)) {
      this.fail(socket, 'head-end sent a frame without an integer sequence_number; the stream cannot be trusted');
      return;
    }
    const pending = this.inFlight.get(seq);
    if (!pending) {
      // An answer to a request that already timed out: its outcome is settled
      // as unknown and will be reconciled, so the late answer is only noted.
      this.o.logger?.warn(`answer with sequence_number ${seq} matches no request in flight (late or stray); ignored`);
      return;
    }
    this.inFlight.delete(seq);
    if (pending.timer) clearTimeout(pending.timer);
    const { sequence_number: _seq, ...answer } = frame;
    pending.resolve(answer);
    this.scheduleFlush();
  }

  /** Requests made in the same tick leave in one write (one syscall, not one each). */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    process.nextTick(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const socket = this.socket;
    if (this.state !== 'connected' || !socket) return;
    if (this.waiting.length === 0 || this.inFlight.size >= this.o.maxInFlight) return;
    socket.cork();
    while (this.waiting.length > 0 && this.inFlight.size < this.o.maxInFlight) {
      const pending = this.waiting.shift()!;
      this.write(socket, pending);
    }
    socket.uncork();
  }

  private write(socket: net.Socket, pending: Pending): void {
    pending.seq = this.allocateSeq();
    pending.written = true;
    pending.socket = socket;
    this.inFlight.set(pending.seq, pending);
    const frame = encodeFrame({
      destination_id: this.o.destinationId,
      sequence_number: pending.seq,
      method: pending.method,
      body: pending.body,
    });
    const onWritten = pending.onWritten;
    socket.write(frame, onWritten ? () => onWritten() : undefined);
  }

  private allocateSeq(): number {
    for (;;) {
      const seq = this.nextSeq;
      this.nextSeq = seq >= MAX_SEQUENCE ? 1 : seq + 1;
      if (!this.inFlight.has(seq)) return seq;
    }
  }

  private timeOut(pending: Pending, timeoutMs: number): void {
    pending.timer = null;
    if (pending.written) {
      if (this.inFlight.get(pending.seq) !== pending) return;
      this.inFlight.delete(pending.seq);
      pending.reject(new TransportError('timeout', 'maybe_sent', `no answer to ${pending.method} within ${timeoutMs} ms`));
      if (pending.closeOnTimeout && pending.socket) {
        this.fail(pending.socket, `no answer to ${pending.method} within ${timeoutMs} ms; connection closed so nothing late is taken from it`);
        return;
      }
      this.scheduleFlush();
    } else {
      const i = this.waiting.indexOf(pending);
      if (i < 0) return;
      this.waiting.splice(i, 1);
      const why = this.state === 'connecting' ? 'still connecting' : 'window full';
      pending.reject(new TransportError('timeout', 'not_sent', `${pending.method} not sent within ${timeoutMs} ms (${why})`));
    }
  }

  private startHeartbeat(socket: net.Socket): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(() => {
      if (this.socket !== socket || this.state !== 'connected') return;
      const sentAt = Date.now();
      // The ping bypasses the window: a full window must not hide a dead link.
      const ping: Pending = {
        method: 'ping',
        body: {},
        resolve: () => undefined,
        reject: () => undefined,
        timer: null,
        seq: 0,
        written: false,
      };
      ping.timer = setTimeout(() => {
        this.inFlight.delete(ping.seq);
        if (this.socket === socket && this.lastReceivedAt < sentAt) {
          this.fail(socket, `nothing received within ${this.o.heartbeatTimeoutMs} ms of a heartbeat (half-open connection?)`);
        }
      }, this.o.heartbeatTimeoutMs);
      ping.resolve = () => {
        if (ping.timer) clearTimeout(ping.timer);
      };
      this.write(socket, ping);
    }, this.o.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
  }

  /** A connection failure: fail what depended on it, and plan the next attempt. */
  private fail(socket: net.Socket, reason: string): void {
    if (this.socket !== socket) return;
    const wasConnected = this.state === 'connected';
    this.lastError = reason;
    this.dropConnection(reason);
    if (!wasConnected) this.failedConnects += 1;
    const delay = fullJitterDelay(this.failedConnects, this.o.reconnectBackoff);
    this.nextConnectAt = Date.now() + delay;
    this.state = 'idle';
    this.o.logger?.warn(`connection to ${this.o.host}:${this.o.port} lost: ${reason}; reconnecting in ${delay} ms`);
    this.emit(reason);
    if (this.o.autoReconnect) {
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null;
        if (this.state === 'idle') this.openSocket();
      }, delay);
      this.reconnectTimer.unref();
    }
  }

  private dropConnection(reason: string): void {
    const socket = this.socket;
    this.socket = null;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    socket?.destroy();
    for (const pending of this.inFlight.values()) {
      if (pending.timer) clearTimeout(pending.timer);
      pending.reject(new TransportError('connection_lost', 'maybe_sent', `${pending.method}: ${reason} before the answer came`));
    }
    this.inFlight.clear();
    for (const pending of this.waiting.splice(0)) {
      if (pending.timer) clearTimeout(pending.timer);
      pending.reject(new TransportError('connect_failed', 'not_sent', `${pending.method} not sent: ${reason}`));
    }
  }

  private emit(reason: string | null): void {
    for (const listener of this.listeners) listener(this.state, reason);
  }
}
