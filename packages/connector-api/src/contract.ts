import type { MachineAction, MachineState } from '@levante/domain';
import type { ZodType } from 'zod';

/** What a connector can do, as plain data: the engine and the console read it. */
export interface Capabilities {
  readonly pause: boolean;
  readonly suspend: boolean;
  readonly restart: boolean;
  /** Capture a machine's disk as a new image. */
  readonly capture: boolean;
  /** Exposes physical hosts, and accepts a host chosen by Levante's scheduler. */
  readonly hosts: boolean;
  /** Deploys a multi-machine system natively (vCloud vApps). */
  readonly nativeSystems: boolean;
  /**
   * Moves a running machine to another of its location's hosts while it runs
   * (`migrateMachine`). Absent means false; only connectors with `hosts` can.
   */
  readonly migrate?: boolean;
}

export const HYPERVISORS = ['kvm', 'xen', 'esx'] as const;
export type Hypervisor = (typeof HYPERVISORS)[number];

/**
 * Where machines live. Machines are made in a region or a site, which offers
 * images and configurations; a zone only says where inside its region a
 * machine runs (Levante reads no catalog for it).
 */
export interface LocationInfo {
  /** The provider's own identifier: region, zone or site name. */
  readonly ref: string;
  readonly name: string;
  readonly kind: 'region' | 'zone' | 'site';
  /** The region of a zone, for instance. */
  readonly parentRef: string | null;
}

export interface ImageInfo {
  readonly ref: string;
  readonly name: string;
  readonly location: string;
  readonly os: string | null;
  readonly architecture: string | null;
  /** The hypervisors able to run it; empty when the provider does not say. */
  readonly hypervisors: readonly Hypervisor[];
  /** Smallest disk it needs. */
  readonly minDiskGiB: number;
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface ConfigurationInfo {
  readonly ref: string;
  readonly name: string;
  readonly location: string;
  readonly vcpus: number;
  readonly memoryMiB: number;
  /** The disk it gives; 0 when the disk takes the image's size (EC2's EBS-only types). */
  readonly diskGiB: number;
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface HostInfo {
  readonly ref: string;
  readonly name: string;
  readonly location: string;
  readonly cluster: string | null;
  readonly hypervisor: Hypervisor;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly diskGiB: number;
  readonly up: boolean;
}

export interface MachineRef {
  /** The provider's identifier of the machine (instance id, domain name…). */
  readonly ref: string;
  readonly location: string;
}

export interface MachineInfo extends MachineRef {
  readonly name: string;
  readonly state: MachineState;
  readonly imageRef: string | null;
  readonly configurationRef: string | null;
  readonly hostRef: string | null;
  readonly addresses: readonly string[];
  /** Levante's machine id when Levante created it (a tag), null for an unmanaged machine. */
  readonly managedId: string | null;
  /** Why the provider put it in ERROR, for people. */
  readonly error: string | null;
  /** The provider's own key = value tags, without those Levante itself sets; adoption keeps them as labels. */
  readonly tags?: Readonly<Record<string, string>>;
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface CreateMachineSpec {
  /** Levante's machine id; tag the machine with it so inventory can tell it is managed. */
  readonly machineId: string;
  readonly name: string;
  readonly location: string;
  readonly imageRef: string;
  readonly configurationRef: string;
  /** The host chosen by Levante's scheduler, for connectors with `hosts`. */
  readonly host: { readonly ref: string; readonly hypervisor: Hypervisor } | null;
  readonly userData: string | null;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
}

export interface CreateOptions extends CallOptions {
  /** The same key always yields the same machine, however often the call is repeated. */
  readonly idempotencyKey: string;
}

/** A live connection to one provider account. */
export interface Connector {
  /** Checks the credentials; throws AuthError when they are refused. */
  validate(options?: CallOptions): Promise<{ readonly accountName: string }>;
  listLocations(options?: CallOptions): Promise<LocationInfo[]>;
  listImages(location: string, options?: CallOptions): AsyncIterable<ImageInfo>;
  listConfigurations(location: string, options?: CallOptions): Promise<ConfigurationInfo[]>;
  /** Every machine of the account (managed or not), for inventory and reconciliation. */
  listMachines(location?: string, options?: CallOptions): AsyncIterable<MachineInfo>;
  /** Null when the provider does not know the machine (any more). */
  getMachine(ref: MachineRef, options?: CallOptions): Promise<MachineInfo | null>;
  /** Starts creating and returns at once; poll getMachine until it converges. */
  createMachine(spec: CreateMachineSpec, options: CreateOptions): Promise<MachineInfo>;
  /** Starts an action and returns at once; poll getMachine until it converges. */
  act(ref: MachineRef, action: MachineAction, options?: CallOptions): Promise<void>;
  listHosts?(options?: CallOptions): Promise<HostInfo[]>;
  /**
   * With `capabilities.migrate`: moves a STARTED machine to host `hostRef` of
   * its location while it runs (live migration). Unlike `act`, it resolves once
   * the machine runs there, with what the provider then reports; when it
   * rejects, the machine runs on where it was. Refuses with NotFound for an
   * unknown machine, InvalidRequest for a machine that is not STARTED or a host
   * it cannot go to (its own, another location's, another hypervisor's),
   * CapacityError for a host that cannot take it now, NotSupported when the
   * connection cannot migrate at all.
   */
  migrateMachine?(ref: MachineRef, hostRef: string, options?: CallOptions): Promise<MachineInfo>;
  /**
   * Tags a machine made outside Levante with Levante's id, as createMachine
   * tags its own, once Levante has adopted it: listings then report it as
   * managed (`managedId`). Refuses with NotFound for an unknown machine, and
   * NotSupported when the connection cannot tag machines.
   */
  markManaged?(ref: MachineRef, machineId: string, options?: CallOptions): Promise<void>;
  close(): Promise<void>;
}

export interface ConnectContext {
  readonly endpoint: string | null;
  /** Already checked against the factory's credentialsSchema. */
  readonly credentials: unknown;
  /** Provider settings registered by the platform admin (regions, site description…). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** A directory this connection may keep state in, or null. */
  readonly dataDir: string | null;
}

export interface ConnectorFactory {
  readonly kind: string;
  readonly displayName: string;
  /** What the connector can do with default settings; see `variantCapabilities` for the rest. */
  readonly capabilities: Capabilities;
  /**
   * What differs from `capabilities` per variant (the same keys as `stateMaps`):
   * the local provider's libvirt driver cannot migrate, say. Read them through
   * `capabilitiesFor(factory, settings)`.
   */
  readonly variantCapabilities?: Readonly<Record<string, Partial<Capabilities>>>;
  /** The variant a provider's (already checked) settings select; needed with `variantCapabilities`. */
  variantOf?(settings: Readonly<Record<string, unknown>>): string;
  /** Account credentials; validated before anything is stored. */
  readonly credentialsSchema: ZodType;
  /** Provider settings; validated when the provider is registered. */
  readonly settingsSchema: ZodType;
  /**
   * How native states map to CIMI states, per variant (the driver of the
   * local provider, say); an unknown native state maps to ERROR. Documentation
   * is generated from it.
   */
  readonly stateMaps: Readonly<Record<string, Readonly<Record<string, MachineState>>>>;
  connect(context: ConnectContext): Promise<Connector>;
}
