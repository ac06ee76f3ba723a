// Will the SQLite binding load in the runtime that is about to load it?
//
// better-sqlite3 13 ships one prebuilt Node-API binary per platform in
// `prebuilds/<platform>-<arch>.node` (`linuxmusl-*` on musl) and no install step:
// the same file loads in Node and in Electron, provided the runtime supports the
// Node-API version the binary was compiled for (the `NAPI_VERSION` define of the
// package's binding.gyp). Its loader (lib/binding.js) prefers a locally compiled
// `build/Release|Debug/better_sqlite3.node` when one exists, so that file is the
// one checked then.
//
// Plain Node on purpose (no `electron` import): scripts/start.ts asks this before
// spawning Electron, and the packaging hook asks it of the packed tree, so an
// operator reads a sentence instead of a worker crash at first launch:
//
//   const napiVersion = queryNapiVersion(electronExecutable); // null: it did not answer
//   const problem = napiVersion === null
//     ? 'Electron did not start (…)'
//     : checkNativeBinding(path.join(root, 'node_modules', 'better-sqlite3'),
//         { platform: process.platform, arch: process.arch, napiVersion });
//   if (problem !== null) { /* show it, offer browser mode */ }
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The runtime that will load the binding. */
export interface BindingRuntime {
  /** `process.platform` of that runtime: 'linux' | 'darwin' | 'win32' have prebuilds. */
  platform: string;
  /** `process.arch` of that runtime: 'x64' | 'arm64' have prebuilds. */
  arch: string;
  /** Linux only: the C library the runtime is linked against. Electron is glibc-only. Default 'glibc'. */
  libc?: 'glibc' | 'musl';
  /** `process.versions.napi` of that runtime (for Electron: run it with ELECTRON_RUN_AS_NODE=1). */
  napiVersion: number;
}

const PREBUILT_PLATFORMS = ['linux', 'darwin', 'win32'];
const PREBUILT_ARCHS = ['x64', 'arm64'];

/** The prebuild's base name for a runtime ('linux-x64', 'linuxmusl-arm64', 'win32-x64'…), or null if the package ships none. */
export function prebuildName(runtime: Pick<BindingRuntime, 'platform' | 'arch' | 'libc'>): string | null {
  if (!PREBUILT_PLATFORMS.includes(runtime.platform) || !PREBUILT_ARCHS.includes(runtime.arch)) return null;
  const platform = runtime.platform === 'linux' && runtime.libc === 'musl' ? 'linuxmusl' : runtime.platform;
  return `${platform}-${runtime.arch}`;
}

/**
 * The Node-API version the package's binaries were compiled for, read from the
 * `NAPI_VERSION=<n>` define of its binding.gyp (the file its prebuilds are built
 * from). Throws when the package has no such define: then nothing can be promised.
 */
export function requiredNapiVersion(packageDir: string): number {
  const gypFile = path.join(packageDir, 'binding.gyp');
  const gyp = fs.readFileSync(gypFile, 'utf8');
  const match = /['"]NAPI_VERSION=(\d+)['"]/.exec(gyp);
  if (!match) throw new Error(`${gypFile} declares no NAPI_VERSION: cannot tell which runtimes can load better-sqlite3.`);
  return Number(match[1]);
}

/** The binary better-sqlite3's loader will pick for this runtime: a local compile wins over the prebuild. */
export function bindingFile(packageDir: string, runtime: Pick<BindingRuntime, 'platform' | 'arch' | 'libc'>): string | null {
  for (const flavour of ['Debug', 'Release']) {
    const compiled = path.join(packageDir, 'build', flavour, 'better_sqlite3.node');
    if (fs.existsSync(compiled)) return compiled;
  }
  const name = prebuildName(runtime);
  return name === null ? null : path.join(packageDir, 'prebuilds', `${name}.node`);
}

/**
 * Null when the binding `runtime` will load from `packageDir`
 * (…/node_modules/better-sqlite3) exists, is a binary for that platform, CPU
 * and C library, and needs no newer Node-API than the runtime has; otherwise one
 * operator-facing sentence saying what is wrong and what to do.
 */
export function checkNativeBinding(packageDir: string, runtime: BindingRuntime): string | null {
  if (!fs.existsSync(path.join(packageDir, 'package.json'))) {
    return `better-sqlite3 is not installed (${packageDir} is missing): run \`npm install\` first.`;
  }
  const where = `${runtime.platform}-${runtime.arch}${runtime.platform === 'linux' ? ` (${runtime.libc ?? 'glibc'})` : ''}`;
  const file = bindingFile(packageDir, runtime);
  if (file === null) {
    return `better-sqlite3 ships no prebuilt SQLite binding for ${where}; it has them for ${PREBUILT_PLATFORMS.join('/')} on ${PREBUILT_ARCHS.join('/')}. Use a supported machine.`;
  }
  if (!fs.existsSync(file)) {
    return `The SQLite binding for ${where} is missing (${file}): reinstall with \`npm ci\`; nothing needs to be compiled.`;
  }
  const mismatch = binaryMismatch(fs.readFileSync(file), runtime);
  if (mismatch !== null) {
    return `The SQLite binding ${file} cannot load on ${where}: it is ${mismatch}. Delete it and reinstall with \`npm ci\`.`;
  }
  let required: number;
  try {
    required = requiredNapiVersion(packageDir);
  } catch (error) {
    return (error as Error).message;
  }
  if (!Number.isInteger(runtime.napiVersion) || runtime.napiVersion < required) {
    return (
      `The SQLite binding needs Node-API ${required}, but this runtime supports Node-API ${String(runtime.napiVersion)}: ` +
      `use Node 22.14 or newer (or an Electron built on such a Node).`
    );
  }
  return null;
}

/**
 * `process.versions.napi` of an Electron (or Node) executable, asked with
 * ELECTRON_RUN_AS_NODE=1; null when it cannot run here or does not answer in time.
 */
export function queryNapiVersion(executable: string, timeoutMs = 20_000): number | null {
  const result = spawnSync(executable, ['-p', 'process.versions.napi'], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: timeoutMs,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const answer = result.status === 0 ? (result.stdout ?? '').trim() : '';
  return /^\d+$/.test(answer) ? Number(answer) : null;
}

const ELF_MACHINES: Record<number, string> = { 62: 'x64', 183: 'arm64' };
const MACHO_CPUS: Record<number, string> = { 0x01000007: 'x64', 0x0100000c: 'arm64' };
const PE_MACHINES: Record<number, string> = { 0x8664: 'x64', 0xaa64: 'arm64' };

/** Null when `binary` is a shared library for the runtime's platform, CPU and libc; else what it is instead. */
export function binaryMismatch(binary: Buffer, runtime: Pick<BindingRuntime, 'platform' | 'arch' | 'libc'>): string | null {
  const found = describeBinary(binary);
  if (found === null) return 'not a shared library (unknown file format)';
  if (found.platform !== runtime.platform || !found.archs.includes(runtime.arch)) {
    return `a ${found.platform} ${found.archs.join('+') || 'unknown-CPU'} binary`;
  }
  if (found.platform === 'linux') {
    // A musl build links libc.musl-<cpu>.so.1; a glibc build links libc.so.6.
    const musl = binary.includes('libc.musl-');
    if (musl !== (runtime.libc === 'musl')) return `built for ${musl ? 'musl' : 'glibc'}`;
  }
  return null;
}

function describeBinary(b: Buffer): { platform: string; archs: string[] } | null {
  if (b.length >= 20 && b.readUInt32BE(0) === 0x7f454c46) {
    return { platform: 'linux', archs: [ELF_MACHINES[b.readUInt16LE(18)] ?? 'unknown'] };
  }
  if (b.length >= 8 && b.readUInt32LE(0) === 0xfeedfacf) {
    return { platform: 'darwin', archs: [MACHO_CPUS[b.readInt32LE(4)] ?? 'unknown'] };
  }
  if (b.length >= 8 && b.readUInt32BE(0) === 0xcafebabe) {
    // A universal (fat) Mach-O: one 20-byte big-endian entry per slice.
    const count = Math.min(b.readUInt32BE(4), 8);
    const archs: string[] = [];
    for (let i = 0; i < count && 8 + i * 20 + 4 <= b.length; i++) archs.push(MACHO_CPUS[b.readInt32BE(8 + i * 20)] ?? 'unknown');
    return { platform: 'darwin', archs };
  }
  if (b.length >= 0x40 && b.toString('latin1', 0, 2) === 'MZ') {
    const pe = b.readUInt32LE(0x3c);
    if (pe + 6 <= b.length && b.toString('latin1', pe, pe + 4) === 'PE\0\0') {
      return { platform: 'win32', archs: [PE_MACHINES[b.readUInt16LE(pe + 4)] ?? 'unknown'] };
    }
  }
  return null;
}
