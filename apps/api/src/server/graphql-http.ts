import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, HeaderMap } from '@apollo/server';
import type { Context } from '../graphql/context.ts';
import { MAX_BODY_BYTES } from '../graphql/limits.ts';
import { BodyTooLargeError, readBody } from './read-body.ts';

/** Serves GraphQL over HTTP (GET and POST) through Apollo, with a bounded body. */
export function createGraphqlHttpHandler(
  apollo: ApolloServer<Context>,
  contextOf: (req: IncomingMessage, res: ServerResponse) => Promise<Context>,
) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    let body: unknown;
    try {
      const raw = req.method === 'POST' ? await readBody(req, MAX_BODY_BYTES) : '';
      body = isJson(req) && raw ? JSON.parse(raw) : raw;
    } catch (error) {
      return error instanceof BodyTooLargeError
        ? sendError(res, 413, `The request body is larger than ${MAX_BODY_BYTES} bytes.`)
        : sendError(res, 400, 'The request body is not valid JSON.');
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: () => contextOf(req, res),
    });
    for (const [name, value] of result.headers) res.setHeader(name, value);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

function isJson(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').toLowerCase().includes('application/json');
}

function sendError(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] }));
}
