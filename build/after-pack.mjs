// electron-builder afterPack hook (package.json build.afterPack): fails the build
// when the packed tree does not hold exactly the target's SQLite binding outside
// the asar, loadable by the packed Electron. The check itself is plain-Node
// TypeScript (electron/runtime-check/packed-app.ts), loaded through tsx because
// electron-builder imports hooks as plain JavaScript.
import path from 'node:path';
import { Arch } from 'electron-builder';
import { tsImport } from 'tsx/esm/api';

export default async function afterPack(context) {
  const { checkPackedApp } = await tsImport('../electron/runtime-check/packed-app.ts', import.meta.url);
  const { queryNapiVersion } = await tsImport('../electron/runtime-check/native-binding.ts', import.meta.url);
  const { packager, appOutDir, electronPlatformName: platform } = context;
  const arch = Arch[context.arch];
  const resourcesDir = packager.getResourcesDir(appOutDir);
  // Electron's Node-API can only be asked where the packed binary runs: same
  // platform and CPU. The fuses are flipped after this hook, so ELECTRON_RUN_AS_NODE
  // still works here.
  const runsHere = platform === process.platform && arch === process.arch;
  const napiVersion = runsHere ? queryNapiVersion(executablePath(packager, appOutDir, platform)) : null;
  const problem = checkPackedApp(resourcesDir, { platform, arch, libc: 'glibc', napiVersion }, path.join(packager.projectDir, 'node_modules', 'better-sqlite3'));
  if (problem !== null) throw new Error(`Packaging check failed for ${platform}-${arch}:\n${problem}`);
  console.log(
    `  • native binding checked  target=${platform}-${arch} napi=${napiVersion === null ? 'not checked (packed Electron cannot run on this machine)' : napiVersion}`,
  );
}

function executablePath(packager, appOutDir, platform) {
  const name = packager.appInfo.productFilename;
  if (platform === 'linux') return path.join(appOutDir, packager.executableName);
  if (platform === 'win32') return path.join(appOutDir, `${name}.exe`);
  return path.join(appOutDir, `${name}.app`, 'Contents', 'MacOS', name);
}
