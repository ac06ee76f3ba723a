// TCP framing for the Nagravision link (spec decision, docs/protocol.md):
// each frame is a 4-byte big-endian unsigned length followed by that many bytes
// of UTF-8 JSON. One decoder per connection; it never throws on bad input but
// reports a typed FrameError, after which the connection must be closed (the
// stream can no longer be trusted to be in step).

export const FRAME_HEADER_BYTES = 4;
/** Largest frame we accept; a bigger length prefix is a protocol fault, not a reason to buffer. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

export type FrameErrorKind = 'frame_too_large' | 'empty_frame' | 'invalid_utf8' | 'invalid_json' | 'not_an_object';

export class FrameError extends Error {
  constructor(
    readonly kind: FrameErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

export function encodeFrame(payload: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(payload), 'utf8');
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + json.length);
  frame.writeUInt32BE(json.length, 0);
  json.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

export type DecodeResult =
  | { ok: true; frame: Record<string, unknown> }
  | { ok: false; error: FrameError };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failed: FrameError | null = null;

  constructor(private readonly maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {}

  /** Bytes received but not yet part of a whole frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /**
   * Feeds bytes; returns every whole frame now available, in order. After the
   * first error the decoder stays failed and returns that error again.
   */
  push(chunk: Buffer): DecodeResult[] {
    if (this.failed) return [{ ok: false, error: this.failed }];
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const results: DecodeResult[] = [];
    while (this.buffered >= FRAME_HEADER_BYTES) {
      const head = this.peek(FRAME_HEADER_BYTES);
      const length = head.readUInt32BE(0);
      if (length === 0) return this.fail(results, new FrameError('empty_frame', 'frame of length 0'));
      if (length > this.maxFrameBytes) {
        return this.fail(
          results,
          new FrameError('frame_too_large', `frame of ${length} bytes exceeds the limit of ${this.maxFrameBytes}`),
        );
      }
      if (this.buffered < FRAME_HEADER_BYTES + length) break;
      const body = this.take(FRAME_HEADER_BYTES + length).subarray(FRAME_HEADER_BYTES);
      let text: string;
      try {
        text = utf8.decode(body);
      } catch {
        return this.fail(results, new FrameError('invalid_utf8', 'frame is not valid UTF-8'));
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return this.fail(results, new FrameError('invalid_json', 'frame is not valid JSON'));
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        return this.fail(results, new FrameError('not_an_object', 'frame JSON is not an object'));
      }
      results.push({ ok: true, frame: parsed as Record<string, unknown> });
    }
    return results;
  }

  private fail(results: DecodeResult[], error: FrameError): DecodeResult[] {
    this.failed = error;
    this.chunks = [];
    this.buffered = 0;
    results.push({ ok: false, error });
    return results;
  }

  // Joining is done at most once per push for a header and once per whole frame:
  // a peer dribbling one byte at a time must not make decoding quadratic.
  private peek(n: number): Buffer {
    if (this.chunks[0]!.length < n) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.subarray(0, n);
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }
}
