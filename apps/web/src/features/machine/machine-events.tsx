'use client';

import { useQuery, useSubscription } from '@apollo/client/react';
import { useMemo, useState } from 'react';
import { EmptyState, ErrorMessage, Loading } from '@/components/feedback';
import { EVENTS, EVENTS_LIVE } from '@/graphql/events';
import type { Event } from '@/graphql/types';
import { formatDateTime } from '@/lib/format';

/** A machine's history: every event about it, newest first, then live as they happen. */
export function MachineEvents({ machineId, projectId }: { machineId: string; projectId: string }) {
  const { data, loading, error } = useQuery(EVENTS, {
    variables: { projectId, subjectId: machineId, first: 100 },
    fetchPolicy: 'network-only',
  });
  const [live, setLive] = useState<Event[]>([]);
  useSubscription(EVENTS_LIVE, {
    variables: { projectId, subjectId: machineId },
    onData: ({ data: message }) => {
      const event = message.data?.events;
      if (event) setLive((current) => [event, ...current]);
    },
  });
  const events = useMemo(() => {
    const byId = new Map<string, Event>();
    for (const event of [...live, ...(data?.events.edges.map((e) => e.node) ?? [])])
      if (!byId.has(event.id)) byId.set(event.id, event);
    return [...byId.values()];
  }, [live, data]);

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
