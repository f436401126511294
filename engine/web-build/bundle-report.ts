import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/** One chunk of Vite's build manifest (`dist/web/.vite/manifest.json`), keyed by source or `_shared` name. */
export interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
export type Manifest = Record<string, ManifestChunk>;

/** What the JS of the guide's first visit may weigh, gzip (issue 19). */
export const GUIDE_BUDGET_BYTES = 300 * 1024;

/** Pages that load without the console: the guide's workbench and the pages before a session. */
const WITHOUT_CONSOLE = /^(guides\/guide-workbench-page|auth\/)/;
const CONSOLE = 'shell/console.tsx';
/** The guide's workbench: bundled into the entry (web/shell/app-shell.tsx), or a chunk of its own. */
export const GUIDE_PAGE = 'guides/guide-workbench-page.tsx';

/**
 * The files a first visit of a page fetches: the entry's static imports, then each lazy chunk on the way to the
 * page (the console, then the page) with theirs. Lazily fetched parts inside a page (elkjs on auto-layout, the
 * full icon set) are not in it: nobody waits for them to use the page.
 */
export function firstLoadFiles(manifest: Manifest, pageSrc: string): { js: string[]; css: string[] } {
  const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
  if (!entry) throw new Error('the manifest has no entry');
  // a page bundled into the entry is loaded with it
  const inEntry = pageSrc === GUIDE_PAGE && !manifest[pageSrc];
  if (!manifest[pageSrc] && !inEntry) throw new Error(`the manifest has no chunk for ${pageSrc}`);
  const chain = inEntry
    ? [entry]
    : [entry, ...(pageSrc === CONSOLE || WITHOUT_CONSOLE.test(pageSrc) ? [] : [CONSOLE]), pageSrc];
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const i of manifest[key]?.imports ?? []) visit(i);
  };
  for (const key of chain) visit(key);
  const js = [...seen].map((k) => manifest[k].file);
  const css = [...new Set([...seen].flatMap((k) => manifest[k].css ?? []))];
  return { js, css };
}

/** Every page of the app: the dynamic entries that are pages (files named `*-page.tsx`). */
export function pageSources(manifest: Manifest): string[] {
  const pages = Object.keys(manifest).filter((k) => manifest[k].isDynamicEntry && /-page\.tsx$/.test(k));
  return [...new Set([GUIDE_PAGE, ...pages])].sort();
}

export interface PageWeight {
  page: string;
  files: number;
  /** bytes as built (minified) */
  raw: number;
  gzip: number;
  brotli: number;
}

const gz = promisify(gzip);
const br = promisify(brotliCompress);

/** A file's sizes: the `.gz` / `.br` the build wrote beside it, else compressed now at the same levels. */
async function sizes(path: string): Promise<{ raw: number; gzip: number; brotli: number }> {
  const bytes = await readFile(path);
  const gzipped = existsSync(`${path}.gz`) ? await readFile(`${path}.gz`) : await gz(bytes, { level: 9 });
  const brotlied = existsSync(`${path}.br`)
    ? await readFile(`${path}.br`)
    : await br(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  return { raw: bytes.length, gzip: gzipped.length, brotli: brotlied.length };
}

/** First-load JavaScript of every page of a build in `dir` (dist/web). */
export async function pageWeights(dir: string): Promise<PageWeight[]> {
  const manifest = JSON.parse(await readFile(join(dir, '.vite', 'manifest.json'), 'utf8')) as Manifest;
  const cache = new Map<string, Promise<{ raw: number; gzip: number; brotli: number }>>();
  const sizeOf = (file: string) => {
    if (!cache.has(file)) cache.set(file, sizes(join(dir, file)));
    return cache.get(file)!;
  };
  return Promise.all(
    pageSources(manifest).map(async (page) => {
      const { js } = firstLoadFiles(manifest, page);
      const all = await Promise.all(js.map(sizeOf));
      return {
        page,
        files: js.length,
        raw: all.reduce((s, x) => s + x.raw, 0),
        gzip: all.reduce((s, x) => s + x.gzip, 0),
        brotli: all.reduce((s, x) => s + x.brotli, 0),
      };
    }),
  );
}
