'use client';

import { useQuery, useSubscription } from '@apollo/client/react';
import { useState } from 'react';
import { EVENTS_LIVE } from '@/graphql/events';
import { JOBS, type JobFilter } from '@/graphql/machines';
import type { Job } from '@/graphql/types';
import { useDebouncedCallback } from '@/lib/hooks';

const PAGE = 25;
const UNFINISHED_POLL_MS = 5_000;

/**
 * Jobs matching `filter`, newest first, kept current: a job changes state in the transaction that
 * records an event of its project, so each such event (about the machine, when one is named) reads
 * the first page again. A retry is scheduled without an event: while a
 * listed job is unfinished, the first page is also read every few seconds.
 * Older pages are added on demand.
 */
export function useLiveJobs(filter: JobFilter, skip = false) {
  const key = JSON.stringify(filter);
  const [unfinished, setUnfinished] = useState(false);
  const { data, loading, error, refetch, fetchMore } = useQuery(JOBS, {
    variables: { filter, first: PAGE },
    skip,
    fetchPolicy: 'cache-and-network',
    pollInterval: unfinished ? UNFINISHED_POLL_MS : 0,
  });
  const refresh = useDebouncedCallback(() => void refetch(), 200);
  useSubscription(EVENTS_LIVE, {
    variables: { projectId: filter.projectId ?? null, subjectId: filter.machineId ?? null },
    skip,
    onData: refresh,
  });
  const [older, setOlder] = useState<{
    key: string;
    jobs: Job[];
    cursor: string | null;
    more: boolean;
  } | null>(null);
  const mine = older?.key === key ? older : null;

  const first = data?.jobs.edges.map((e) => e.node) ?? [];
  const anyUnfinished = first.some((j) => j.state === 'queued' || j.state === 'running');
  if (anyUnfinished !== unfinished) setUnfinished(anyUnfinished);
  const seen = new Set(first.map((j) => j.id));
  const jobs = [...first, ...(mine?.jobs.filter((j) => !seen.has(j.id)) ?? [])];
  const cursor = mine ? mine.cursor : (data?.jobs.pageInfo.endCursor ?? null);
  const hasMore = mine ? mine.more : (data?.jobs.pageInfo.hasNextPage ?? false);

  async function loadMore() {
    if (!cursor) return;
    const result = await fetchMore({ variables: { filter, first: PAGE, after: cursor } });
    const page = result.data?.jobs;
    if (!page) return;
    setOlder({
      key,
      jobs: [...(mine?.jobs ?? []), ...page.edges.map((e) => e.node)],
      cursor: page.pageInfo.endCursor,
      more: page.pageInfo.hasNextPage,
    });
  }

  return {
    jobs,
    totalCount: data?.jobs.totalCount ?? null,
    loading: loading && !data,
    error,
    hasMore,
    loadMore,
  };
}
