// TEST-ONLY probe of the sandbox head-end: raw TCP frames and raw HTTP calls,
// with no retry, no reconnection and no ordering logic. It exists to check the
// sandbox from its tests and is NOT the console's head-end client.
import net from 'node:net';
import { encodeFrame, FrameDecoder, type DecodeResult } from '../../protocol/frame-codec';

export interface ProbeAnswer {
  sequence_number: number | null;
  status: { message: string; description: string; code: string; field_errors?: { field: string; message: string }[] };
  data: unknown;
  paging?: Record<string, number>;
}

/** A raw frame connection: send frames, wait for answers by sequence number, see the close. */
export class FrameProbe {
  readonly frames: ProbeAnswer[] = [];
  readonly errors: DecodeResult[] = [];
  private readonly decoder = new FrameDecoder();
  private waiters: (() => void)[] = [];
  private seq = 0;
  ended = false;
  closed = false;
  /** Resolves when the socket is fully closed. */
  readonly closedPromise: Promise<void>;
  /** Resolves when the server ended its side (FIN) or the socket closed. */
  readonly endedPromise: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const r of this.decoder.push(chunk)) {
        if (r.ok) this.frames.push(r.frame as unknown as ProbeAnswer);
        else this.errors.push(r);
      }
      this.wake();
    });
    let markEnded: () => void = () => {};
    this.endedPromise = new Promise((resolve) => (markEnded = resolve));
    socket.on('end', () => {
      this.ended = true;
      markEnded();
      this.wake();
    });
    socket.on('error', () => {});
    this.closedPromise = new Promise((resolve) =>
      socket.on('close', () => {
        this.closed = true;
        markEnded();
        this.wake();
        resolve();
      }),
    );
  }

  static connect(port: number): Promise<FrameProbe> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => resolve(new FrameProbe(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends several request frames in one write (so the server reads them together); returns their sequence numbers. */
  sendTogether(method: string, bodies: unknown[], destinationId: string): number[] {
    const seqs = bodies.map(() => ++this.seq);
    const frames = bodies.map((body, i) =>
      encodeFrame({ destination_id: destinationId, sequence_number: seqs[i], method, body }),
    );
    this.socket.write(Buffer.concat(frames));
    return seqs;
  }

  /** Sends one request frame; returns its sequence number. */
  send(method: string, body: unknown, destinationId: string, sequenceNumber = ++this.seq): number {
    this.socket.write(encodeFrame({ destination_id: destinationId, sequence_number: sequenceNumber, method, body }));
    return sequenceNumber;
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Resolves when `predicate` holds, rejects after timeoutMs. */
  until(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  async answer(sequenceNumber: number, timeoutMs = 5000): Promise<ProbeAnswer> {
    await this.until(() => this.frames.some((f) => f.sequence_number === sequenceNumber), timeoutMs, `answer ${sequenceNumber}`);
    return this.frames.find((f) => f.sequence_number === sequenceNumber)!;
  }

  async call(method: string, body: unknown, destinationId: string, timeoutMs = 5000): Promise<ProbeAnswer> {
    return this.answer(this.send(method, body, destinationId), timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

export interface HttpProbeAnswer {
  httpStatus: number;
  body: ProbeAnswer;
}

/** The control secret test fixtures give the sandbox (a launch picks a random one). */
export const SANDBOX_TEST_CONTROL_SECRET = 'sandbox-test-control-secret';

export async function httpCall(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  query?: Record<string, string>,
  timeoutMs = 5000,
): Promise<HttpProbeAnswer> {
  const url = new URL(path, baseUrl);
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
  const res = await fetch(url, {
    method,
    // the sandbox answers 415 to a POST not marked as JSON, body or not
    headers: {
      ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
      ...(url.pathname.startsWith('/sandbox/control/') ? { 'x-sandbox-control': SANDBOX_TEST_CONTROL_SECRET } : {}),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { httpStatus: res.status, body: (await res.json()) as ProbeAnswer };
}
