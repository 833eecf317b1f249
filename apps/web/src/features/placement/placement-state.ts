import type { Host, HostMachine, PlacementChange } from '@/graphql/placement';

/** The map's model: hosts in display order, and where each machine is. */
export interface PlacementState {
  readonly hosts: readonly Host[];
  /** machine id → host id */
  readonly where: ReadonlyMap<string, string>;
}

export function placementState(hosts: readonly Host[]): PlacementState {
  const where = new Map<string, string>();
  for (const host of hosts) for (const machine of host.machines) where.set(machine.id, host.id);
  return { hosts, where };
}

function withMachines(host: Host, machines: HostMachine[]): Host {
  return { ...host, machines };
}

/**
 * Applies one live change: a machine placed, moved, removed, or changing state. Only the hosts it
 * touches are new objects, so the map redraws those alone. Sizes of a newly placed machine are
 * unknown until the hosts are read again (they count in the allocation, not in the chips).
 */
export function applyPlacementChange(state: PlacementState, change: PlacementChange): PlacementState {
  const from = state.where.get(change.machineId) ?? change.previousHostId ?? null;
  const to = change.kind === 'removed' ? null : change.hostId;
  const fromIndex = from ? state.hosts.findIndex((h) => h.id === from) : -1;
  const toIndex = to ? state.hosts.findIndex((h) => h.id === to) : -1;
  if (fromIndex < 0 && toIndex < 0) return state;

  const hosts = [...state.hosts];
  const where = new Map(state.where);
  let previous: HostMachine | undefined;
  if (fromIndex >= 0) {
    const host = hosts[fromIndex] as Host;
    previous = host.machines.find((m) => m.id === change.machineId);
    hosts[fromIndex] = withMachines(
      host,
      host.machines.filter((m) => m.id !== change.machineId),
    );
    where.delete(change.machineId);
  }
  if (toIndex >= 0) {
    const host = hosts[toIndex] as Host;
    const machine: HostMachine = {
      id: change.machineId,
      name: change.machineName,
      state: change.state,
      projectId: change.projectId,
      projectName: change.projectName,
      vcpus: previous?.vcpus ?? 0,
      memoryMiB: previous?.memoryMiB ?? 0,
    };
    const others = host.machines.filter((m) => m.id !== change.machineId);
    const machines = [...others, machine].sort((a, b) => a.name.localeCompare(b.name));
    hosts[toIndex] = withMachines(host, machines);
    where.set(change.machineId, host.id);
  }
  return { hosts, where };
}

export interface ClusterGroup {
  readonly name: string;
  readonly hosts: readonly Host[];
}

/** Hosts grouped by cluster, in the API's order (location, cluster, name). */
export function groupByCluster(hosts: readonly Host[]): ClusterGroup[] {
  const groups = new Map<string, Host[]>();
  for (const host of hosts) {
    const key = host.cluster ?? '';
    const list = groups.get(key);
    if (list) list.push(host);
    else groups.set(key, [host]);
  }
  return [...groups.entries()].map(([name, list]) => ({ name, hosts: list }));
}

export type MapRow =
  | { readonly kind: 'cluster'; readonly name: string; readonly hosts: number; readonly machines: number }
  | { readonly kind: 'hosts'; readonly hosts: readonly Host[] };

/** Rows for the virtual grid: a title per cluster, then its hosts `columns` at a time. */
export function mapRows(groups: readonly ClusterGroup[], columns: number): MapRow[] {
  const rows: MapRow[] = [];
  for (const group of groups) {
    rows.push({
      kind: 'cluster',
      name: group.name || 'No cluster',
      hosts: group.hosts.length,
      machines: group.hosts.reduce((n, h) => n + h.machines.length + h.otherMachines, 0),
    });
    for (let i = 0; i < group.hosts.length; i += columns)
      rows.push({ kind: 'hosts', hosts: group.hosts.slice(i, i + columns) });
  }
  return rows;
}
