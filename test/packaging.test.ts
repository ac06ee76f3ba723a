// Packaging test: the real electron-builder (package.json `build`) packs the real
// built app with `--dir` for this machine's Linux CPU, and the unpacked tree is
// checked. No Electron can be downloaded here, so `electronDist` points at a
// STAND-IN Electron distribution made below: a shell script named `electron`
// that is NOT Electron. It carries the fuse wire (sentinel + wire bytes, laid out
// as in a real Electron binary) so electron-builder's @electron/fuses flips real
// bytes we can read back, and it answers the afterPack hook's Node-API question
// (ELECTRON_RUN_AS_NODE=1 … -p process.versions.napi) with this Node's answer.
// Nothing is downloaded: electron-builder needs no other tool for a `dir` target.
import { extractFile, listPackage, statFile } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAsarFiles } from '../electron/runtime-check/asar-header';
import { BUNDLES } from '../electron/launch/stale-build';
import { checkPackedApp } from '../electron/runtime-check/packed-app';

const root = path.resolve(import.meta.dirname, '..');
const arch = process.arch;
const prebuild = `node_modules/better-sqlite3/prebuilds/linux-${arch}.node`;
const BUILT = [...BUNDLES.renderer.outputs, ...BUNDLES.shell.outputs];
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron's shipped defaults, in wire order (RunAsNode, CookieEncryption,
// NodeOptions, NodeCliInspect, EmbeddedAsarIntegrity, OnlyLoadAppFromAsar,
// BrowserV8Snapshot, GrantFileProtocolExtraPrivileges): each fuse we set differs
// from its default, so a wire that reads as configured was really flipped.
const DEFAULT_WIRE = '10110001';
const ON = 49; // '1'
const OFF = 48; // '0'

let work: string;
let appOutDir: string;
let resourcesDir: string;
let builderLog = '';

/** Built by test/build-once.ts (vitest global setup) before any test runs. */
function ensureBuilt(): void {
  const missing = BUILT.filter((f) => !fs.existsSync(path.join(root, f)));
  if (missing.length > 0) throw new Error(`the app is not built (${missing.join(', ')} missing): test/build-once.ts should have built it`);
}

/** The stand-in Electron distribution folder (see the header comment): not Electron. */
function makeStandInElectronDist(dir: string): void {
  fs.mkdirSync(path.join(dir, 'resources'), { recursive: true });
  const script = [
    '#!/bin/sh',
    '# STAND-IN for the Electron binary in the packaging test. This is NOT Electron.',
    `if [ "$ELECTRON_RUN_AS_NODE" = 1 ]; then echo ${process.versions.napi}; exit 0; fi`,
    'echo "stand-in Electron used by test/packaging.test.ts; it cannot run the app" >&2',
    'exit 1',
    '',
  ].join('\n');
  const wire = Buffer.concat([Buffer.from(`# ${FUSE_SENTINEL}`), Buffer.from([1, DEFAULT_WIRE.length]), Buffer.from(`${DEFAULT_WIRE}\n`)]);
  fs.writeFileSync(path.join(dir, 'electron'), Buffer.concat([Buffer.from(script), wire]), { mode: 0o755 });
}

function runElectronBuilder(electronDist: string, output: string): Promise<void> {
  const cli = path.join(root, 'node_modules', 'electron-builder', 'cli.js');
  const args = [cli, '--dir', '--linux', `--${arch}`, '--publish', 'never', `-c.electronDist=${electronDist}`, `-c.directories.output=${output}`];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.stdout.on('data', (d: Buffer) => (builderLog += d.toString()));
    child.stderr.on('data', (d: Buffer) => (builderLog += d.toString()));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`electron-builder exited ${code ?? signal}:\n${builderLog}`));
    });
  });
}

function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)).split(path.sep).join('/'));
}

const bytes = (file: string) => fs.statSync(file).size;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

describe.runIf(process.platform === 'linux' && (arch === 'x64' || arch === 'arm64'))('packaging (electron-builder --dir, stand-in Electron)', () => {
  beforeAll(async () => {
    ensureBuilt();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-desk-pack-'));
    makeStandInElectronDist(path.join(work, 'stand-in-electron'));
    const started = Date.now();
    await runElectronBuilder(path.join(work, 'stand-in-electron'), path.join(work, 'out'));
    console.log(`electron-builder --dir took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    appOutDir = path.join(work, 'out', arch === 'x64' ? 'linux-unpacked' : `linux-${arch}-unpacked`);
    resourcesDir = path.join(appOutDir, 'resources');
  }, 240_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('packs main, preload, worker and renderer into app.asar, and nothing else of ours', () => {
    const asar = path.join(resourcesDir, 'app.asar');
    const files = listPackage(asar, { isPack: false }).map((f) => f.replace(/^[\\/]/, '').split(path.sep).join('/'));
    for (const file of BUILT) expect(files).toContain(file);
    expect(files).toContain('package.json');
    const ours = files.filter((f) => !/^node_modules(\/|$)/.test(f));
    for (const file of ours) expect(file, 'only the built app').toMatch(/^(dist|dist\/renderer(\/.+)?|dist-electron(\/.+)?|package\.json)$/);
  });

  it('ships no source maps, tests, TypeScript sources, C sources or build files', () => {
    const inAsar = listPackage(path.join(resourcesDir, 'app.asar'), { isPack: false }).map((f) => f.replace(/^[\\/]/, ''));
    const everything = [...inAsar, ...filesUnder(appOutDir)];
    const forbidden = everything.filter((f) =>
      /\.(map|ts|tsx|c|cc|cpp|h|hpp|gyp|gypi)$|(^|\/)(test|tests|__tests__|deps|src|build)\/|\.(test|spec)\.[cm]?js$|(^|\/)README(\.md)?$/i.test(f),
    );
    expect(forbidden).toEqual([]);
  });

  it('ships better-sqlite3 alone from node_modules (the rest is bundled), with its loader inside the asar', () => {
    const inAsar = listPackage(path.join(resourcesDir, 'app.asar'), { isPack: false }).map((f) => f.replace(/^[\\/]/, ''));
    const packages = new Set(inAsar.filter((f) => f.startsWith('node_modules/')).map((f) => f.split('/')[1]));
    expect([...packages]).toEqual(['better-sqlite3']);
    expect(inAsar).toContain('node_modules/better-sqlite3/lib/binding.js');
  });

  it('keeps exactly this platform’s binding, outside the asar', () => {
    expect(filesUnder(path.join(resourcesDir, 'app.asar.unpacked'))).toEqual([prebuild]);
    expect(statFile(path.join(resourcesDir, 'app.asar'), prebuild)).toMatchObject({ unpacked: true });
    // our own header reader (used by the afterPack hook) agrees with @electron/asar
    const ours = listAsarFiles(path.join(resourcesDir, 'app.asar'));
    expect(ours.filter((e) => e.path.endsWith('.node'))).toEqual([{ path: prebuild, unpacked: true }]);
    const theirFiles = listPackage(path.join(resourcesDir, 'app.asar'), { isPack: false })
      .map((f) => f.replace(/^[\\/]/, ''))
      .filter((f) => !('files' in statFile(path.join(resourcesDir, 'app.asar'), f)));
    expect(ours.map((e) => e.path).sort()).toEqual(theirFiles.sort());
  });

  it('ran the afterPack binding check, which refuses a wrong tree', () => {
    expect(builderLog).toContain(`native binding checked  target=linux-${arch} napi=${process.versions.napi}`);
    const installed = path.join(root, 'node_modules', 'better-sqlite3');
    const target = { platform: 'linux', arch, libc: 'glibc' as const, napiVersion: Number(process.versions.napi) };
    expect(checkPackedApp(resourcesDir, target, installed)).toBeNull();
    expect(checkPackedApp(resourcesDir, { ...target, napiVersion: 9 }, installed)).toMatch(/supports Node-API 9 but the SQLite binding needs 10/);
    expect(checkPackedApp(resourcesDir, { ...target, platform: 'darwin' }, installed)).toMatch(/darwin-.*\.node is not in the package/);
    const stray = path.join(resourcesDir, 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'prebuilds', 'win32-x64.node');
    fs.copyFileSync(path.join(installed, 'prebuilds', 'win32-x64.node'), stray);
    try {
      expect(checkPackedApp(resourcesDir, target, installed)).toMatch(/win32-x64\.node is shipped but only .*linux-.*\.node may be/);
    } finally {
      fs.rmSync(stray);
    }
  });

  it('flips the fuses in the packed executable as configured', async () => {
    const config = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).build.electronFuses;
    expect(config).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    });
    const wire = await getCurrentFuseWire(path.join(appOutDir, 'ca-desk'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(OFF);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(ON);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ON);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(ON);
  });

  it('writes homepage, author and desktopName into the packed package.json', () => {
    const pkg = JSON.parse(extractFile(path.join(resourcesDir, 'app.asar'), 'package.json').toString('utf8'));
    expect(pkg.author.email).toMatch(/@/);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.desktopName).toBe('ca-desk.desktop');
  });

  it('stays within the size budget (printed)', () => {
    const asar = bytes(path.join(resourcesDir, 'app.asar'));
    const unpacked = filesUnder(path.join(resourcesDir, 'app.asar.unpacked')).reduce((n, f) => n + bytes(path.join(resourcesDir, 'app.asar.unpacked', f)), 0);
    console.log(`packed app without Electron: ${mb(asar + unpacked)} (app.asar ${mb(asar)}, app.asar.unpacked ${mb(unpacked)})`);
    // Budget: today ~3.3 MB. All prebuilds or an unbundled node_modules would blow it.
    expect(asar + unpacked).toBeLessThan(8 * 1024 * 1024);
  });
});
