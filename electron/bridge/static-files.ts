import { createReadStream, promises as fs } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

// Serves the built renderer. Only files inside `root`; anything that resolves
// outside (../, encoded dots, symlinks out) is a 404, never a read.

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export async function resolveStaticFile(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const realRoot = await fs.realpath(root).catch(() => null);
  if (realRoot === null) return null;
  const candidate = path.resolve(realRoot, relative);
  const real = await fs.realpath(candidate).catch(() => null);
  if (real === null || (real !== realRoot && !real.startsWith(realRoot + path.sep))) return null;
  const stat = await fs.stat(real).catch(() => null);
  return stat?.isFile() ? real : null;
}

export function sendStaticFile(res: ServerResponse, file: string, headers: Record<string, string>): void {
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  // Hashed assets never change; index.html must always be fresh.
  const cache = file.endsWith('.html') ? 'no-store' : 'private, max-age=31536000, immutable';
  res.writeHead(200, { ...headers, 'Content-Type': type, 'Cache-Control': cache });
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
