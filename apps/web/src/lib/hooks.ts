'use client';

import { useSubscription } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import { EVENTS_LIVE } from '@/graphql/events';
import { MACHINE_CHANGED, type Machine } from '@/graphql/machines';

export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/**
 * Every change of a machine of the project, as it happens. The cache is updated by Apollo
 * (machines are normalised by id); `onChange` is for what the cache cannot know, e.g. that a
 * list must be read again because a machine appeared.
 */
export function useMachineChanges(projectId: string | null, onChange?: (machine: Machine) => void): void {
  const callback = useRef(onChange);
  callback.current = onChange;
  useSubscription(MACHINE_CHANGED, {
    variables: { projectId },
    skip: !projectId,
    onData: ({ data }) => {
      const machine = data.data?.machineChanged;
      if (machine) callback.current?.(machine);
    },
  });
}

/** Calls `fn` once, `ms` after the last of a burst of calls. */
export function useDebouncedCallback(fn: () => void, ms: number): () => void {
  const latest = useRef(fn);
  latest.current = fn;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const trigger = useRef(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => latest.current(), ms);
  });
  return trigger.current;
}

/**
 * Calls `onEvent` once a burst of the project's events of these types has passed: a page that
 * lists what they change reads it again, so that what others do shows without a reload.
 */
export function useProjectEvents(projectId: string | null, types: string[], onEvent: () => void): void {
  useEventsOfTypes(projectId, types, onEvent, !projectId);
}

/**
 * The same for the platform's pages: these events in every project the person may see, and the
 * platform's own (providers, users), which only platform admins see.
 */
export function usePlatformEvents(types: string[], onEvent: () => void): void {
  useEventsOfTypes(null, types, onEvent, false);
}

function useEventsOfTypes(
  projectId: string | null,
  types: string[],
  onEvent: () => void,
  skip: boolean,
): void {
  const refresh = useDebouncedCallback(onEvent, 150);
  useSubscription(EVENTS_LIVE, {
    // `types`: a constant of the caller's module, so that the subscription is not opened again per render.
    variables: { projectId, types },
    skip,
    onData: () => refresh(),
  });
}
