import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { OperationTypeNode } from 'graphql';
import { createClient } from 'graphql-ws';
import { sessionEndedBy, WS_FORBIDDEN } from '@/features/session/return-path';
import { errorCode } from './errors';

export interface ConsoleClientOptions {
  /**
   * Called once, the first time the API says the session is no more (UNAUTHENTICATED from a query,
   * a mutation or a subscription, or the WebSocket refused), except on the login page and for the
   * operations that are about the session itself.
   */
  readonly onSessionEnded?: () => void;
}

export interface ConsoleClient {
  readonly apollo: ApolloClient;
  /** Closes the WebSocket and stops every query. */
  dispose(): void;
}

/**
 * One Apollo Client for one session: `/graphql` over HTTP with the session cookie, subscriptions
 * over graphql-ws on the same origin (the cookie authenticates the WebSocket when it opens, so a
 * new session needs a new client). After the WebSocket comes back from a cut, every watched query
 * is fetched again: events missed while it was down are not replayed.
 */
export function createConsoleClient(options: ConsoleClientOptions = {}): ConsoleClient {
  let ended = false;
  const sessionEnded = () => {
    if (ended || !sessionEndedBy(undefined, window.location.pathname)) return;
    ended = true;
    options.onSessionEnded?.();
  };
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = createClient({
    url: `${scheme}//${window.location.host}/graphql`,
    lazy: true,
    lazyCloseTimeout: 5_000,
    keepAlive: 15_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
  });
  const http = new HttpLink({ uri: '/graphql', credentials: 'same-origin' });
  const expiry = new ErrorLink(({ error, operation }) => {
    if (
      errorCode(error) === 'UNAUTHENTICATED' &&
      sessionEndedBy(operation.operationName, window.location.pathname)
    )
      sessionEnded();
  });
  const link = ApolloLink.from([
    expiry,
    ApolloLink.split(
      (operation) => operation.operationType === OperationTypeNode.SUBSCRIPTION,
      new GraphQLWsLink(ws),
      http,
    ),
  ]);
  const apollo = new ApolloClient({
    link,
    cache: new InMemoryCache({
      typePolicies: {
        Membership: { keyFields: false },
        Quota: { merge: true },
        Project: { fields: { quota: { merge: true } } },
      },
    }),
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
  });
  let connections = 0;
  const stopListening = ws.on('connected', () => {
    connections += 1;
    if (connections > 1) void apollo.refetchObservableQueries();
  });
  // The cookie is checked when the WebSocket opens: a reconnection with an ended session is refused.
  const stopWatchingClose = ws.on('closed', (event) => {
    if ((event as { code?: unknown } | null)?.code === WS_FORBIDDEN) sessionEnded();
  });
  return {
    apollo,
    dispose: () => {
      stopListening();
      stopWatchingClose();
      void ws.dispose();
      apollo.stop();
    },
  };
}
