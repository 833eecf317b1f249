'use client';

import { useQuery } from '@apollo/client/react';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { EmptyState, ErrorMessage, Loading } from '@/components/feedback';
import { StateBadge } from '@/components/state-badge';
import { MACHINES, type Machine, type MachineFilter, PROVIDER_ACCOUNTS } from '@/graphql/machines';
import { PROVIDERS } from '@/graphql/placement';
import { MACHINE_STATES, type MachineState } from '@/graphql/types';
import { formatCount, formatDateTime, formatShape } from '@/lib/format';
import { useDebounced, useDebouncedCallback, useMachineChanges } from '@/lib/hooks';
import { type Labels, labelTags, parseLabelFilter } from '@/lib/labels';
import { useProject } from '@/lib/project';
import { BulkActionBar } from './bulk-action-bar';
import { keepListed, toggled } from './bulk-actions';
import { type Sort, type SortKey, sortMachines } from './sorting';

const COLUMNS: readonly { key: SortKey; label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'state', label: 'State' },
  { key: 'provider', label: 'Provider' },
  { key: 'account', label: 'Account' },
  { key: 'location', label: 'Location' },
  { key: 'host', label: 'Host' },
  { key: 'configuration', label: 'Configuration' },
  { key: 'addresses', label: 'IP addresses' },
  { key: 'createdAt', label: 'Created' },
];

const PAGE_SIZES = [25, 50, 100];

export function Inventory() {
  const { project, canWrite } = useProject();
  const projectId = project?.id ?? null;
  const [name, setName] = useState('');
  const [state, setState] = useState<MachineState | ''>('');
  const [providerId, setProviderId] = useState('');
  const [locationId, setLocationId] = useState('');
  const [includeDeleted, setIncludeDeleted] = useState(false);
  const [pageSize, setPageSize] = useState(25);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [sort, setSort] = useState<Sort>({ key: 'createdAt', direction: 'desc' });
  const [selectedIds, setSelectedIds] = useState<ReadonlySet<string>>(() => new Set());
  const debouncedName = useDebounced(name.trim(), 250);
  const [labelText, setLabelText] = useState('');
  const labelFilter = parseLabelFilter(useDebounced(labelText, 250));
  const labelsKey = JSON.stringify(labelFilter.labels);

  const filter = useMemo<MachineFilter>(
    () => ({
      projectId,
      name: debouncedName || null,
      states: state ? [state] : null,
      providerId: providerId || null,
      locationId: locationId || null,
      includeDeleted,
      labels: labelsKey === '{}' ? null : (JSON.parse(labelsKey) as Labels),
    }),
    [projectId, debouncedName, state, providerId, locationId, includeDeleted, labelsKey],
  );
  const filterKey = JSON.stringify([filter, pageSize]);
  const [cursorKey, setCursorKey] = useState(filterKey);
  if (cursorKey !== filterKey) {
    setCursorKey(filterKey);
    setCursors([null]);
  }
  const after = cursors[cursors.length - 1] ?? null;

  const { data, previousData, loading, error, refetch } = useQuery(MACHINES, {
    variables: { filter, first: pageSize, after },
    skip: !projectId,
  });
  const providers = useQuery(PROVIDERS);
  const accounts = useQuery(PROVIDER_ACCOUNTS, {
    variables: { projectId: projectId ?? '' },
    skip: !projectId,
  });
  const accountNames = useMemo(
    () => new Map((accounts.data?.providerAccounts ?? []).map((a) => [a.id, a.name])),
    [accounts.data],
  );

  const shown = data ?? previousData;
  const machines = useMemo(() => shown?.machines.edges.map((e) => e.node) ?? [], [shown]);
  const sorted = useMemo(() => sortMachines(machines, sort, accountNames), [machines, sort, accountNames]);
  // Ids, not machines: a live update replaces the machine objects, and the selection must stay.
  const listedSelection = keepListed(selectedIds, machines);
  if (listedSelection !== selectedIds) setSelectedIds(listedSelection);
  const selected = sorted.filter((m) => listedSelection.has(m.id));
  const select = (ids: readonly string[], on: boolean) =>
    setSelectedIds((current) => toggled(current, ids, on));

  // A change the cache cannot place (a new machine, one leaving the filter) reads the page again.
  const reread = useDebouncedCallback(() => void refetch(), 300);
  useMachineChanges(projectId, (machine) => {
    const listed = machines.some((m) => m.id === machine.id);
    if (!listed || state !== '' || (!includeDeleted && machine.state === 'DELETED')) reread();
  });

  const locations = (providers.data?.providers ?? [])
    .filter((p) => !providerId || p.id === providerId)
    .flatMap((p) => p.locations.map((l) => ({ ...l, provider: p.name })));
  const filtered = Boolean(debouncedName || state || providerId || locationId || labelsKey !== '{}');
  const total = shown?.machines.totalCount ?? 0;
  const page = cursors.length;

  function toggleSort(key: SortKey) {
    setSort((current) =>
      current.key === key
        ? { key, direction: current.direction === 'asc' ? 'desc' : 'asc' }
        : { key, direction: key === 'createdAt' ? 'desc' : 'asc' },
    );
  }

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Machines</h1>
          <p className="muted">
            Every machine of {project?.name ?? 'the project'}, across providers and accounts. Changes appear
            live.
          </p>
        </div>
        <div className="actions">
          {canWrite ? (
            <Link href="/machines/new" className="btn btn-primary">
              Create machine
            </Link>
          ) : null}
        </div>
      </div>
      <div className="toolbar">
        <label className="field">
          <span>Name</span>
          <input
            type="search"
            placeholder="Filter by name"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label className="field">
          <span>Labels</span>
          <input
            type="search"
            name="label-filter"
            placeholder="env=prod, tier=web"
            value={labelText}
            onChange={(e) => setLabelText(e.target.value)}
            aria-invalid={labelFilter.problem !== null}
            aria-describedby="label-filter-help"
          />
          {labelFilter.problem ? (
            <small id="label-filter-help" className="field-error">
              {labelFilter.problem}
            </small>
          ) : null}
        </label>
        <label className="field">
          <span>State</span>
          <select value={state} onChange={(e) => setState(e.target.value as MachineState | '')}>
            <option value="">Any state</option>
            {MACHINE_STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Provider</span>
          <select
            value={providerId}
            onChange={(e) => {
              setProviderId(e.target.value);
              setLocationId('');
            }}
          >
            <option value="">Any provider</option>
            {(providers.data?.providers ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Location</span>
          <select value={locationId} onChange={(e) => setLocationId(e.target.value)}>
            <option value="">Any location</option>
            {locations.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name} ({l.provider})
              </option>
            ))}
          </select>
        </label>
        <label className="row small">
          <input
            type="checkbox"
            checked={includeDeleted}
            onChange={(e) => setIncludeDeleted(e.target.checked)}
          />
          Show deleted
        </label>
      </div>
      <ErrorMessage error={error} title="The machines could not be read." />
      {!shown && loading ? <Loading label="Loading machines…" /> : null}
      {shown && machines.length === 0 ? (
        filtered ? (
          <EmptyState title="No machine matches these filters.">
            Clear a filter to see more machines.
          </EmptyState>
        ) : (
          <EmptyState title="No machine in this project yet.">
            {canWrite ? (
              <>
                <Link href="/machines/new">Create a machine</Link> with the wizard: pick an account, a
                location, an image and a configuration.
              </>
            ) : (
              'Members of the project create machines; your role lets you see them.'
            )}
          </EmptyState>
        )
      ) : null}
      {canWrite ? (
        <BulkActionBar
          key={projectId}
          selected={selected}
          capabilitiesOf={(accountId) =>
            accounts.data?.providerAccounts.find((a) => a.id === accountId)?.provider.capabilities ?? null
          }
          onStarted={(ids) => select(ids, false)}
          onClear={() => setSelectedIds(new Set())}
        />
      ) : null}
      {machines.length > 0 ? (
        <>
          <div className="table-wrap">
            <table className="data" aria-label="Machines" aria-busy={loading}>
              <thead>
                <tr>
                  {canWrite ? (
                    <th className="select-cell">
                      <input
                        type="checkbox"
                        aria-label="Select every machine on this page"
                        checked={selected.length === machines.length}
                        ref={(box) => {
                          if (box)
                            box.indeterminate = selected.length > 0 && selected.length < machines.length;
                        }}
                        onChange={(e) =>
                          select(
                            machines.map((m) => m.id),
                            e.target.checked,
                          )
                        }
                      />
                    </th>
                  ) : null}
                  {COLUMNS.map((column) => {
                    const active = sort.key === column.key;
                    return (
                      <th
                        key={column.key}
                        aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
                      >
                        <button type="button" className="sort-button" onClick={() => toggleSort(column.key)}>
                          {column.label}
                          <span className="sort-indicator" aria-hidden="true">
                            {active ? (sort.direction === 'asc' ? '▲' : '▼') : '↕'}
                          </span>
                        </button>
                      </th>
                    );
                  })}
                </tr>
              </thead>
              <tbody>
                {sorted.map((machine) => (
                  <MachineRow
                    key={machine.id}
                    machine={machine}
                    accountName={machine.accountId ? accountNames.get(machine.accountId) : undefined}
                    selected={canWrite ? listedSelection.has(machine.id) : null}
                    onSelect={(on) => select([machine.id], on)}
                  />
                ))}
              </tbody>
            </table>
          </div>
          <div className="pager">
            <span className="muted">
              Page {page} · {formatCount(total, 'machine')}
              {sort.key !== 'createdAt' || sort.direction !== 'desc' ? ' · sorted within the page' : ''}
            </span>
            <span className="spacer" />
            <label className="row small">
              Rows
              <select value={pageSize} onChange={(e) => setPageSize(Number(e.target.value))}>
                {PAGE_SIZES.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              className="btn btn-small"
              disabled={page <= 1}
              onClick={() => setCursors((c) => c.slice(0, -1))}
            >
              ← Previous
            </button>
            <button
              type="button"
              className="btn btn-small"
              disabled={!shown?.machines.pageInfo.hasNextPage}
              onClick={() => {
                const next = shown?.machines.pageInfo.endCursor;
                if (next) setCursors((c) => [...c, next]);
              }}
            >
              Next →
            </button>
          </div>
        </>
      ) : null}
    </>
  );
}

function MachineRow({
  machine,
  accountName,
  selected,
  onSelect,
}: {
  machine: Machine;
  accountName: string | undefined;
  /** Null when the caller may not act on the project's machines: there is nothing to select for. */
  selected: boolean | null;
  onSelect: (on: boolean) => void;
}) {
  return (
    <tr data-machine={machine.name} className={selected ? 'selected' : undefined}>
      {selected !== null ? (
        <td className="select-cell">
          <input
            type="checkbox"
            aria-label={`Select ${machine.name}`}
            checked={selected}
            onChange={(e) => onSelect(e.target.checked)}
          />
        </td>
      ) : null}
      <td>
        <Link href={`/machines/${encodeURIComponent(machine.id)}`}>{machine.name}</Link>
        {Object.keys(machine.labels).length > 0 ? (
          <span className="cell-sub" data-labels>
            {labelTags(machine.labels).join(' · ')}
          </span>
        ) : null}
      </td>
      <td>
        <StateBadge state={machine.state} />
      </td>
      <td>
        {machine.provider.name}
        <span className="cell-sub">{machine.provider.kind}</span>
      </td>
      <td>{accountName ?? <span className="muted">—</span>}</td>
      <td>{machine.location.name}</td>
      <td>
        {machine.host ? (
          <>
            {machine.host.name}
            {machine.host.cluster ? <span className="cell-sub">{machine.host.cluster}</span> : null}
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>{formatShape(machine)}</td>
      <td className="mono">{machine.addresses.length > 0 ? machine.addresses.join(', ') : '—'}</td>
      <td>{formatDateTime(machine.createdAt)}</td>
    </tr>
  );
}
