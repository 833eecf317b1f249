import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type CallOptions,
  type ConfigurationInfo,
  type Connector,
  ConnectorError,
  type CreateMachineSpec,
  type CreateOptions,
  type HostInfo,
  type ImageInfo,
  type LocationInfo,
  type MachineInfo,
  type MachineRef,
} from '@levante/connector-api';
import { MACHINE_TRANSITIONS, type MachineAction } from '@levante/domain';
import { machineRefFor, resolveCreate } from './create-request.ts';
import type { DriverLease } from './drivers/driver-pool.ts';
import type {
  DomainOperation,
  DomainStatus,
  HostTarget,
  HypervisorDriver,
} from './drivers/hypervisor-driver.ts';
import type { LocalSettings } from './settings.ts';

/** The driver operation behind each machine action. */
const OPERATION_OF: Readonly<Record<MachineAction, DomainOperation>> = {
  start: 'start',
  stop: 'powerOff',
  restart: 'reset',
  pause: 'pause',
  unpause: 'unpause',
  suspend: 'suspend',
  resume: 'resume',
  delete: 'destroy',
};

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Provider-only data of a local machine (STYLE rule 4). */
export interface LocalMachineExtra {
  readonly driver: string;
  readonly nativeState: string;
  readonly hypervisor: string;
}

/** A connection to Levante's own site: the catalogue from settings, machines through a hypervisor driver. */
export class LocalConnector implements Connector {
  readonly #settings: LocalSettings;
  readonly #lease: DriverLease;
  readonly #authorized: boolean;
  #closed = false;

  constructor(settings: LocalSettings, token: string, lease: DriverLease) {
    this.#settings = settings;
    this.#lease = lease;
    this.#authorized = timingSafeEqual(digest(token), digest(settings.token));
  }

  async validate(options?: CallOptions): Promise<{ readonly accountName: string }> {
    this.#guard(options);
    return { accountName: `Levante hosts (${this.#driver.name} driver)` };
  }

  async listLocations(options?: CallOptions): Promise<LocationInfo[]> {
    this.#guard(options);
    return this.#settings.locations.map((l) => ({ ref: l.ref, name: l.name, kind: 'site', parentRef: null }));
  }

  async *listImages(location: string, options?: CallOptions): AsyncIterable<ImageInfo> {
    this.#guard(options);
    this.#requireLocation(location);
    // An image's boot files are the site's business: they stay out of the catalogue.
    for (const { boot: _files, ...image } of this.#settings.images) yield { ...image, location };
  }

  async listConfigurations(location: string, options?: CallOptions): Promise<ConfigurationInfo[]> {
    this.#guard(options);
    this.#requireLocation(location);
    return this.#settings.configurations.map((c) => ({ ...c, location }));
  }

  async *listMachines(location?: string, options?: CallOptions): AsyncIterable<MachineInfo> {
    this.#guard(options);
    await this.#driver.refresh?.();
    for (const domain of await this.#driver.list()) {
      if (domain.state === 'DELETED') continue;
      if (location === undefined || domain.location === location) yield this.#machineInfo(domain);
    }
  }

  async getMachine(ref: MachineRef, options?: CallOptions): Promise<MachineInfo | null> {
    this.#guard(options);
    // Unknown here, it may be one another process has made since.
    const domain =
      (await this.#driver.status(ref.ref)) ??
      ((await this.#driver.refresh?.()) ? await this.#driver.status(ref.ref) : null);
    return domain && domain.location === ref.location ? this.#machineInfo(domain) : null;
  }

  async createMachine(spec: CreateMachineSpec, options: CreateOptions): Promise<MachineInfo> {
    this.#guard(options);
    const ref = machineRefFor(options.idempotencyKey);
    const existing = await this.#driver.status(ref);
    if (existing) return this.#machineInfo(existing);
    const { host, definition } = resolveCreate(spec, ref, this.#settings, this.#driver);
    options.signal?.throwIfAborted();
    return this.#machineInfo(await this.#driver.boot(host, definition));
  }

  async act(ref: MachineRef, action: MachineAction, options?: CallOptions): Promise<void> {
    this.#guard(options);
    const domain = await this.#driver.status(ref.ref);
    if (!domain || domain.location !== ref.location || domain.state === 'DELETED') {
      throw new ConnectorError('NotFound', `The local site has no machine ${ref.ref} in ${ref.location}.`);
    }
    const transition = MACHINE_TRANSITIONS[action];
    if (!transition.from.includes(domain.state)) {
      throw new ConnectorError(
        'InvalidRequest',
        `Machine "${domain.name}" is ${domain.state} and cannot ${action}; it must be ${transition.from.join(' or ')}.`,
      );
    }
    options?.signal?.throwIfAborted();
    await this.#driver[OPERATION_OF[action]](ref.ref);
  }

  /** Tags a machine made outside Levante with Levante's id, with a driver that keeps metadata (the simulator). */
  async markManaged(ref: MachineRef, machineId: string, options?: CallOptions): Promise<void> {
    this.#guard(options);
    const driver = this.#driver;
    if (!driver.markManaged) {
      throw new ConnectorError('NotSupported', `The ${driver.name} driver cannot tag machines.`);
    }
    const domain = await driver.status(ref.ref);
    if (!domain || domain.location !== ref.location || domain.state === 'DELETED') {
      throw new ConnectorError('NotFound', `The local site has no machine ${ref.ref} in ${ref.location}.`);
    }
    options?.signal?.throwIfAborted();
    await driver.markManaged(ref.ref, machineId);
  }

  /**
   * Moves a STARTED machine to another host of its location while it runs
   * (live migration; see Connector.migrateMachine), with a driver that can
   * (`HypervisorDriver.migrate`): the others refuse with NotSupported. It
   * resolves once the machine runs on `hostRef`; on failure it rejects and the
   * machine runs on where it was.
   */
  async migrateMachine(ref: MachineRef, hostRef: string, options?: CallOptions): Promise<MachineInfo> {
    this.#guard(options);
    const driver = this.#driver;
    if (!driver.migrate) {
      throw new ConnectorError('NotSupported', `The ${driver.name} driver cannot migrate machines.`);
    }
    const domain = await driver.status(ref.ref);
    if (!domain || domain.location !== ref.location || domain.state === 'DELETED') {
      throw new ConnectorError('NotFound', `The local site has no machine ${ref.ref} in ${ref.location}.`);
    }
    if (domain.state !== 'STARTED') {
      throw new ConnectorError(
        'InvalidRequest',
        `Machine "${domain.name}" is ${domain.state}; only a STARTED machine can migrate.`,
      );
    }
    const host = this.#migrationTarget(hostRef, domain);
    options?.signal?.throwIfAborted();
    await driver.migrate(ref.ref, host);
    const after = await driver.status(ref.ref);
    if (!after) throw new ConnectorError('NotFound', `Machine ${ref.ref} disappeared during its migration.`);
    return this.#machineInfo(after);
  }

  async listHosts(options?: CallOptions): Promise<HostInfo[]> {
    this.#guard(options);
    const down = new Set(this.#settings.faults.downHosts);
    return this.#settings.hosts.map((h) => ({ ...h, up: !down.has(h.ref) }));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#lease.release();
  }

  get #driver(): HypervisorDriver {
    return this.#lease.driver;
  }

  /** Every call: not aborted, connection open, token accepted. */
  #guard(options: CallOptions | undefined): void {
    options?.signal?.throwIfAborted();
    if (this.#closed)
      throw new ConnectorError('ProviderUnavailable', 'This connection to the local site is closed.');
    if (!this.#authorized) throw new ConnectorError('AuthError', 'The local site refused the access token.');
  }

  /**
   * Where a machine may move: a declared host of its location other than its
   * own, up; any other host when the settings declare none (Levante's
   * database owns the inventory), with the machine's hypervisor.
   */
  #migrationTarget(hostRef: string, domain: DomainStatus): HostTarget {
    const invalid = (message: string) => new ConnectorError('InvalidRequest', message);
    const declared = this.#settings.hosts.find((h) => h.ref === hostRef);
    if (!declared && this.#settings.hosts.length > 0)
      throw invalid(`The local site has no host "${hostRef}".`);
    if (declared && declared.location !== domain.location) {
      throw invalid(
        `Host "${hostRef}" is in ${declared.location}; machine "${domain.name}" can only move within ${domain.location}.`,
      );
    }
    if (hostRef === domain.hostRef)
      throw invalid(`Machine "${domain.name}" already runs on host "${hostRef}".`);
    if (this.#settings.faults.downHosts.includes(hostRef)) {
      throw new ConnectorError('CapacityError', `Host "${hostRef}" is down; choose another host.`);
    }
    return { ref: hostRef, hypervisor: declared?.hypervisor ?? domain.hypervisor };
  }

  #requireLocation(location: string): void {
    if (!this.#settings.locations.some((l) => l.ref === location)) {
      throw new ConnectorError('InvalidRequest', `The local site has no location "${location}".`);
    }
  }

  #machineInfo(domain: DomainStatus): MachineInfo {
    const extra: LocalMachineExtra = {
      driver: this.#driver.name,
      nativeState: domain.nativeState,
      hypervisor: domain.hypervisor,
    };
    return {
      ref: domain.ref,
      location: domain.location,
      name: domain.name,
      state: domain.state,
      imageRef: domain.imageRef,
      configurationRef: domain.configurationRef,
      hostRef: domain.hostRef,
      addresses: domain.addresses,
      managedId: domain.managedId,
      error: domain.error,
      extra: { ...extra },
    };
  }
}
