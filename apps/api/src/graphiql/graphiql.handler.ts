import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { loadExampleOperations } from './example-operations.ts';
import { type GraphiqlAssets, loadGraphiqlAssets } from './graphiql-bundle.ts';
import { renderGraphiqlPage } from './graphiql-page.ts';

const gzip = promisify(gzipCallback);

export interface GraphiqlHandlerOptions {
  /** Path of the GraphQL endpoint the page talks to (HTTP and WebSocket), e.g. `/graphql`. */
  endpoint: string;
  /** Directory whose `*.graphql` files become the page's example tabs (read on every page load). */
  operationsDir: string;
  /** Called when the page or its assets cannot be produced (the client gets a 500). */
  onError?: (error: unknown) => void;
}

export type GraphiqlHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export const GRAPHIQL_PATH = '/graphiql';
export const GRAPHIQL_JS_PATH = '/graphiql/app.js';
export const GRAPHIQL_CSS_PATH = '/graphiql/app.css';

/**
 * Everything is served by this server; GraphiQL needs inline styles (style attributes set by its
 * components), data: fonts and images from its CSS, and HTTP + WebSocket access to the endpoint.
 */
export const GRAPHIQL_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface EncodedAsset {
  body: Buffer;
  gzipped: Buffer;
  etag: string;
}

async function encodeAsset(text: string): Promise<EncodedAsset> {
  const body = Buffer.from(text, 'utf8');
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { body, gzipped: await gzip(body), etag };
}

let encodedAssets: Promise<{ js: EncodedAsset; css: EncodedAsset }> | undefined;

function loadEncodedAssets(): Promise<{ js: EncodedAsset; css: EncodedAsset }> {
  if (!encodedAssets) {
    encodedAssets = loadGraphiqlAssets().then(async ({ js, css }: GraphiqlAssets) => ({
      js: await encodeAsset(js),
      css: await encodeAsset(css),
    }));
    encodedAssets.catch(() => {
      encodedAssets = undefined;
    });
  }
  return encodedAssets;
}

function setCommonHeaders(res: ServerResponse, contentType: string): void {
  res.setHeader('content-type', contentType);
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('content-security-policy', GRAPHIQL_CONTENT_SECURITY_POLICY);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
}

function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers['accept-encoding'];
  return typeof header === 'string' && /\bgzip\b/.test(header);
}

function sendAsset(
  req: IncomingMessage,
  res: ServerResponse,
  asset: EncodedAsset,
  contentType: string,
): void {
  setCommonHeaders(res, contentType);
  res.setHeader('etag', asset.etag);
  res.setHeader('vary', 'accept-encoding');
  if (req.headers['if-none-match'] === asset.etag) {
    res.statusCode = 304;
    res.end();
    return;
  }
  const gzipped = acceptsGzip(req);
  const body = gzipped ? asset.gzipped : asset.body;
  if (gzipped) res.setHeader('content-encoding', 'gzip');
  res.setHeader('content-length', body.length);
  res.statusCode = 200;
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendError(res: ServerResponse, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = 500;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(message);
}

/**
 * Creates a request handler serving the self-hosted GraphiQL page (`GET /graphiql`) and its bundled
 * assets (`/graphiql/app.js`, `/graphiql/app.css`). Resolves to `true` when it handled the request and
 * `false` when the request is not for GraphiQL, so the caller can route it elsewhere.
 */
export function createGraphiqlHandler(options: GraphiqlHandlerOptions): GraphiqlHandler {
  const { endpoint, operationsDir, onError } = options;

  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;

    try {
      switch (path) {
        case GRAPHIQL_PATH:
        case `${GRAPHIQL_PATH}/`: {
          const operations = await loadExampleOperations(operationsDir);
          const body = Buffer.from(renderGraphiqlPage({ endpoint, operations }), 'utf8');
          setCommonHeaders(res, 'text/html; charset=utf-8');
          res.setHeader('content-length', body.length);
          res.statusCode = 200;
          res.end(req.method === 'HEAD' ? undefined : body);
          return true;
        }
        case GRAPHIQL_JS_PATH:
          sendAsset(req, res, (await loadEncodedAssets()).js, 'text/javascript; charset=utf-8');
          return true;
        case GRAPHIQL_CSS_PATH:
          sendAsset(req, res, (await loadEncodedAssets()).css, 'text/css; charset=utf-8');
          return true;
        default:
          return false;
      }
    } catch (error) {
      onError?.(error);
      sendError(res, 'GraphiQL is unavailable: its page or assets could not be built.');
      return true;
    }
  };
}
