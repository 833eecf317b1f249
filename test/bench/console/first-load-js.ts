/**
 * The console's first-load JavaScript per route, gzipped, read from the production build in
 * `apps/web/.next/`: what a browser downloads to show a route when it arrives there first (a
 * full page load, not a client-side navigation).
 *
 * A route loads Next's root main files (build-manifest.json `rootMainFiles`: runtime, React, the
 * router) and the chunks of its layouts and page (the route's client reference manifest,
 * `entryJSFiles`). The polyfills are left out, as Next leaves them out of its own figure: they are
 * `noModule`, so no current browser loads them. Each chunk is gzipped on its own with node:zlib at
 * its default level, as it travels, and kB are 1,000 bytes, as in Next's build output.
 *
 * Where Next prerendered the route's HTML, its script tags must name exactly these chunks: the
 * benchmark fails rather than report a sum that is not what the browser loads.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import type { BenchmarkRow } from '../table.ts';

export const WEB_BUILD = join(import.meta.dirname, '..', '..', '..', 'apps', 'web', '.next');
const TARGET_KB = 250;

interface BuildManifest {
  readonly rootMainFiles: readonly string[];
  readonly polyfillFiles: readonly string[];
}

interface ClientReferenceManifest {
  readonly entryJSFiles: Readonly<Record<string, readonly string[]>>;
}

export interface RouteFirstLoad {
  /** The URL path, e.g. `/machines/[id]`. */
  readonly route: string;
  /** Paths relative to `.next/`, e.g. `static/chunks/0atijy05q8xa2.js`. */
  readonly chunks: readonly string[];
  readonly gzipBytes: number;
  readonly rawBytes: number;
}

function readJson<T>(path: string): T {
  if (!existsSync(path)) throw new Error(`the console build has no ${path}: is apps/web built?`);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** A client reference manifest is a script that assigns `globalThis.__RSC_MANIFEST[entry]`. */
function clientReferenceManifest(entry: string): ClientReferenceManifest {
  const path = join(WEB_BUILD, 'server', 'app', `${entry}_client-reference-manifest.js`);
  if (!existsSync(path)) throw new Error(`the console build has no client reference manifest for ${entry}`);
  const sandbox: { globalThis?: unknown; __RSC_MANIFEST?: Record<string, ClientReferenceManifest> } = {};
  sandbox.globalThis = sandbox;
  runInNewContext(readFileSync(path, 'utf8'), sandbox);
  const manifest = sandbox.__RSC_MANIFEST?.[entry];
  if (!manifest?.entryJSFiles) throw new Error(`${path} does not describe ${entry}`);
  return manifest;
}

/** The scripts a prerendered page's HTML loads (module scripts only), or null when Next rendered none. */
function prerenderedScripts(route: string): Set<string> | null {
  const path = join(WEB_BUILD, 'server', 'app', `${route === '/' ? 'index' : route.slice(1)}.html`);
  if (!existsSync(path)) return null;
  const scripts = new Set<string>();
  for (const [tag] of readFileSync(path, 'utf8').matchAll(/<script\b[^>]*>/g)) {
    const src = /\bsrc="\/_next\/([^"]+)"/.exec(tag)?.[1];
    if (src && !/\bnoModule\b/i.test(tag)) scripts.add(src);
  }
  return scripts;
}

const gzipped = new Map<string, { gzip: number; raw: number }>();
function sizeOf(chunk: string): { gzip: number; raw: number } {
  let size = gzipped.get(chunk);
  if (!size) {
    const bytes = readFileSync(join(WEB_BUILD, chunk));
    size = { gzip: gzipSync(bytes).length, raw: bytes.length };
    gzipped.set(chunk, size);
  }
  return size;
}

/** Every page route of the console (Next's own `/_…` pages left out), with what it loads first. */
export function firstLoadPerRoute(): RouteFirstLoad[] {
  const build = readJson<BuildManifest>(join(WEB_BUILD, 'build-manifest.json'));
  const routes = readJson<Record<string, string>>(join(WEB_BUILD, 'app-path-routes-manifest.json'));
  const polyfills = new Set(build.polyfillFiles);
  const result: RouteFirstLoad[] = [];
  for (const [entry, route] of Object.entries(routes)) {
    if (!entry.endsWith('/page') || route.startsWith('/_')) continue;
    const manifest = clientReferenceManifest(entry);
    const chunks = new Set(build.rootMainFiles);
    for (const files of Object.values(manifest.entryJSFiles)) for (const file of files) chunks.add(file);
    for (const polyfill of polyfills) chunks.delete(polyfill);
    const html = prerenderedScripts(route);
    if (html) {
      const missing = [...html].filter((c) => !chunks.has(c));
      const extra = [...chunks].filter((c) => !html.has(c));
      if (missing.length > 0 || extra.length > 0)
        throw new Error(
          `first-load JS of ${route}: the manifests and the prerendered HTML disagree ` +
            `(only in the HTML: ${missing.join(', ') || 'none'}; only in the manifests: ${extra.join(', ') || 'none'})`,
        );
    }
    const list = [...chunks].filter((c) => c.endsWith('.js'));
    result.push({
      route,
      chunks: list,
      gzipBytes: list.reduce((sum, c) => sum + sizeOf(c).gzip, 0),
      rawBytes: list.reduce((sum, c) => sum + sizeOf(c).raw, 0),
    });
  }
  if (result.length === 0) throw new Error('the console build lists no page route');
  return result.sort((a, b) => a.route.localeCompare(b.route));
}

/** One row per route: its first-load JavaScript in gzipped kB, to stay under 250 kB. */
export function firstLoadJsRows(): BenchmarkRow[] {
  return firstLoadPerRoute().map((r) => ({
    benchmark: `console first-load JS, gzipped: ${r.route}`,
    database: '—',
    value: r.gzipBytes / 1000,
    unit: 'kB',
    target: { op: '<', value: TARGET_KB },
  }));
}
