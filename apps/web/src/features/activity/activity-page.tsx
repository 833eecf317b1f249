'use client';

import { useQuery, useSubscription } from '@apollo/client/react';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { EmptyState, ErrorMessage, Loading } from '@/components/feedback';
import { PlatformScopeSelect, usePlatformScope } from '@/components/platform-scope';
import { EVENTS, EVENTS_LIVE } from '@/graphql/events';
import type { Event } from '@/graphql/types';
import { formatDateTime } from '@/lib/format';
import { useProject } from '@/lib/project';

const CATEGORIES: Record<string, readonly string[] | null> = {
  Everything: null,
  Machines: [
    'machine.created',
    'machine.adopted',
    'machine.state_changed',
    'machine.renamed',
    'machine.labels_changed',
    'machine.addresses_changed',
    'machine.migrating',
    'machine.moved',
    'machine.migration_failed',
    'job.cancel_requested',
    'job.cancelled',
    'placement_group.created',
    'placement_group.deleted',
  ],
  Members: ['membership.added', 'membership.removed', 'membership.role_changed'],
  Project: ['project.created', 'project.updated', 'project.deleted', 'quota.changed'],
  'Provider accounts': [
    'account.added',
    'account.updated',
    'account.associated',
    'account.dissociated',
    'account.deleted',
    'account.catalog_refreshed',
    'account.catalog_refresh_failed',
  ],
  'Your account': ['api_token.created', 'api_token.revoked', 'user.password_changed', 'user.password_reset'],
};

/** What platform admins do outside any project; shown with the whole platform in view. */
const PLATFORM_CATEGORY = [
  'provider.registered',
  'provider.updated',
  'provider.deleted',
  'host.registered',
  'host.updated',
  'host.maintenance_changed',
  'host.evacuated',
  'host.deleted',
  'user.created',
  'user.updated',
];

const PAGE = 50;

export function ActivityPage() {
  const { project } = useProject();
  // Platform admins may look at every project at once, and at what happens outside projects.
  const [wholePlatform, setPlatform] = usePlatformScope();
  const projectId = project?.id ?? '';
  const [category, setCategory] = useState('Everything');
  const [text, setText] = useState('');
  const categories: Record<string, readonly string[] | null> = wholePlatform
    ? { ...CATEGORIES, Platform: PLATFORM_CATEGORY }
    : CATEGORIES;
  const types = categories[category] ?? null;
  const variables = { projectId: wholePlatform ? null : projectId, types: types ? [...types] : null };
  const { data, loading, error, fetchMore } = useQuery(EVENTS, {
    variables: { ...variables, first: PAGE },
    skip: !projectId,
    fetchPolicy: 'network-only',
  });
  const [older, setOlder] = useState<{
    key: string;
    events: Event[];
    cursor: string | null;
    more: boolean;
  } | null>(null);
  const [live, setLive] = useState<{ key: string; events: Event[] }>({ key: '', events: [] });
  const key = JSON.stringify(variables);
  useSubscription(EVENTS_LIVE, {
    variables,
    skip: !projectId,
    onData: ({ data: message }) => {
      const event = message.data?.events;
      if (event)
        setLive((current) => ({ key, events: [event, ...(current.key === key ? current.events : [])] }));
    },
  });

  const events = useMemo(() => {
    const all = [
      ...(live.key === key ? live.events : []),
      ...(data?.events.edges.map((e) => e.node) ?? []),
      ...(older?.key === key ? older.events : []),
    ];
    const seen = new Set<string>();
    const needle = text.trim().toLowerCase();
    return all.filter((e) => {
      if (seen.has(e.id)) return false;
      seen.add(e.id);
      return (
        !needle ||
        e.summary.toLowerCase().includes(needle) ||
        e.type.includes(needle) ||
        (e.actorName ?? '').toLowerCase().includes(needle)
      );
    });
  }, [live, data, older, key, text]);

  const cursor = older?.key === key ? older.cursor : (data?.events.pageInfo.endCursor ?? null);
  const hasMore = older?.key === key ? older.more : (data?.events.pageInfo.hasNextPage ?? false);

  async function loadMore() {
    if (!cursor) return;
    const result = await fetchMore({ variables: { ...variables, first: PAGE, after: cursor } });
    const page = result.data?.events;
    if (!page) return;
    setOlder((current) => ({
      key,
      events: [...(current?.key === key ? current.events : []), ...page.edges.map((e) => e.node)],
      cursor: page.pageInfo.endCursor,
      more: page.pageInfo.hasNextPage,
    }));
  }

  if (!project) return <Loading />;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Activity</h1>
          <p className="muted">
            What happened in {wholePlatform ? 'every project and on the platform' : project.name}, newest
            first. New events appear as they happen.
          </p>
        </div>
      </div>
      <div className="toolbar">
        <PlatformScopeSelect
          name="activity-scope"
          platformLabel="Whole platform"
          platform={wholePlatform}
          onChange={(platform) => {
            setPlatform(platform);
            setCategory('Everything');
          }}
        />
        <label className="field">
          <span>Kind</span>
          <select value={category} onChange={(e) => setCategory(e.target.value)}>
            {Object.keys(categories).map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Contains</span>
          <input
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="Text, type or person"
          />
        </label>
        {data ? <span className="muted small">{data.events.totalCount} events in all</span> : null}
      </div>
      <ErrorMessage error={error} title="The activity could not be read." />
      {loading && !data ? <Loading /> : null}
      {data && events.length === 0 ? (
        <EmptyState title={text || types ? 'No event matches.' : 'Nothing has happened here yet.'}>
          {text || types ? 'Widen the filters.' : <Link href="/machines/new">Create a machine</Link>}
        </EmptyState>
      ) : null}
      {events.length > 0 ? (
        <section className="panel">
          <ol className="timeline" aria-label="Events">
            {events.map((event) => (
              <li key={event.id} data-event={event.type}>
                <span className="muted small">{formatDateTime(event.at)}</span>
                <span>
                  {event.subjectType === 'Machine' ? (
                    <Link href={`/machines/${encodeURIComponent(event.subjectId)}`}>{event.summary}</Link>
                  ) : (
                    event.summary
                  )}
                  <span className="cell-sub">
                    <span className="type">{event.type}</span>
                    {event.actorName ? ` · by ${event.actorName}` : ' · by Levante'}
                    {wholePlatform
                      ? ` · ${event.projectId ? (event.projectName ?? 'a deleted project') : 'platform'}`
                      : null}
                  </span>
                </span>
              </li>
            ))}
          </ol>
          {hasMore ? (
            <button type="button" className="btn" onClick={() => void loadMore()}>
              Load older events
            </button>
          ) : null}
        </section>
      ) : null}
    </>
  );
}
