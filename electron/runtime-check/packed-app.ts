// The packed app must hold exactly one SQLite binding: the target's prebuild,
// outside the asar (a .node file cannot be loaded from inside an archive), for
// the right platform, CPU and C library, and loadable by the packed Electron's
// Node-API. Called by the electron-builder afterPack hook (build/after-pack.mjs)
// so a wrong package fails the build instead of the first launch.
import fs from 'node:fs';
import path from 'node:path';
import { listAsarFiles } from './asar-header';
import { binaryMismatch, prebuildName, requiredNapiVersion, type BindingRuntime } from './native-binding';

const PACKAGE_IN_APP = 'node_modules/better-sqlite3';
/** What better-sqlite3's loader needs inside the archive to find its prebuild. */
const LOADER_FILES = [`${PACKAGE_IN_APP}/package.json`, `${PACKAGE_IN_APP}/lib/index.js`, `${PACKAGE_IN_APP}/lib/binding.js`];

export interface PackedTarget extends Omit<BindingRuntime, 'napiVersion'> {
  /** The packed Electron's Node-API version, or null when it could not be asked (cross-build): then that part is not checked. */
  napiVersion: number | null;
}

/**
 * Null when `resourcesDir` (the packed app's resources folder, holding app.asar)
 * ships exactly the right binding; otherwise every problem found, one per line.
 * `sourcePackageDir` is the project's node_modules/better-sqlite3, whose
 * binding.gyp says which Node-API version the prebuilds need.
 */
export function checkPackedApp(resourcesDir: string, target: PackedTarget, sourcePackageDir: string): string | null {
  const asarFile = path.join(resourcesDir, 'app.asar');
  if (!fs.existsSync(asarFile)) return `${asarFile} is missing: the app must be packed into an asar.`;
  const name = prebuildName(target);
  if (name === null) return `better-sqlite3 ships no prebuilt binding for ${target.platform}-${target.arch}: this target cannot be packaged.`;
  const wanted = `${PACKAGE_IN_APP}/prebuilds/${name}.node`;
  const problems: string[] = [];

  const entries = listAsarFiles(asarFile);
  const inArchive = new Set(entries.map((e) => e.path));
  for (const file of LOADER_FILES) if (!inArchive.has(file)) problems.push(`${file} is missing from app.asar (better-sqlite3 cannot load).`);
  const listedBindings = entries.filter((e) => e.path.endsWith('.node'));
  for (const entry of listedBindings) {
    if (entry.path !== wanted) problems.push(`${entry.path} is packed but only ${wanted} may be.`);
    else if (!entry.unpacked) problems.push(`${wanted} is inside app.asar; it must be unpacked (asarUnpack) to load.`);
  }
  if (!listedBindings.some((e) => e.path === wanted)) problems.push(`${wanted} is not in the package.`);

  const unpackedDir = path.join(resourcesDir, 'app.asar.unpacked');
  const unpackedBindings = fs.existsSync(unpackedDir) ? nodeFilesUnder(unpackedDir) : [];
  for (const file of unpackedBindings) if (file !== wanted) problems.push(`app.asar.unpacked/${file} is shipped but only ${wanted} may be.`);

  const bindingPath = path.join(unpackedDir, wanted);
  if (!fs.existsSync(bindingPath)) {
    problems.push(`app.asar.unpacked/${wanted} is missing.`);
  } else {
    const mismatch = binaryMismatch(fs.readFileSync(bindingPath), target);
    if (mismatch !== null) problems.push(`app.asar.unpacked/${wanted} is ${mismatch}, not a ${target.platform}-${target.arch} binding.`);
  }

  if (target.napiVersion !== null) {
    const required = requiredNapiVersion(sourcePackageDir);
    if (target.napiVersion < required) {
      problems.push(`the packed Electron supports Node-API ${target.napiVersion} but the SQLite binding needs ${required}: use a newer Electron.`);
    }
  }
  return problems.length === 0 ? null : problems.join('\n');
}

/** Every *.node file under `dir`, as '/'-separated paths relative to it. */
function nodeFilesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((d) => d.isFile() && d.name.endsWith('.node'))
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)).split(path.sep).join('/'));
}
