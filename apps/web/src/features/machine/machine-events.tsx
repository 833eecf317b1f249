'use client';

import { useQuery, useSubscription } from '@apollo/client/react';
import { useMemo, useState } from 'react';
import { EmptyState, ErrorMessage, Loading } from '@/components/feedback';
import { EVENTS, EVENTS_LIVE } from '@/graphql/events';
import type { Event } from '@/graphql/types';
import { formatDateTime } from '@/lib/format';

const MACHINE_EVENT_TYPES = [
  'machine.created',
  'machine.state_changed',
  'machine.migrating',
  'machine.moved',
  'machine.migration_failed',
];

/**
 * A machine's history: the project's machine events filtered on the machine (the API filters by
 * project and type, not by subject), then live from the `events` subscription.
 */
export function MachineEvents({ machineId, projectId }: { machineId: string; projectId: string }) {
  const { data, loading, error } = useQuery(EVENTS, {
    variables: { projectId, types: MACHINE_EVENT_TYPES, first: 100 },
    fetchPolicy: 'network-only',
  });
  const [live, setLive] = useState<Event[]>([]);
  useSubscription(EVENTS_LIVE, {
    variables: { projectId, types: MACHINE_EVENT_TYPES },
    onData: ({ data: message }) => {
      const event = message.data?.events;
      if (event && event.subjectId === machineId) setLive((current) => [event, ...current]);
    },
  });
  const events = useMemo(() => {
    const byId = new Map<string, Event>();
    for (const event of [...live, ...(data?.events.edges.map((e) => e.node) ?? [])])
      if (event.subjectId === machineId && !byId.has(event.id)) byId.set(event.id, event);
    return [...byId.values()];
  }, [live, data, machineId]);

  if (loading && !data) return <Loading label="Loading history…" />;
  return (
    <>
      <ErrorMessage error={error} title="The history could not be read." />
      {events.length === 0 && !error ? <EmptyState title="No event yet for this machine." /> : null}
      <ol className="timeline" aria-label="Machine history">
        {events.map((event) => (
          <li key={event.id}>
            <span className="muted small">{formatDateTime(event.at)}</span>
            <span>
              {event.summary}
              <span className="cell-sub">
                <span className="type">{event.type}</span>
                {event.actorName ? ` · by ${event.actorName}` : ' · by Levante'}
              </span>
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}
