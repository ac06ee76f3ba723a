import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, FRAME_HEADER_BYTES, FrameDecoder, FrameError } from './frame-codec';

const jsonObject = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 });

describe('FrameDecoder (property tests)', () => {
  it('decodes any sequence of frames split at any points', () => {
    fc.assert(
      fc.property(fc.array(jsonObject, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 10 }), (objects, cuts) => {
        const bytes = Buffer.concat(objects.map((o) => encodeFrame(o)));
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const decoder = new FrameDecoder();
        const out: unknown[] = [];
        let prev = 0;
        for (const p of [...points, bytes.length]) {
          for (const r of decoder.push(bytes.subarray(prev, p))) {
            expect(r.ok).toBe(true);
            if (r.ok) out.push(r.frame);
          }
          prev = p;
        }
        expect(out).toEqual(objects.map((o) => JSON.parse(JSON.stringify(o)) as unknown));
        expect(decoder.pendingBytes).toBe(0);
      }),
    );
  });

  it('every truncation of a valid frame yields no frame and no error, only pending bytes', () => {
    fc.assert(
      fc.property(jsonObject, (object) => {
        const frame = encodeFrame(object);
        for (let len = 0; len < frame.length; len++) {
          const decoder = new FrameDecoder();
          expect(decoder.push(frame.subarray(0, len))).toEqual([]);
          expect(decoder.pendingBytes).toBe(len);
          // the rest completes it
          const rest = decoder.push(frame.subarray(len));
          expect(rest).toHaveLength(1);
          expect(rest[0]!.ok).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('random bytes never throw: frames, typed errors or pending bytes, bounded by the size limit', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 8, max: 256 }), (bytes, max) => {
        const decoder = new FrameDecoder(max);
        const results = decoder.push(Buffer.from(bytes));
        const errors = results.filter((r) => !r.ok);
        expect(errors.length).toBeLessThanOrEqual(1);
        for (const r of results) {
          if (!r.ok) {
            expect(r.error).toBeInstanceOf(FrameError);
            expect(['frame_too_large', 'empty_frame', 'invalid_utf8', 'invalid_json', 'not_an_object']).toContain(r.error.kind);
          }
        }
        if (errors.length === 0) expect(decoder.pendingBytes).toBeLessThan(FRAME_HEADER_BYTES + max);
        // once failed, it stays failed and does not buffer
        if (errors.length === 1) {
          const again = decoder.push(Buffer.from([0, 0, 0, 2, 0x7b, 0x7d]));
          expect(again).toHaveLength(1);
          expect(again[0]!.ok).toBe(false);
          expect(decoder.pendingBytes).toBe(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reports each kind of bad frame with its typed error', () => {
    const frame = (body: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, body.length]), body]);
    const kindOf = (bytes: Buffer, max?: number) => {
      const r = new FrameDecoder(max).push(bytes);
      return r[0] && !r[0].ok ? r[0].error.kind : 'none';
    };
    expect(kindOf(Buffer.from([0, 0, 0, 0]))).toBe('empty_frame');
    expect(kindOf(Buffer.from([0, 0, 1, 0]), 100)).toBe('frame_too_large');
    expect(kindOf(frame(Buffer.from([0xc3, 0x28])))).toBe('invalid_utf8');
    expect(kindOf(frame(Buffer.from('{"a":')))).toBe('invalid_json');
    expect(kindOf(frame(Buffer.from('[1]')))).toBe('not_an_object');
    expect(kindOf(frame(Buffer.from('null')))).toBe('not_an_object');
  });
});
