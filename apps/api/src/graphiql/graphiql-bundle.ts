import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The compiled browser assets of the GraphiQL page. */
export interface GraphiqlAssets {
  js: string;
  css: string;
}

const ENTRY = fileURLToPath(new URL('./graphiql-app.tsx', import.meta.url));

/** Full-page layout for the mount point; kept here so the page needs no inline styles. */
const LAYOUT_CSS = 'html,body,#graphiql{height:100%;margin:0}\n';

/** Bundles the GraphiQL browser entry (JS and CSS) in memory with esbuild. */
export async function buildGraphiqlAssets(): Promise<GraphiqlAssets> {
  const result = await build({
    entryPoints: { app: ENTRY },
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    // Output paths are only used to tell the JS and CSS outputs apart; nothing is written.
    outdir: '/graphiql-assets',
    write: false,
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((file) => file.path.endsWith('.js'));
  const css = result.outputFiles.find((file) => file.path.endsWith('.css'));
  if (!js || !css) throw new Error('GraphiQL bundle did not produce both JS and CSS outputs');
  return { js: js.text, css: LAYOUT_CSS + css.text };
}

let assets: Promise<GraphiqlAssets> | undefined;

/**
 * Returns the GraphiQL assets, building them on first use. The promise is cached so concurrent first
 * requests share one build; a failed build is forgotten so the next request retries.
 */
export function loadGraphiqlAssets(): Promise<GraphiqlAssets> {
  if (!assets) {
    assets = buildGraphiqlAssets();
    assets.catch(() => {
      assets = undefined;
    });
  }
  return assets;
}
