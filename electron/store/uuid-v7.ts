import { randomFillSync } from 'node:crypto';

// client_uuid carries a UNIQUE index. Random (v4) UUIDs land anywhere in that
// B-tree, so a 100k import dirties every page of it; time-ordered UUIDs
// (RFC 9562 version 7) land at its right edge, where appends are cheap.
//
// Layout: 48-bit Unix ms | version 7 | 12-bit rand_a | variant 10 | 62-bit rand_b.
// rand_a is a counter within one millisecond (RFC 9562 §6.2, method 1),
// seeded at random with room to count up, so the UUIDs of one generator are
// strictly increasing; when it overflows the timestamp moves one ms ahead, and
// a clock that steps back never makes them go back. rand_b is random: 62 bits
// keep them unique across processes and machines, and unguessable.

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const POOL_BYTES = 8192;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let poolOffset = POOL_BYTES;

/** Offset of `n` fresh random bytes in `pool` (one system call per ~800 UUIDs). */
function takeRandom(n: number): number {
  if (poolOffset + n > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const at = poolOffset;
  poolOffset += n;
  return at;
}

const MAX_COUNTER = 0xfff;
/** A new millisecond starts its counter below this, leaving at least 2048 steps. */
const SEED_RANGE = 0x800;

export class UuidV7Generator {
  private lastMs = -1;
  private counter = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  /** A new version 7 UUID, lower-case, greater than every one this generator made before. */
  next(): string {
    const now = Math.floor(this.clock());
    if (now > this.lastMs) {
      this.lastMs = now;
      this.counter = this.seed();
    } else if (++this.counter > MAX_COUNTER) {
      this.lastMs += 1;
      this.counter = this.seed();
    }
    const ms = this.lastMs;
    const high = Math.floor(ms / 0x1_0000_0000); // top 16 of the 48 timestamp bits
    const low = ms >>> 0;
    const r = takeRandom(8);
    return (
      HEX[(high >>> 8) & 0xff]! +
      HEX[high & 0xff]! +
      HEX[low >>> 24]! +
      HEX[(low >>> 16) & 0xff]! +
      '-' +
      HEX[(low >>> 8) & 0xff]! +
      HEX[low & 0xff]! +
      '-' +
      HEX[0x70 | (this.counter >>> 8)]! +
      HEX[this.counter & 0xff]! +
      '-' +
      HEX[0x80 | (pool[r]! & 0x3f)]! +
      HEX[pool[r + 1]!]! +
      '-' +
      HEX[pool[r + 2]!]! +
      HEX[pool[r + 3]!]! +
      HEX[pool[r + 4]!]! +
      HEX[pool[r + 5]!]! +
      HEX[pool[r + 6]!]! +
      HEX[pool[r + 7]!]!
    );
  }

  private seed(): number {
    const r = takeRandom(2);
    return ((pool[r]! << 8) | pool[r + 1]!) % SEED_RANGE;
  }
}

/** The epoch-ms timestamp a version 7 UUID carries (null for other versions). */
export function uuidV7Time(uuid: string): number | null {
  if (uuid.length !== 36 || uuid[14] !== '7') return null;
  return Number.parseInt(uuid.slice(0, 8) + uuid.slice(9, 13), 16);
}
