import type { Server } from 'node:http';
import type { Actor } from '@levante/domain';
import { LevanteError } from '@levante/domain';
import type { Engine } from '@levante/engine';
import {
  type GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  specifiedRules,
  validate,
} from 'graphql';
import { useServer as serveGraphqlWs } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Context } from '../graphql/context.ts';
import { limitRules, MAX_BODY_BYTES } from '../graphql/limits.ts';
import { isSameOrigin, tokenOf } from './request-credentials.ts';

type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

type Extra = { actor?: Actor | null };

/**
 * GraphQL over WebSocket (graphql-ws protocol) on the HTTP server's port and
 * path. The caller authenticates once, at connection: with the session cookie
 * (same origin only) or `connectionParams.authorization`; a bad credential
 * closes the connection with 4403.
 */
export function attachGraphqlWebSocket(options: {
  server: Server;
  path: string;
  schema: GraphQLSchema;
  engine: Engine;
  formatError: FormatError;
}) {
  const { server, path, schema, engine, formatError } = options;
  const wss = new WebSocketServer({ server, path, maxPayload: MAX_BODY_BYTES });
  const format = (errors: readonly GraphQLError[]) => errors.map((e) => formatError(e.toJSON(), e));
  const cleanup = serveGraphqlWs<Record<string, unknown>, Extra>(
    {
      schema,
      validate: (s, document) => validate(s, document, [...specifiedRules, ...limitRules]),
      onConnect: async (ctx) => {
        const param = ctx.connectionParams?.authorization;
        const token =
          typeof param === 'string'
            ? param.replace(/^Bearer\s+/i, '')
            : tokenOf(ctx.extra.request, { allowCookie: isSameOrigin(ctx.extra.request) });
        if (!token) {
          ctx.extra.actor = null;
          return true;
        }
        try {
          ctx.extra.actor = await engine.auth.authenticate(token);
          return true;
        } catch (error) {
          if (error instanceof LevanteError) return false;
          throw error;
        }
      },
      context: (ctx): Context => ({
        engine,
        actor: ctx.extra.actor ?? null,
        authError: null,
        clientAddress: ctx.extra.request.socket.remoteAddress ?? 'unknown',
      }),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: format(result.errors) } : undefined,
      onError: (_ctx, _id, _payload, errors) => format(errors),
    },
    wss,
  );
  return {
    close: async () => {
      await cleanup.dispose();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
