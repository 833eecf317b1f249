'use client';

import { ApolloProvider } from '@apollo/client/react';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { Splash } from '@/components/feedback';
import { type ConsoleClient, createConsoleClient } from './apollo-client';

interface Holder {
  readonly client: ConsoleClient;
  readonly generation: number;
}

const RenewContext = createContext<() => void>(() => {});

/** Starts a new client (new cache, new WebSocket) after the session changed: login, logout, password. */
export function useRenewClient(): () => void {
  return useContext(RenewContext);
}

/**
 * The console runs in the browser only: the client is made after mount, so the server renders a
 * splash and never talks to the API. A new session gets a new client and a fresh tree.
 */
export function ConsoleClientProvider({ children }: { children: ReactNode }) {
  const [holder, setHolder] = useState<Holder | null>(null);
  // When the API says the session has ended (expired, revoked), a new client asks `me` again: it
  // answers UNAUTHENTICATED, and the console layout sends the person to log in, then back here.
  const renew = useCallback(function start() {
    const client = createConsoleClient({ onSessionEnded: start });
    setHolder((previous) => ({ client, generation: (previous?.generation ?? 0) + 1 }));
  }, []);
  useEffect(() => renew(), [renew]);
  useEffect(() => {
    if (!holder) return;
    const { client } = holder;
    return () => client.dispose();
  }, [holder]);
  if (!holder) return <Splash />;
  // @apollo/client's declarations resolve `react` to the workspace's hoisted @types/react 18 (GraphiQL's,
  // in apps/api); the console runs React 19. The node is the same at run time.
  const tree = children as Parameters<typeof ApolloProvider>[0]['children'];
  return (
    <RenewContext.Provider value={renew}>
      <ApolloProvider client={holder.client.apollo} key={holder.generation}>
        {tree}
      </ApolloProvider>
    </RenewContext.Provider>
  );
}
