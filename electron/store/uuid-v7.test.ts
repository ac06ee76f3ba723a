import { describe, expect, it } from 'vitest';
import { UuidV7Generator, uuidV7Time } from './uuid-v7';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('UuidV7Generator', () => {
  it('makes RFC 9562 version 7 UUIDs that carry the clock in milliseconds', () => {
    const at = Date.UTC(2026, 0, 5, 9, 30, 0, 123);
    const uuid = new UuidV7Generator(() => at).next();
    expect(uuid).toMatch(V7);
    expect(uuidV7Time(uuid)).toBe(at);
    expect(uuid.slice(0, 13)).toBe(`${at.toString(16).padStart(12, '0').slice(0, 8)}-${at.toString(16).padStart(12, '0').slice(8)}`);
  });

  it('is strictly increasing within one millisecond, moving the time ahead when the counter runs out', () => {
    const at = 1_700_000_000_000;
    const generator = new UuidV7Generator(() => at);
    const uuids = Array.from({ length: 10_000 }, () => generator.next());
    for (let i = 1; i < uuids.length; i++) expect(uuids[i]! > uuids[i - 1]!).toBe(true);
    expect(uuids.every((u) => V7.test(u))).toBe(true);
    // 10k in one ms overflow the 12-bit counter (at least 2048 steps per ms): the time moves ahead a few ms.
    const last = uuidV7Time(uuids.at(-1)!)!;
    expect(last).toBeGreaterThan(at);
    expect(last).toBeLessThanOrEqual(at + 5);
  });

  it('never goes back when the clock does', () => {
    let now = 1_700_000_000_500;
    const generator = new UuidV7Generator(() => now);
    const before = generator.next();
    now -= 60_000;
    const after = generator.next();
    expect(after > before).toBe(true);
    expect(uuidV7Time(after)).toBe(1_700_000_000_500);
  });

  it('differs between generators running at the same millisecond (62 random bits)', () => {
    const at = 1_700_000_000_000;
    const a = new UuidV7Generator(() => at);
    const b = new UuidV7Generator(() => at);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      seen.add(a.next());
      seen.add(b.next());
    }
    expect(seen.size).toBe(4000);
  });

  it('reads no time from other versions', () => {
    expect(uuidV7Time('6b1a8c1e-2f0e-4a57-9b1d-1f1b2c3d4e5f')).toBeNull();
  });
});
