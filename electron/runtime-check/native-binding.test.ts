import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { binaryMismatch, checkNativeBinding, prebuildName, queryNapiVersion, requiredNapiVersion, type BindingRuntime } from './native-binding';

// Real files only: the installed better-sqlite3 package and copies of its prebuilds.
const installed = path.resolve('node_modules/better-sqlite3');
const prebuild = (name: string) => path.join(installed, 'prebuilds', `${name}.node`);
const host: BindingRuntime = { platform: process.platform, arch: process.arch, libc: 'glibc', napiVersion: Number(process.versions.napi) };

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A package folder like the installed one, whose linux-x64 prebuild is `binary`. */
function packageWith(binary: string | null): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-desk-binding-'));
  temps.push(dir);
  fs.copyFileSync(path.join(installed, 'package.json'), path.join(dir, 'package.json'));
  fs.copyFileSync(path.join(installed, 'binding.gyp'), path.join(dir, 'binding.gyp'));
  fs.mkdirSync(path.join(dir, 'prebuilds'));
  if (binary !== null) fs.copyFileSync(binary, path.join(dir, 'prebuilds', 'linux-x64.node'));
  return dir;
}
const linuxX64: BindingRuntime = { platform: 'linux', arch: 'x64', libc: 'glibc', napiVersion: 10 };

describe('native binding check', () => {
  it('passes for the binding this Node loads, and that binding really opens a database', () => {
    expect(checkNativeBinding(installed, host)).toBeNull();
    const db = new Database(':memory:');
    expect(db.prepare('select 41 + 1 as n').get()).toEqual({ n: 42 });
    db.close();
  });

  it('reads the Node-API version the prebuilds need from binding.gyp', () => {
    expect(requiredNapiVersion(installed)).toBe(10);
  });

  it('refuses a runtime whose Node-API is older than the binding needs, saying both numbers', () => {
    const message = checkNativeBinding(installed, { ...host, napiVersion: 9 });
    expect(message).toMatch(/needs Node-API 10.*supports Node-API 9/);
  });

  it('names the prebuild each runtime loads', () => {
    expect(prebuildName({ platform: 'linux', arch: 'x64' })).toBe('linux-x64');
    expect(prebuildName({ platform: 'linux', arch: 'arm64', libc: 'musl' })).toBe('linuxmusl-arm64');
    expect(prebuildName({ platform: 'darwin', arch: 'arm64' })).toBe('darwin-arm64');
    expect(prebuildName({ platform: 'win32', arch: 'x64', libc: 'musl' })).toBe('win32-x64');
    expect(prebuildName({ platform: 'freebsd', arch: 'x64' })).toBeNull();
    expect(prebuildName({ platform: 'linux', arch: 'ia32' })).toBeNull();
  });

  it('says so when the package ships no binding for the platform', () => {
    expect(checkNativeBinding(installed, { ...linuxX64, platform: 'freebsd' })).toMatch(/no prebuilt SQLite binding for freebsd-x64/);
  });

  it('recognises every shipped prebuild as a binary for its own platform, CPU and libc', () => {
    for (const file of fs.readdirSync(path.join(installed, 'prebuilds'))) {
      const [platform, arch] = file.replace(/\.node$/, '').split('-') as [string, string];
      const runtime = platform === 'linuxmusl' ? { platform: 'linux', arch, libc: 'musl' as const } : { platform, arch };
      expect(binaryMismatch(fs.readFileSync(path.join(installed, 'prebuilds', file)), runtime), file).toBeNull();
    }
  });

  it('catches a binding for another platform, CPU or C library under the right name', () => {
    expect(checkNativeBinding(packageWith(prebuild('linux-x64')), linuxX64)).toBeNull();
    expect(checkNativeBinding(packageWith(prebuild('darwin-x64')), linuxX64)).toMatch(/cannot load on linux-x64 \(glibc\): it is a darwin x64 binary/);
    expect(checkNativeBinding(packageWith(prebuild('linux-arm64')), linuxX64)).toMatch(/it is a linux arm64 binary/);
    expect(checkNativeBinding(packageWith(prebuild('win32-x64')), linuxX64)).toMatch(/it is a win32 x64 binary/);
    expect(checkNativeBinding(packageWith(prebuild('linuxmusl-x64')), linuxX64)).toMatch(/built for musl/);
    expect(checkNativeBinding(packageWith(prebuild('linux-x64')), { ...linuxX64, libc: 'musl' })).toMatch(/binding for linux-x64 \(musl\) is missing \(.*linuxmusl-x64\.node\)/);
  });

  it('says what to do when the binding or the package is missing', () => {
    expect(checkNativeBinding(packageWith(null), linuxX64)).toMatch(/binding for linux-x64 \(glibc\) is missing.*npm ci/);
    expect(checkNativeBinding(path.join(os.tmpdir(), 'no-such-package-dir'), linuxX64)).toMatch(/not installed.*npm install/);
  });

  it('checks a locally compiled binding first, because the loader prefers it', () => {
    const dir = packageWith(prebuild('linux-x64'));
    fs.mkdirSync(path.join(dir, 'build', 'Release'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'build', 'Release', 'better_sqlite3.node'), 'not a library');
    expect(checkNativeBinding(dir, linuxX64)).toMatch(/build\/Release\/better_sqlite3\.node cannot load.*unknown file format/);
  });

  it('asks an executable for its Node-API version the way start.ts asks Electron, and says null when it cannot', () => {
    expect(queryNapiVersion(process.execPath)).toBe(Number(process.versions.napi));
    expect(queryNapiVersion(path.join(os.tmpdir(), 'no-such-electron'))).toBeNull();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-desk-napi-'));
    temps.push(dir);
    const failing = path.join(dir, 'fails');
    fs.writeFileSync(failing, '#!/bin/sh\necho 10\nexit 1\n', { mode: 0o755 });
    expect(queryNapiVersion(failing)).toBeNull();
  });
});
