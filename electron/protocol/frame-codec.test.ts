import { describe, expect, it } from 'vitest';
import { FrameDecoder, encodeFrame } from './frame-codec';

describe('FrameDecoder', () => {
  it('decodes a 256 KiB frame fed one byte at a time (decoding stays linear)', () => {
    // With a quadratic decoder this takes hours and the test times out.
    const payload = { sequence_number: 7, text: 'x'.repeat(256 * 1024) };
    const bytes = encodeFrame(payload);
    const decoder = new FrameDecoder();
    const frames: unknown[] = [];
    for (let i = 0; i < bytes.length; i++) {
      for (const r of decoder.push(bytes.subarray(i, i + 1))) {
        expect(r.ok).toBe(true);
        if (r.ok) frames.push(r.frame);
      }
    }
    expect(frames).toEqual([payload]);
    expect(decoder.pendingBytes).toBe(0);
  });

  it('decodes many frames from one chunk, in order', () => {
    const chunk = Buffer.concat(Array.from({ length: 1000 }, (_, i) => encodeFrame({ sequence_number: i })));
    const results = new FrameDecoder().push(chunk);
    expect(results.map((r) => (r.ok ? r.frame.sequence_number : 'error'))).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('refuses a length prefix over the limit before buffering the body', () => {
    const decoder = new FrameDecoder(1024);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(1025, 0);
    const [result] = decoder.push(header);
    expect(result).toMatchObject({ ok: false, error: { kind: 'frame_too_large' } });
    // and stays failed: the stream is out of step
    expect(decoder.push(encodeFrame({ a: 1 }))[0]).toMatchObject({ ok: false });
  });
});
