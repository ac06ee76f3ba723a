import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// The PIN canary's search: every file under a folder — the store,
// its WAL and SHM, the marker, backups, logs, the sandbox's files and a
// browser profile kept under it — searched for a PIN as text and as bytes.
// Used by sealed-pins.test.ts, seal-clear-pins.test.ts and
// e2e/pin-canary-browser-profile.spec.ts.

/** Every regular file under `dir`, at any depth (symbolic links are not followed). */
export function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((f) => path.join(dir, f))
    .filter((f) => existsSync(f) && lstatSync(f).isFile());
}

/** Files holding the PIN as a value of its own: UTF-8/Latin-1 text, UTF-16 text, or its bytes in a JSON string. */
export function filesWithPin(dir: string, pin: string): string[] {
  const asValue = new RegExp(`(?<![0-9A-Za-z])${pin}(?![0-9A-Za-z])`);
  const utf16 = Buffer.from(pin, 'utf16le');
  return filesUnder(dir).filter((f) => {
    const bytes = readFileSync(f);
    return asValue.test(bytes.toString('latin1')) || bytes.includes(utf16);
  });
}

/** A PIN that appears nowhere in the folder yet, so a hit later can only be ours. */
/**
 * A four-digit value found in no file under any of `dirs`. Name every folder
 * whose bytes may legitimately land under the data folder too (the renderer's
 * bundles, which a browser profile caches): a digit run in a minified bundle is
 * not a leak.
 */
export function unusedPin(...dirs: string[]): string {
  for (let n = 0; n < 500; n++) {
    const pin = String(1000 + Math.floor(Math.random() * 9000));
    if (dirs.every((dir) => filesWithPin(dir, pin).length === 0)) return pin;
  }
  throw new Error('no unused four-digit value in the data folder');
}
