import type { Machine } from '@/graphql/machines';

export type SortKey =
  | 'name'
  | 'state'
  | 'provider'
  | 'account'
  | 'location'
  | 'host'
  | 'configuration'
  | 'addresses'
  | 'createdAt';

export interface Sort {
  readonly key: SortKey;
  readonly direction: 'asc' | 'desc';
}

type Value = string | number;

export function sortValue(machine: Machine, key: SortKey, accountNames: ReadonlyMap<string, string>): Value {
  switch (key) {
    case 'name':
      return machine.name.toLowerCase();
    case 'state':
      return machine.state;
    case 'provider':
      return machine.provider.name.toLowerCase();
    case 'account':
      return ((machine.accountId && accountNames.get(machine.accountId)) || '').toLowerCase();
    case 'location':
      return machine.location.name.toLowerCase();
    case 'host':
      return machine.host?.name.toLowerCase() ?? '';
    case 'configuration':
      return machine.vcpus * 1e7 + machine.memoryMiB;
    case 'addresses':
      return machine.addresses[0] ?? '';
    case 'createdAt':
      return machine.createdAt;
  }
}

/** A sorted copy; ties keep the API's order (newest first). */
export function sortMachines(
  machines: readonly Machine[],
  sort: Sort,
  accountNames: ReadonlyMap<string, string>,
): Machine[] {
  const factor = sort.direction === 'asc' ? 1 : -1;
  return machines
    .map((machine, index) => ({ machine, index, value: sortValue(machine, sort.key, accountNames) }))
    .sort((a, b) => {
      if (a.value < b.value) return -factor;
      if (a.value > b.value) return factor;
      return a.index - b.index;
    })
    .map((entry) => entry.machine);
}
