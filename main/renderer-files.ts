/**
 * Serving the built renderer (out/renderer) safely, for both the Electron shell's `app://`
 * protocol and the browser host's HTTP server: path traversal refused, a fixed content-type
 * table, and the app's Content-Security-Policy on every HTML response.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The renderer's CSP. `script-src 'self'` forbids inline and remote script; `connect-src`
 * allows only the app's own origin (which includes the browser host's WebSocket).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

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
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.mp3': 'audio/mpeg',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a URL path ("/", "/assets/index-abc.js") to a file under `root`, or null when the path
 * is malformed or would escape `root`. "/" and unknown extension-less paths map to index.html
 * (the renderer has no server-side routes).
 */
export function resolveRendererPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]!.split('#')[0]!);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  if (decoded === '' || decoded === '/') decoded = '/index.html';
  const absRoot = path.resolve(root);
  const candidate = path.resolve(absRoot, '.' + path.posix.normalize('/' + decoded));
  if (candidate !== absRoot && !candidate.startsWith(absRoot + path.sep)) return null;
  if (path.extname(candidate) === '') return path.join(absRoot, 'index.html');
  return candidate;
}

export interface RendererFile {
  status: 200 | 404;
  body: Buffer;
  headers: Record<string, string>;
}

/**
 * Reads the file a URL path names. Symlinks are resolved first: a file or folder inside the
 * renderer folder that links outside it (`assets/x.js -> /etc/passwd`, `linked -> /home/…`) is
 * answered 404, like a path that climbs out with "..". Links that stay inside are served.
 * (realpath, stat and readFile are the calls Electron's asar support covers, so the packaged
 * app's renderer inside app.asar is served the same way.)
 */
export async function loadRendererFile(root: string, urlPath: string): Promise<RendererFile> {
  const file = resolveRendererPath(root, urlPath);
  const notFound: RendererFile = { status: 404, body: Buffer.from('Not found'), headers: { 'content-type': 'text/plain; charset=utf-8' } };
  if (!file) return notFound;
  try {
    const realRoot = await realpath(root);
    const real = await realpath(file);
    if (!real.startsWith(realRoot + path.sep)) return notFound;
    if (!(await stat(real)).isFile()) return notFound;
    const body = await readFile(real);
    const headers: Record<string, string> = {
      'content-type': contentTypeFor(file),
      'x-content-type-options': 'nosniff',
      'cache-control': file.endsWith('.html') ? 'no-cache' : 'max-age=31536000, immutable',
    };
    if (file.endsWith('.html')) {
      headers['content-security-policy'] = CONTENT_SECURITY_POLICY;
      headers['referrer-policy'] = 'no-referrer';
      headers['x-frame-options'] = 'DENY';
    }
    return { status: 200, body, headers };
  } catch {
    return notFound;
  }
}
