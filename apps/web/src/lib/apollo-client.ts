import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { OperationTypeNode } from 'graphql';
import { createClient } from 'graphql-ws';

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
export function createConsoleClient(): ConsoleClient {
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
  const link = ApolloLink.split(
    (operation) => operation.operationType === OperationTypeNode.SUBSCRIPTION,
    new GraphQLWsLink(ws),
    http,
  );
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
  return {
    apollo,
    dispose: () => {
      stopListening();
      void ws.dispose();
      apollo.stop();
    },
  };
}
