import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { DatabaseHandle } from '@levante/db';
import { LevanteError } from '@levante/domain';
import type { Engine, FirstAdmin, WorkerOptions } from '@levante/engine';
import type { Logger } from 'pino';
import type { LevanteConfig } from '../config.ts';
import { createGraphiqlHandler } from '../graphiql/graphiql.handler.ts';
import type { Context } from '../graphql/context.ts';
import { createErrorFormatter } from '../graphql/format-error.ts';
import { limitRules } from '../graphql/limits.ts';
import { buildLevanteSchema } from '../schema/build-schema.ts';
import { createGraphqlHttpHandler } from './graphql-http.ts';
import { attachGraphqlWebSocket } from './graphql-websocket.ts';
import { createMetrics, METRICS_PATH } from './metrics.ts';
import { openEngine } from './open-engine.ts';
import { clearedSessionCookie, sessionCookie, tokenOf } from './request-credentials.ts';
import { createWebConsole } from './web-console.ts';

export const GRAPHQL_PATH = '/graphql';
const OPERATIONS_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  '..',
  'docs',
  'operations',
);

export interface RunningLevante {
  /** Base URL, e.g. http://127.0.0.1:4000 */
  readonly url: string;
  readonly engine: Engine;
  readonly database: DatabaseHandle;
  /** Set on the very first start only. */
  readonly firstAdmin: FirstAdmin | null;
  close(): Promise<void>;
}

/** Opens the database, migrates it, and serves the API (HTTP + WebSocket) on one port. */
export interface StartOptions {
  /** Worker tuning, for tests and benchmarks. */
  readonly worker?: Partial<WorkerOptions>;
}

export async function startLevante(
  config: LevanteConfig,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningLevante> {
  const opened = await openEngine(config, logger, options.worker ? { worker: options.worker } : {});
  const { database, engine } = opened;
  const firstAdmin = await engine.ensureFirstAdmin(config.adminPassword);
  if (config.seedSite && (await engine.seedEmbeddedSite())) {
    logger.info('Seeded the local provider with a simulated site (Paris and Lyon).');
  }
  if (config.runWorker) engine.startWork();

  const schema = await buildLevanteSchema();
  const formatError = createErrorFormatter(logger);
  const metrics = createMetrics(engine);
  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    validationRules: limitRules,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    // Answers are per user and never cached by HTTP caches; the cache-control plugin, on by
    // default, would wrap every field's resolver to compute hints nobody reads.
    plugins: [ApolloServerPluginCacheControlDisabled(), metrics.plugin],
  });
  await apollo.start();

  const contextOf = async (req: IncomingMessage, res: ServerResponse): Promise<Context> => {
    const secure = req.headers['x-forwarded-proto'] === 'https';
    const base = {
      engine,
      clientAddress: req.socket.remoteAddress ?? 'unknown',
      session: {
        set: (token: string, expiresAt: Date) =>
          res.appendHeader('set-cookie', sessionCookie(token, expiresAt, secure)),
        clear: () => res.appendHeader('set-cookie', clearedSessionCookie()),
      },
    };
    const token = tokenOf(req, { allowCookie: true });
    if (!token) return { ...base, actor: null, authError: null };
    try {
      const { actor, user } = await engine.auth.authenticateWithProfile(token);
      return { ...base, actor, user, authError: null };
    } catch (error) {
      if (error instanceof LevanteError) return { ...base, actor: null, authError: error };
      throw error;
    }
  };
  const graphqlHttp = createGraphqlHttpHandler(apollo, contextOf);
  const graphiql = createGraphiqlHandler({
    endpoint: GRAPHQL_PATH,
    operationsDir: OPERATIONS_DIR,
    onError: (error) => logger.error({ err: error }, 'GraphiQL could not be served'),
  });

  const webConsole = createWebConsole({
    logger,
    address: () => ({ hostname: config.host, port: (server.address() as AddressInfo).port }),
  });

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (url.pathname === GRAPHQL_PATH) return await graphqlHttp(req, res, url);
      if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (url.pathname === METRICS_PATH) return await metrics.handle(req, res);
      if (url.pathname === '/readyz') {
        const ready = await database.ping();
        return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'database unavailable' });
      }
      if (await graphiql(req, res)) return;
      await webConsole.handle(req, res);
    } catch (error) {
      logger.error({ err: error, path: url.pathname }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal error' });
      else res.end();
    }
  });
  // Longer than the idle timeouts of usual proxies and clients, so that Levante is never
  // the side that closes a kept-alive connection just as a client reuses it.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const websocket = attachGraphqlWebSocket({ server, path: GRAPHQL_PATH, schema, engine, formatError });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  return {
    url: `http://${host}:${port}`,
    engine,
    database,
    firstAdmin,
    close: async () => {
      await websocket.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
      await webConsole.close();
      await opened.close();
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
