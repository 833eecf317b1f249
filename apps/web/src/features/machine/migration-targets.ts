import type { Machine } from '@/graphql/machines';
import type { Host } from '@/graphql/placement';
// Relative, not '@/': the repository's vitest runs this file without Next's path aliases.
import { formatMemory, formatStorage } from '../../lib/format';

/** A host a machine could move to, what it has free, and why it cannot take the machine (null: it can). */
export interface MigrationTarget {
  readonly host: Host;
  readonly free: { readonly vcpus: number; readonly memoryMiB: number; readonly diskGiB: number };
  readonly blocker: string | null;
}

type Moving = Pick<Machine, 'vcpus' | 'memoryMiB' | 'diskGiB' | 'host' | 'provider'>;

/**
 * The other hosts of the machine's provider among `hosts` (those of its location), those that can
 * take it first. A guide for the picker: the server checks again with the scheduler's filters, and
 * so also refuses what only it can see (anti-affinity with machines of other projects, a claim that
 * won meanwhile).
 */
export function migrationTargets(hosts: readonly Host[], machine: Moving): MigrationTarget[] {
  const current = hosts.find((h) => h.id === machine.host?.id) ?? null;
  return hosts
    .filter((h) => h.id !== machine.host?.id && h.providerId === machine.provider.id)
    .map((host) => {
      const free = {
        vcpus: Math.floor(host.vcpus * host.cpuAllocationRatio - host.allocatedVcpus),
        memoryMiB: Math.floor(host.memoryMiB * host.ramAllocationRatio - host.allocatedMemoryMiB),
        diskGiB: Math.floor(host.diskGiB * host.diskAllocationRatio - host.allocatedDiskGiB),
      };
      return { host, free, blocker: blockerOf(host, free, machine, current) };
    })
    .sort(
      (a, b) =>
        Number(a.blocker !== null) - Number(b.blocker !== null) || a.host.name.localeCompare(b.host.name),
    );
}

function blockerOf(host: Host, free: MigrationTarget['free'], machine: Moving, current: Host | null) {
  if (!host.enabled) return 'Disabled by an administrator.';
  if (host.maintenance) return 'In maintenance: it takes no new machine.';
  if (!host.up) return 'Down.';
  if (current && host.hypervisor !== current.hypervisor)
    return `Runs ${host.hypervisor}; a running machine stays on ${current.hypervisor}.`;
  if (free.vcpus < machine.vcpus)
    return `Only ${Math.max(0, free.vcpus)} vCPUs free, ${machine.vcpus} needed.`;
  if (free.memoryMiB < machine.memoryMiB)
    return `Only ${formatMemory(Math.max(0, free.memoryMiB))} of memory free, ${formatMemory(machine.memoryMiB)} needed.`;
  if (free.diskGiB < machine.diskGiB)
    return `Only ${formatStorage(Math.max(0, free.diskGiB))} of disk free, ${formatStorage(machine.diskGiB)} needed.`;
  return null;
}
