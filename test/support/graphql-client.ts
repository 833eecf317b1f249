import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface GraphqlResponse<T> {
  readonly status: number;
  readonly data: T | null;
  readonly errors: readonly { message: string; extensions?: { code?: string; field?: string } }[] | undefined;
  readonly headers: Headers;
}

export interface GraphqlCallOptions {
  readonly token?: string | null;
  readonly cookie?: string | null;
}

/** One GraphQL request over real HTTP, as any client would send it. */
export async function gql<T = Record<string, unknown>>(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: GraphqlCallOptions = {},
): Promise<GraphqlResponse<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T | null; errors?: GraphqlResponse<T>['errors'] };
  return { status: response.status, data: body.data ?? null, errors: body.errors, headers: response.headers };
}

/** The error code of the first error, or throws when the call succeeded. */
export function errorCode(response: GraphqlResponse<unknown>): string | undefined {
  if (!response.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(response.data)}`);
  return response.errors[0]?.extensions?.code;
}

/** Data of a call that must succeed; fails loudly with the errors otherwise. */
export function dataOf<T>(response: GraphqlResponse<T>): T {
  if (response.errors?.length || !response.data)
    throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
  return response.data;
}

/** A graphql-ws client over a real WebSocket, authenticated by token or cookie. */
export function wsClient(baseUrl: string, auth: GraphqlCallOptions = {}): Client {
  const url = `${baseUrl.replace(/^http/, 'ws')}/graphql`;
  class AuthenticatedWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, auth.cookie ? { headers: { cookie: auth.cookie } } : {});
    }
  }
  return createClient({
    url,
    webSocketImpl: AuthenticatedWebSocket,
    connectionParams: auth.token ? { authorization: `Bearer ${auth.token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

/** Collects what a subscription delivers, until it ends. */
export function subscribe<T>(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const received: T[] = [];
  const errors: unknown[] = [];
  let resolveDone: () => void;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        if (value.errors) errors.push(...value.errors);
        if (value.data) received.push(value.data as T);
      },
      error: (error) => {
        errors.push(error);
        resolveDone();
      },
      complete: () => resolveDone(),
    },
  );
  return { received, errors, done, unsubscribe };
}

/** Polls `condition` until it holds, for events that arrive asynchronously. */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
