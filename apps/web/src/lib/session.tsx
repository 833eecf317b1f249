'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import { createContext, type ReactNode, useCallback, useContext, useMemo } from 'react';
import { LOGOUT, ME, type User } from '@/graphql/identity';
import { useRenewClient } from './console-client';
import { errorCode } from './errors';

export type SessionStatus = 'loading' | 'anonymous' | 'ready' | 'error';

export interface Session {
  readonly status: SessionStatus;
  readonly user: User | null;
  readonly error: unknown;
  /** After login or a password change: a new client, whose `me` reads the new session. */
  readonly renew: () => void;
  readonly logout: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const renew = useRenewClient();
  const { data, error, loading } = useQuery(ME, { fetchPolicy: 'network-only' });
  const [logoutMutation] = useMutation(LOGOUT);
  const logout = useCallback(async () => {
    try {
      await logoutMutation();
    } finally {
      renew();
    }
  }, [logoutMutation, renew]);
  const value = useMemo<Session>(() => {
    const user = data?.me ?? null;
    const status: SessionStatus = user
      ? 'ready'
      : loading
        ? 'loading'
        : errorCode(error) === 'UNAUTHENTICATED'
          ? 'anonymous'
          : 'error';
    return { status, user, error, renew, logout };
  }, [data, error, loading, renew, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
