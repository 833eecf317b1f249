'use client';

import { useQuery } from '@apollo/client/react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { EmptyState, ErrorMessage, Loading } from '@/components/feedback';
import { MACHINES } from '@/graphql/machines';
import { PROVIDERS } from '@/graphql/placement';
import { formatCount, formatMemory, percent, projectColour } from '@/lib/format';
import { useDebounced } from '@/lib/hooks';
import { useProject } from '@/lib/project';
import { useSession } from '@/lib/session';
import { HOST_HEIGHT, HostBox } from './host-box';
import { groupByCluster, type MapRow, mapRows } from './placement-state';
import { usePlacement } from './use-placement';

const MIN_HOST_WIDTH = 250;
const GAP = 10;
const CLUSTER_ROW = 38;

const STATE_LEGEND = [
  ['chip-ok', 'started'],
  ['chip-off', 'stopped'],
  ['chip-busy', 'changing'],
  ['chip-rest', 'paused / suspended'],
  ['chip-bad', 'error'],
  ['chip-other', 'another project'],
] as const;

function rowKeyOf(row: MapRow | undefined, index: number): string {
  if (!row) return `empty-${index}`;
  return row.kind === 'cluster' ? `cluster-${row.name}` : `hosts-${row.hosts.map((h) => h.id).join(',')}`;
}

function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(entry?.contentRect.width ?? 0));
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

export function PlacementMap() {
  const router = useRouter();
  const params = useSearchParams();
  const { user } = useSession();
  const { project } = useProject();
  const providers = useQuery(PROVIDERS);
  const locations = useMemo(
    () =>
      (providers.data?.providers ?? [])
        .filter((p) => p.capabilities.hosts)
        .flatMap((p) => p.locations.map((l) => ({ ...l, provider: p.name }))),
    [providers.data],
  );
  // Without a location in the URL: where the project's newest machine is, else the first one.
  const chosen = params.get('location');
  const newest = useQuery(MACHINES, {
    variables: { filter: { projectId: project?.id ?? null }, first: 1 },
    skip: chosen !== null || !project,
  });
  const newestLocation = newest.data?.machines.edges[0]?.node.location.id;
  const locationId =
    chosen ??
    (newest.loading && !newest.data
      ? null
      : (locations.find((l) => l.id === newestLocation)?.id ?? locations[0]?.id ?? null));
  const focusMachine = params.get('machine');
  const [search, setSearch] = useState('');
  const query = useDebounced(search.trim().toLowerCase(), 200);
  const { state, error, loading } = usePlacement(locationId);

  const highlight = useMemo(() => {
    const ids = new Set<string>();
    if (focusMachine) ids.add(focusMachine);
    if (query && state)
      for (const host of state.hosts)
        for (const machine of host.machines)
          if (machine.name.toLowerCase().includes(query)) ids.add(machine.id);
    return ids;
  }, [focusMachine, query, state]);

  const scroller = useRef<HTMLElement>(null);
  const width = useWidth(scroller);
  const columns = Math.max(1, Math.floor((width - 2 * GAP + GAP) / (MIN_HOST_WIDTH + GAP)));
  const rows = useMemo(() => mapRows(groupByCluster(state?.hosts ?? []), columns), [state, columns]);
  // Row keys change with the layout, so the virtualiser recomputes positions when columns change.
  const rowKey = useCallback((index: number) => rowKeyOf(rows[index], index), [rows]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => (rows[index]?.kind === 'cluster' ? CLUSTER_ROW : HOST_HEIGHT + GAP),
    getItemKey: rowKey,
    overscan: 4,
  });

  // Bring the first highlighted machine into view.
  const firstHit = useMemo(() => {
    if (highlight.size === 0) return -1;
    return rows.findIndex(
      (row) => row.kind === 'hosts' && row.hosts.some((h) => h.machines.some((m) => highlight.has(m.id))),
    );
  }, [rows, highlight]);
  useEffect(() => {
    if (firstHit >= 0) virtualizer.scrollToIndex(firstHit, { align: 'center' });
  }, [firstHit, virtualizer]);

  const open = useCallback((id: string) => router.push(`/machines/${encodeURIComponent(id)}`), [router]);

  const totals = useMemo(() => {
    const hosts = state?.hosts ?? [];
    let machines = 0;
    let vcpus = 0;
    let vcpuCapacity = 0;
    let memory = 0;
    let memoryCapacity = 0;
    let maintenance = 0;
    for (const h of hosts) {
      machines += h.machines.length + h.otherMachines;
      vcpus += h.allocatedVcpus;
      vcpuCapacity += h.vcpus * h.cpuAllocationRatio;
      memory += h.allocatedMemoryMiB;
      memoryCapacity += h.memoryMiB * h.ramAllocationRatio;
      if (h.maintenance) maintenance += 1;
    }
    return { hosts: hosts.length, machines, vcpus, vcpuCapacity, memory, memoryCapacity, maintenance };
  }, [state]);

  // The projects of the machines shown, by id: the legend's colours.
  const visibleProjects = useMemo(() => {
    const names = new Map<string, string | null>();
    for (const host of state?.hosts ?? [])
      for (const m of host.machines) names.set(m.projectId, m.projectName);
    return [...names];
  }, [state]);

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Placement map</h1>
          <p className="muted">
            Hosts by cluster, filled by their allocation, with their machines. Updates live as machines are
            placed, moved and deleted.
            {user?.isAdmin
              ? ' You see every project.'
              : ' Machines of projects you are not in are shown anonymised.'}
          </p>
        </div>
      </div>
      <div className="map-head">
        <label className="field">
          <span>Location</span>
          <select
            value={locationId ?? ''}
            onChange={(e) => router.replace(`/placement?location=${encodeURIComponent(e.target.value)}`)}
          >
            {locations.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name} ({l.provider})
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Find a machine</span>
          <input
            type="search"
            placeholder="Name"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
        <div className="stack small muted" style={{ gap: 2 }}>
          <span>
            {formatCount(totals.hosts, 'host')} · {formatCount(totals.machines, 'machine')}
            {totals.maintenance ? ` · ${totals.maintenance} in maintenance` : ''}
            {query ? ` · ${highlight.size} found` : ''}
          </span>
          <span>
            vCPU {Math.round(percent(totals.vcpus, totals.vcpuCapacity))}% · RAM {formatMemory(totals.memory)}{' '}
            of {formatMemory(Math.round(totals.memoryCapacity))}
          </span>
        </div>
        <div className="legend">
          {STATE_LEGEND.map(([cls, label]) => (
            <span className="legend-item" key={cls}>
              <span className={`legend-swatch chip ${cls}`} aria-hidden="true" />
              {label}
            </span>
          ))}
          {visibleProjects.length > 1 && visibleProjects.length <= 8
            ? visibleProjects.map(([id, name]) => (
                <span className="legend-item" key={id}>
                  <span
                    className="legend-swatch"
                    style={{ background: projectColour(id) }}
                    aria-hidden="true"
                  />
                  {name ?? 'a deleted project'}
                </span>
              ))
            : null}
        </div>
      </div>
      <ErrorMessage error={providers.error ?? error} title="The map could not be read." />
      {providers.data && locations.length === 0 ? (
        <EmptyState title="No provider here exposes its hosts.">
          The placement map shows Levante&apos;s own provider and private providers with hosts. A platform
          admin registers them under Platform › Providers and Hosts.
        </EmptyState>
      ) : null}
      {state && state.hosts.length === 0 ? (
        <EmptyState title="No host in this location.">
          A platform admin registers hosts under Platform › Hosts.
        </EmptyState>
      ) : null}
      {!state && (loading || providers.loading) ? <Loading label="Loading hosts…" /> : null}
      <section
        ref={scroller}
        className="map-scroll"
        hidden={!state || state.hosts.length === 0}
        aria-label="Hosts"
      >
        <div className="map-inner" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            if (row.kind === 'cluster')
              return (
                <div key={item.key} className="cluster-title" style={{ top: item.start, height: item.size }}>
                  {row.name}
                  <span className="muted small">
                    {formatCount(row.hosts, 'host')} · {formatCount(row.machines, 'machine')}
                  </span>
                </div>
              );
            return (
              <div
                key={item.key}
                className="map-row"
                style={{
                  top: item.start,
                  height: HOST_HEIGHT,
                  gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
                }}
              >
                {row.hosts.map((host) => (
                  <HostBox key={host.id} host={host} highlight={highlight} onOpen={open} />
                ))}
              </div>
            );
          })}
        </div>
      </section>
    </>
  );
}
