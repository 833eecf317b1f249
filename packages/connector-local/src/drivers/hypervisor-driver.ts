import type { Hypervisor } from '@levante/connector-api';
import type { MachineState } from '@levante/domain';
import type { LocalSettings } from '../settings.ts';

/** The host Levante's scheduler chose, as the driver needs it. */
export interface HostTarget {
  readonly ref: string;
  readonly hypervisor: Hypervisor;
}

/** Everything a driver needs to define and boot a domain (a virtual machine on one host). */
export interface DomainDefinition {
  /** The domain's name on the hypervisor, and the machine's ref for Levante. */
  readonly ref: string;
  readonly name: string;
  readonly location: string;
  readonly imageRef: string;
  readonly configurationRef: string;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly diskGiB: number;
  readonly userData: string | null;
  /** Levante's machine id, kept in the domain's metadata; null for a domain made outside Levante. */
  readonly managedId: string | null;
}

/** What a driver reports about one domain. */
export interface DomainStatus {
  readonly ref: string;
  readonly name: string;
  readonly location: string;
  readonly hostRef: string;
  readonly hypervisor: Hypervisor;
  /** Null for a domain made outside Levante whose image the driver cannot tell. */
  readonly imageRef: string | null;
  readonly configurationRef: string | null;
  readonly managedId: string | null;
  readonly addresses: readonly string[];
  /** The driver's own word for the state, kept in the machine's `extra`. */
  readonly nativeState: string;
  /** `nativeState` through the driver's STATE_MAP. */
  readonly state: MachineState;
  /** Why the domain failed, for people. */
  readonly error: string | null;
}

/**
 * One way of running domains on Levante's hosts: the simulator, QEMU
 * processes over QMP, or libvirt. Operations start the work and return; `status`
 * shows the progress. Faults are thrown as ConnectorError: NotFound for an
 * unknown domain, InvalidRequest for an operation the domain's state refuses,
 * CapacityError or ProviderUnavailable for a host that cannot serve.
 */
export interface HypervisorDriver {
  readonly name: string;
  /** Hypervisors this driver can drive; a host of another kind is refused before boot. */
  readonly hypervisors: readonly Hypervisor[];
  /** Defines and boots a domain on `host`. Idempotent on `domain.ref`: an existing domain is returned as is. */
  boot(host: HostTarget, domain: DomainDefinition): Promise<DomainStatus>;
  /** Boots a domain that is shut off. */
  start(ref: string): Promise<void>;
  /** Asks the guest to shut down. */
  powerOff(ref: string): Promise<void>;
  /** Freezes the vCPUs, memory stays in RAM. */
  pause(ref: string): Promise<void>;
  unpause(ref: string): Promise<void>;
  /** Saves memory to disk and frees the host's RAM. */
  suspend(ref: string): Promise<void>;
  /** Restores a suspended domain. */
  resume(ref: string): Promise<void>;
  /** Reboots the domain. */
  reset(ref: string): Promise<void>;
  /** Stops the domain and removes it with its disk. */
  destroy(ref: string): Promise<void>;
  /** Keeps Levante's id in the domain's metadata; drivers without it cannot tag adopted machines. */
  markManaged?(ref: string, managedId: string): Promise<void>;
  /**
   * Moves a running domain to another host while it runs (live migration).
   * Unlike the operations above, it resolves once the domain runs on `host`,
   * and rejects with a ConnectorError when it stays where it was. Drivers
   * without it cannot migrate.
   */
  migrate?(ref: string, host: HostTarget): Promise<void>;
  /** Null when the driver has never known the domain. */
  status(ref: string): Promise<DomainStatus | null>;
  /** Every domain, destroyed ones included. */
  list(): Promise<DomainStatus[]>;
  /**
   * For a driver that keeps its domains in this process's memory: reads them
   * again when another process changed them since; answers whether it did.
   */
  refresh?(): Promise<boolean>;
  /** Applies changed provider settings to the live driver; its domains stay as they are. */
  reconfigure(settings: LocalSettings): void | Promise<void>;
  /** Flushes what is pending; the driver is not used afterwards. */
  close(): Promise<void>;
}

/** The driver operations behind machine actions, beyond boot. */
export type DomainOperation =
  | 'start'
  | 'powerOff'
  | 'pause'
  | 'unpause'
  | 'suspend'
  | 'resume'
  | 'reset'
  | 'destroy';
