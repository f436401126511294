import { readFile, stat } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import type { Context, MiddlewareHandler } from 'hono';
import { getMimeType } from 'hono/utils/mime';

/**
 * The built web UI (`dist/web`), served so that a phone on 4G downloads each byte once:
 *
 * - `/assets/*` carry a content hash in their names (Vite): `Cache-Control: public, max-age=31536000,
 *   immutable` — a repeat visit asks nothing for them. A missing one is a `404`, never the app shell: an old tab
 *   asking for a chunk of the previous build must learn it is gone (the page reloads itself, web/shell/pages.ts),
 *   not cache a page of HTML under a script's name for a year.
 * - `index.html` (and every other path, the hash router's shell) is `no-cache`: asked again each visit, answered
 *   `304` from its ETag when it has not changed, so a new build is seen at once.
 * - Text files are sent as the `.br` or `.gz` the build wrote beside them (vite.config.ts) when the browser
 *   accepts it, with `Vary: Accept-Encoding`; nothing is compressed per request.
 */
export function webAssets(root: string): MiddlewareHandler {
  const base = normalize(root);
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const path = safePath(c.req.path);
    const isAsset = path?.startsWith('/assets/') ?? false;
    const file = path && path !== '/' ? await findFile(base, path) : null;
    if (!file) {
      if (isAsset || path === null) return c.text('Not found\n', 404, { 'cache-control': 'no-cache' });
      // the hash router's shell for every other path
      const shell = await findFile(base, '/index.html');
      return shell ? send(c, shell, 'no-cache') : next();
    }
    return send(c, file, isAsset ? IMMUTABLE : 'no-cache');
  };
}

export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Encodings the build writes beside each text file, in the order we prefer them. */
const ENCODINGS = [
  { name: 'br', ext: '.br' },
  { name: 'gzip', ext: '.gz' },
] as const;

interface FoundFile {
  path: string;
  size: number;
  mtimeMs: number;
  type: string;
}

/** `/a/b.js` as a path inside the root, or null for anything that could leave it or is not plain. */
function safePath(requestPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return null;
  }
  // no `..`, no dot-folders (the build's .vite/manifest.json is for our bench, not for browsers)
  if (decoded.includes('\0') || decoded.includes('\\') || /(^|\/)\./.test(decoded)) return null;
  return decoded;
}

async function findFile(base: string, path: string): Promise<FoundFile | null> {
  const full = normalize(join(base, path));
  if (full !== base && !full.startsWith(base.endsWith(sep) ? base : base + sep)) return null;
  const st = await stat(full).catch(() => null);
  if (!st?.isFile()) return null;
  return {
    path: full,
    size: st.size,
    mtimeMs: st.mtimeMs,
    type: getMimeType(full) ?? 'application/octet-stream',
  };
}

const COMPRESSIBLE = /^(text\/|application\/(javascript|json|xml|manifest\+json)|image\/svg\+xml)/;

/** The encodings the request accepts (`q=0` refuses one), from `Accept-Encoding`. */
export function acceptedEncodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && !(q && Number(q.slice(2)) === 0)) accepted.add(name);
  }
  return accepted;
}

async function send(c: Context, file: FoundFile, cacheControl: string): Promise<Response> {
  let path = file.path;
  let size = file.size;
  let encoding: string | null = null;
  const compressible = COMPRESSIBLE.test(file.type);
  if (compressible) {
    const accepted = acceptedEncodings(c.req.header('accept-encoding'));
    for (const e of ENCODINGS) {
      if (!accepted.has(e.name)) continue;
      const st = await stat(file.path + e.ext).catch(() => null);
      // a compressed copy older than its file is from an earlier build: not this file's bytes
      if (st?.isFile() && st.mtimeMs >= file.mtimeMs) {
        path = file.path + e.ext;
        size = st.size;
        encoding = e.name;
        break;
      }
    }
  }
  // one tag per file version and encoding: a cache never answers a gzip tag with brotli bytes
  const etag = `"${Math.trunc(file.mtimeMs).toString(16)}-${file.size.toString(16)}${encoding ? `-${encoding}` : ''}"`;
  const headers: Record<string, string> = {
    'content-type': file.type,
    'cache-control': cacheControl,
    etag,
  };
  if (compressible) headers.vary = 'Accept-Encoding';
  if (encoding) headers['content-encoding'] = encoding;
  if (
    c.req
      .header('if-none-match')
      ?.split(',')
      .some((t) => t.trim().replace(/^W\//, '') === etag)
  )
    return c.body(null, 304, headers);
  headers['content-length'] = String(size);
  if (c.req.method === 'HEAD') return c.body(null, 200, headers);
  return c.body(new Uint8Array(await readFile(path)), 200, headers);
}
