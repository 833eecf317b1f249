import { gql, type TypedDocumentNode } from '@apollo/client';
import type { Capabilities, Hypervisor, Location, MachineState } from './types';

export interface HostMachine {
  id: string;
  name: string;
  state: MachineState;
  projectId: string;
  /** Null once the project is deleted. */
  projectName: string | null;
  vcpus: number;
  memoryMiB: number;
}

export interface Host {
  id: string;
  name: string;
  providerId: string;
  locationId: string;
  location: string;
  cluster: string | null;
  hypervisor: Hypervisor;
  vcpus: number;
  memoryMiB: number;
  diskGiB: number;
  cpuAllocationRatio: number;
  ramAllocationRatio: number;
  diskAllocationRatio: number;
  allocatedVcpus: number;
  allocatedMemoryMiB: number;
  allocatedDiskGiB: number;
  enabled: boolean;
  maintenance: boolean;
  up: boolean;
  machines: HostMachine[];
  otherMachines: number;
}

export const HOST_FIELDS = gql`
  fragment HostFields on Host {
    id
    name
    providerId
    locationId
    location
    cluster
    hypervisor
    vcpus
    memoryMiB
    diskGiB
    cpuAllocationRatio
    ramAllocationRatio
    diskAllocationRatio
    allocatedVcpus
    allocatedMemoryMiB
    allocatedDiskGiB
    enabled
    maintenance
    up
    otherMachines
    machines {
      id
      name
      state
      projectId
      projectName
      vcpus
      memoryMiB
    }
  }
`;

export const HOSTS: TypedDocumentNode<
  { hosts: Host[] },
  { locationId?: string | null; providerId?: string | null }
> = gql`
  query Hosts($locationId: ID, $providerId: ID) {
    hosts(locationId: $locationId, providerId: $providerId) {
      ...HostFields
    }
  }
  ${HOST_FIELDS}
`;

export interface PlacementChange {
  kind: 'placed' | 'moved' | 'removed' | 'changed';
  machineId: string;
  machineName: string;
  state: MachineState;
  hostId: string | null;
  previousHostId: string | null;
  projectId: string;
  projectName: string | null;
  at: string;
}

export const PLACEMENT_CHANGED: TypedDocumentNode<
  { placementChanged: PlacementChange },
  { locationId?: string | null }
> = gql`
  subscription PlacementChanged($locationId: ID) {
    placementChanged(locationId: $locationId) {
      kind
      machineId
      machineName
      state
      hostId
      previousHostId
      projectId
      projectName
      at
    }
  }
`;

export interface ProviderWithLocations {
  id: string;
  name: string;
  kind: string;
  capabilities: Capabilities;
  locations: Location[];
}

export const PROVIDERS: TypedDocumentNode<
  { providers: ProviderWithLocations[] },
  Record<string, never>
> = gql`
  query Providers {
    providers {
      id
      name
      kind
      capabilities {
        capture
        hosts
        migrate
        nativeSystems
        pause
        restart
        suspend
      }
      locations {
        id
        kind
        name
        ref
      }
    }
  }
`;
