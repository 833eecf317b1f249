import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

/** The Next.js app of the console (apps/web); its production build is `.next/`. */
export const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'web');

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** The part of Next's custom-server API that Levante uses. */
interface NextServer {
  prepare(): Promise<void>;
  getRequestHandler(): RequestHandler;
  close(): Promise<void>;
}
type NextFactory = (options: {
  dev: boolean;
  dir: string;
  quiet: boolean;
  hostname: string;
  port: number;
  /** Where Next listens for WebSocket upgrades: never the real server, whose upgrades are graphql-ws's. */
  httpServer: EventEmitter;
}) => NextServer;

export interface WebConsole {
  /** Serves a console page or asset; a clear page when the console is not built. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  close(): Promise<void>;
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Levante: console not built</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1c2333}
code{background:#eef1f6;padding:.1rem .3rem;border-radius:4px}</style></head>
<body><h1>The web console is not built yet</h1>
<p>Build it with <code>pnpm build:web</code> (or start Levante with <code>npm start</code>, which builds it when needed), then reload this page.</p>
<p>The API is already up: GraphQL at <a href="/graphql">/graphql</a>, the playground at <a href="/graphiql">/graphiql</a>.</p>
</body></html>`;

/**
 * The console, embedded in Levante's own HTTP server so that pages, API and WebSocket share one
 * origin. Next is loaded on the first console request, and only when its build exists: servers
 * that only answer the API (tests, benchmarks) never pay for it.
 */
export function createWebConsole(options: {
  logger: Logger;
  /** The address Levante listens on, for Next's own URLs. */
  address: () => { hostname: string; port: number };
}): WebConsole {
  const dir = WEB_DIR;
  let next: NextServer | null = null;
  let loading: Promise<RequestHandler> | null = null;

  const load = (): Promise<RequestHandler> => {
    loading ??= (async () => {
      const started = Date.now();
      const factory = createRequire(join(dir, 'package.json'))('next') as NextFactory;
      const { hostname, port } = options.address();
      const server = factory({
        dev: false,
        dir,
        quiet: true,
        hostname,
        port,
        httpServer: new EventEmitter(),
      });
      await server.prepare();
      next = server;
      options.logger.info({ ms: Date.now() - started }, 'web console ready');
      return server.getRequestHandler();
    })().catch((error: unknown) => {
      loading = null;
      throw error;
    });
    return loading;
  };

  return {
    async handle(req, res) {
      if (!loading && !existsSync(join(dir, '.next', 'BUILD_ID'))) {
        res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(NOT_BUILT_PAGE);
        return;
      }
      const handler = await load();
      await handler(req, res);
    },
    async close() {
      await next?.close();
    },
  };
}
