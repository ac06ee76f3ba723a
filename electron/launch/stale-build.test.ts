import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isStale } from './stale-build';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tree(): { src: string; out: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cadesk-stale-'));
  dirs.push(root);
  const src = path.join(root, 'src');
  mkdirSync(path.join(src, 'deep'), { recursive: true });
  const out = path.join(root, 'main.cjs');
  return { src, out };
}

function touch(file: string, seconds: number): void {
  writeFileSync(file, 'x');
  utimesSync(file, seconds, seconds);
}

describe('stale bundles', () => {
  it('is stale when the output is missing', () => {
    const { src, out } = tree();
    touch(path.join(src, 'a.ts'), 1_000);
    expect(isStale([out], [src])).toBe(true);
  });

  it('is stale when a nested source is newer than the output, fresh otherwise', () => {
    const { src, out } = tree();
    touch(path.join(src, 'a.ts'), 1_000);
    touch(out, 2_000);
    expect(isStale([out], [src])).toBe(false);
    touch(path.join(src, 'deep', 'b.tsx'), 3_000);
    expect(isStale([out], [src])).toBe(true);
  });

  it('ignores tests and files that are not sources', () => {
    const { src, out } = tree();
    touch(out, 2_000);
    touch(path.join(src, 'a.test.ts'), 3_000);
    touch(path.join(src, 'notes.md'), 3_000);
    expect(isStale([out], [src])).toBe(false);
  });
});
