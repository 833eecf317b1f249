import type { Connector, CreateMachineSpec, MachineInfo } from '@levante/connector-api';
import type { Clock } from '../clock.ts';
import { DriverPool } from '../drivers/driver-pool.ts';
import { createLocalConnectorFactory } from '../local-connector-factory.ts';

/** A small site: three KVM hosts and an ESX host in Paris, a Xen host in Lyon. */
export const HOSTS = [
  {
    ref: 'paris-a-1',
    name: 'paris-a-1',
    location: 'paris',
    cluster: 'paris-a',
    hypervisor: 'kvm',
    vcpus: 64,
    memoryMiB: 262144,
    diskGiB: 4000,
  },
  {
    ref: 'paris-a-2',
    name: 'paris-a-2',
    location: 'paris',
    cluster: 'paris-a',
    hypervisor: 'kvm',
    vcpus: 64,
    memoryMiB: 262144,
    diskGiB: 4000,
  },
  {
    ref: 'paris-a-3',
    name: 'paris-a-3',
    location: 'paris',
    cluster: 'paris-a',
    hypervisor: 'kvm',
    vcpus: 64,
    memoryMiB: 262144,
    diskGiB: 4000,
  },
  {
    ref: 'paris-b-1',
    name: 'paris-b-1',
    location: 'paris',
    cluster: 'paris-b',
    hypervisor: 'esx',
    vcpus: 32,
    memoryMiB: 131072,
    diskGiB: 2000,
  },
  {
    ref: 'lyon-a-1',
    name: 'lyon-a-1',
    location: 'lyon',
    cluster: null,
    hypervisor: 'xen',
    vcpus: 32,
    memoryMiB: 131072,
    diskGiB: 2000,
  },
] as const;

export interface SiteOptions {
  readonly clock?: Clock;
  readonly pool?: DriverPool;
  readonly dataDir?: string | null;
  readonly token?: string;
}

/** Connects to a simulated site with HOSTS declared, the default token, and `settings` on top. */
export function connectSite(
  settings: Record<string, unknown> = {},
  options: SiteOptions = {},
): Promise<Connector> {
  const factory = createLocalConnectorFactory({ pool: options.pool ?? new DriverPool(options.clock) });
  return factory.connect({
    endpoint: null,
    credentials: { token: options.token ?? 'local' },
    settings: { hosts: HOSTS, ...settings },
    dataDir: options.dataDir ?? null,
  });
}

/** A create of a Debian machine on paris-a-1, named `name`, with what `overrides` says. */
export function specFor(name: string, overrides: Partial<CreateMachineSpec> = {}): CreateMachineSpec {
  return {
    machineId: `machine-${name}`,
    name,
    location: 'paris',
    imageRef: 'debian-12',
    configurationRef: 'small',
    host: { ref: 'paris-a-1', hypervisor: 'kvm' },
    userData: null,
    ...overrides,
  };
}

export const create = (connector: Connector, name: string, overrides: Partial<CreateMachineSpec> = {}) =>
  connector.createMachine(specFor(name, overrides), { idempotencyKey: `key-${name}` });

export async function machines(connector: Connector, location?: string): Promise<MachineInfo[]> {
  const all: MachineInfo[] = [];
  for await (const machine of connector.listMachines(location)) all.push(machine);
  return all;
}
