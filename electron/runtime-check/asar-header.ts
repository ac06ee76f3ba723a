// Reads the file table of an app.asar without extracting it, so the packaging
// hook can tell which files are inside the archive and which were unpacked next
// to it. Our own reader (a dozen lines) because the app must not depend on the
// packager's internals; the packaging test cross-checks it against @electron/asar.
//
// Layout: a 4-byte length-prefixed pickle holding the header size, then a pickle
// holding the JSON header: { files: { name: { files } | { size, unpacked? } | { link } } }.
import fs from 'node:fs';

export interface AsarEntry {
  /** Path inside the archive, '/'-separated, no leading slash. */
  path: string;
  /** True when the file lives in app.asar.unpacked/ instead of the archive. */
  unpacked: boolean;
}

interface HeaderNode {
  files?: Record<string, HeaderNode>;
  unpacked?: boolean;
  link?: string;
}

/** Every file (not folder, not link) listed in the archive's header. Throws on a file that is not an asar. */
export function listAsarFiles(asarFile: string): AsarEntry[] {
  const fd = fs.openSync(asarFile, 'r');
  try {
    const sizePickle = Buffer.alloc(8);
    fs.readSync(fd, sizePickle, 0, 8, 0);
    if (sizePickle.readUInt32LE(0) !== 4) throw new Error(`${asarFile} is not an asar archive.`);
    const headerPickle = Buffer.alloc(sizePickle.readUInt32LE(4));
    fs.readSync(fd, headerPickle, 0, headerPickle.length, 8);
    const jsonLength = headerPickle.readUInt32LE(4);
    const root = JSON.parse(headerPickle.toString('utf8', 8, 8 + jsonLength)) as HeaderNode;
    const entries: AsarEntry[] = [];
    walk(root, '', entries);
    return entries;
  } finally {
    fs.closeSync(fd);
  }
}

function walk(node: HeaderNode, prefix: string, out: AsarEntry[]): void {
  for (const [name, child] of Object.entries(node.files ?? {})) {
    const childPath = prefix === '' ? name : `${prefix}/${name}`;
    if (child.files) walk(child, childPath, out);
    else if (child.link === undefined) out.push({ path: childPath, unpacked: child.unpacked === true });
  }
}
