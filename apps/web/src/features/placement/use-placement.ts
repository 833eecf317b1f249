'use client';

import { useApolloClient, useSubscription } from '@apollo/client/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { HOSTS, PLACEMENT_CHANGED, type PlacementChange } from '@/graphql/placement';
import { applyPlacementChange, type PlacementState, placementState } from './placement-state';

/** After a burst of changes, the hosts are read again for their allocation figures. */
const REREAD_AFTER_MS = 1_000;
/** Machines of projects the caller cannot see change without telling: read again now and then. */
const REFRESH_EVERY_MS = 30_000;

export interface PlacementData {
  readonly state: PlacementState | null;
  readonly error: unknown;
  readonly loading: boolean;
}

/**
 * The hosts of one location, kept live: each `placementChanged` is applied at once, then the hosts
 * are read again (uncached: thousands of machines need no normalising) for what changes carry not.
 * Changes that arrive while a read is under way are applied again to its result.
 */
export function usePlacement(locationId: string | null): PlacementData {
  const client = useApolloClient();
  const [state, setState] = useState<PlacementState | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const sinceRead = useRef<PlacementChange[] | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const generation = useRef(0);

  const read = useCallback(async () => {
    if (!locationId) return;
    const mine = ++generation.current;
    sinceRead.current = [];
    setLoading(true);
    try {
      const { data } = await client.query({
        query: HOSTS,
        variables: { locationId },
        fetchPolicy: 'no-cache',
      });
      if (mine !== generation.current || !data) return;
      const changes = sinceRead.current ?? [];
      setState(changes.reduce(applyPlacementChange, placementState(data.hosts)));
      setError(null);
    } catch (caught) {
      if (mine === generation.current) setError(caught);
    } finally {
      if (mine === generation.current) {
        sinceRead.current = null;
        setLoading(false);
      }
    }
  }, [client, locationId]);

  useEffect(() => {
    setState(null);
    void read();
    const interval = setInterval(() => {
      if (document.visibilityState === 'visible') void read();
    }, REFRESH_EVERY_MS);
    return () => {
      clearInterval(interval);
      if (timer.current) clearTimeout(timer.current);
      generation.current += 1;
    };
  }, [read]);

  useSubscription(PLACEMENT_CHANGED, {
    variables: { locationId },
    skip: !locationId,
    onData: ({ data }) => {
      const change = data.data?.placementChanged;
      if (!change) return;
      sinceRead.current?.push(change);
      setState((current) => (current ? applyPlacementChange(current, change) : current));
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void read(), REREAD_AFTER_MS);
    },
  });

  return { state, error, loading };
}
