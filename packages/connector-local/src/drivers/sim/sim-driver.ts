import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorError, HYPERVISORS } from '@levante/connector-api';
import type { Clock } from '../../clock.ts';
import type { LocalSettings } from '../../settings.ts';
import type {
  DomainDefinition,
  DomainOperation,
  DomainStatus,
  HostTarget,
  HypervisorDriver,
} from '../hypervisor-driver.ts';
import { SeededRandom } from './seeded-random.ts';
import { type DelayKind, SIM_OPERATIONS, type SimOperation } from './sim-operations.ts';
import { type SimDomain, type SimSnapshot, SimStateFile } from './sim-state-file.ts';
import { mapSimState } from './sim-states.ts';

/** Destroyed domains are remembered this long, so a repeated create cannot make a second machine. */
const TOMBSTONE_MS = 24 * 60 * 60 * 1000;

/** How often a migration under way looks at the clock (a test's manual clock moves when it likes). */
const MIGRATION_TICK_MS = 25;

/**
 * A site of simulated hosts. Nothing runs in the background: a domain holds
 * the transition under way and the time it ends, and every read settles what
 * the clock says is done. Delays, their jitter and addresses come from a
 * seeded PRNG, so the same seed and the same calls give the same site.
 */
export class SimDriver implements HypervisorDriver {
  readonly name = 'sim';
  readonly hypervisors = HYPERVISORS;
  readonly #domains = new Map<string, SimDomain>();
  /** Every address a domain holds, so that a new one is found without a look at all domains. */
  readonly #addresses = new Set<string>();
  readonly #clock: Clock;
  readonly #file: SimStateFile | null;
  #settings: LocalSettings;
  #random: SeededRandom;

  private constructor(settings: LocalSettings, clock: Clock, file: SimStateFile | null) {
    this.#settings = settings;
    this.#clock = clock;
    this.#file = file;
    this.#random = new SeededRandom(settings.seed);
  }

  /** A simulator with no machine, or the machines saved in `dataDir` (their transitions go on). */
  static async open(settings: LocalSettings, clock: Clock, dataDir: string | null): Promise<SimDriver> {
    const driver = new SimDriver(settings, clock, dataDir ? new SimStateFile(dataDir) : null);
    await driver.#load();
    await driver.#addExisting();
    return driver;
  }

  async #load(): Promise<void> {
    const snapshot = await this.#file?.load();
    if (!snapshot) return;
    this.#random = new SeededRandom(snapshot.random);
    this.#domains.clear();
    this.#addresses.clear();
    for (const domain of snapshot.domains) {
      this.#domains.set(domain.ref, domain);
      for (const address of domain.addresses) this.#addresses.add(address);
    }
  }

  /**
   * Reads the site again when another process wrote it since (an API server
   * beside the `levante worker` that drives the site); answers whether it did.
   */
  async refresh(): Promise<boolean> {
    if (!(await this.#file?.changedElsewhere())) return false;
    await this.#load();
    return true;
  }

  /** Applies changed settings (delays, faults) to the running simulator; machines and the PRNG stay. */
  reconfigure(settings: LocalSettings): Promise<void> {
    this.#settings = settings;
    return this.#addExisting();
  }

  /** Runs the settings' existing machines that the simulator does not run yet, unmanaged. */
  async #addExisting(): Promise<void> {
    const now = this.#clock.now();
    for (const existing of this.#settings.existing) {
      const ref = `existing-${existing.name}`;
      if (this.#domains.has(ref)) continue;
      const configuration = this.#settings.configurations.find((c) => c.ref === existing.configuration)!;
      const domain: SimDomain = {
        ref,
        name: existing.name,
        location: existing.location,
        hostRef: existing.host,
        hypervisor: existing.hypervisor,
        imageRef: existing.image,
        configurationRef: existing.configuration,
        vcpus: configuration.vcpus,
        memoryMiB: configuration.memoryMiB,
        diskGiB: configuration.diskGiB,
        managedId: null,
        addresses: existing.state === 'running' ? [this.#allocateAddress(existing.location)] : [],
        state: existing.state,
        error: null,
        pending: null,
        changedAt: now,
      };
      this.#domains.set(ref, domain);
      await this.#save(domain);
    }
  }

  async boot(host: HostTarget, definition: DomainDefinition): Promise<DomainStatus> {
    const existing = this.#domains.get(definition.ref);
    if (existing) return this.#status(existing);
    if (this.#isDown(host.ref)) {
      throw new ConnectorError(
        'CapacityError',
        `Host ${host.ref} is down and cannot take machine "${definition.name}"; choose another host.`,
      );
    }
    const domain: SimDomain = {
      ref: definition.ref,
      name: definition.name,
      location: definition.location,
      hostRef: host.ref,
      hypervisor: host.hypervisor,
      imageRef: definition.imageRef,
      configurationRef: definition.configurationRef,
      vcpus: definition.vcpus,
      memoryMiB: definition.memoryMiB,
      diskGiB: definition.diskGiB,
      managedId: definition.managedId,
      addresses: [this.#allocateAddress(definition.location)],
      state: 'building',
      error: null,
      pending: null,
      changedAt: this.#clock.now(),
    };
    this.#begin(domain, SIM_OPERATIONS.boot);
    this.#domains.set(domain.ref, domain);
    await this.#save(domain);
    return this.#status(domain);
  }

  start = (ref: string) => this.#operate(ref, 'start');
  powerOff = (ref: string) => this.#operate(ref, 'powerOff');
  pause = (ref: string) => this.#operate(ref, 'pause');
  unpause = (ref: string) => this.#operate(ref, 'unpause');
  suspend = (ref: string) => this.#operate(ref, 'suspend');
  resume = (ref: string) => this.#operate(ref, 'resume');
  reset = (ref: string) => this.#operate(ref, 'reset');
  destroy = (ref: string) => this.#operate(ref, 'destroy');

  /**
   * Moves a running domain to `host` (live migration) and resolves once it
   * runs there, `migrateDelayMs` (± jitter) later by the driver's clock. The
   * guest runs on its source meanwhile ('migrating', shown as STARTED), and
   * stays there when the destination is down by the time the copy is done:
   * the migration then rejects with CapacityError.
   */
  async migrate(ref: string, host: HostTarget): Promise<void> {
    const domain = this.#domains.get(ref);
    if (!domain) throw new ConnectorError('NotFound', `The simulator has no machine ${ref}.`);
    const source = domain.hostRef;
    if (this.#isDown(source)) {
      throw new ConnectorError(
        'ProviderUnavailable',
        `Host ${source}, where machine "${domain.name}" runs, is down; try again once it is back.`,
      );
    }
    this.#settle(domain);
    const invalid = (message: string) => new ConnectorError('InvalidRequest', message);
    if (!SIM_OPERATIONS.migrate.from.includes(domain.state)) {
      throw invalid(`Machine "${domain.name}" is ${domain.state}; only a running machine can migrate.`);
    }
    if (host.ref === source) throw invalid(`Machine "${domain.name}" already runs on host ${source}.`);
    if (host.hypervisor !== domain.hypervisor) {
      throw invalid(
        `Machine "${domain.name}" runs on ${domain.hypervisor} and host ${host.ref} on ${host.hypervisor}: a live migration stays on one hypervisor.`,
      );
    }
    if (this.#isDown(host.ref)) {
      throw new ConnectorError(
        'CapacityError',
        `Host ${host.ref} is down and cannot take machine "${domain.name}"; choose another host.`,
      );
    }
    this.#begin(domain, SIM_OPERATIONS.migrate, host.ref);
    await this.#save(domain);
    await this.#finish(domain);
    await this.#save(domain);
    if (domain.hostRef !== host.ref) {
      throw new ConnectorError(
        'CapacityError',
        `Host ${host.ref} went down while machine "${domain.name}" was migrating to it; the machine still runs on ${source}.`,
      );
    }
  }

  async status(ref: string): Promise<DomainStatus | null> {
    const domain = this.#domains.get(ref);
    if (!domain) return null;
    this.#settle(domain);
    return this.#status(domain);
  }

  async list(): Promise<DomainStatus[]> {
    const now = this.#clock.now();
    const all: DomainStatus[] = [];
    for (const domain of this.#domains.values()) {
      this.#settle(domain);
      if (domain.state === 'destroyed' && now - domain.changedAt > TOMBSTONE_MS) {
        this.#domains.delete(domain.ref);
        continue;
      }
      all.push(this.#status(domain));
    }
    return all;
  }

  async close(): Promise<void> {
    await this.#file?.close(() => this.#snapshot());
  }

  async markManaged(ref: string, managedId: string): Promise<void> {
    const domain = this.#domains.get(ref);
    if (!domain || domain.state === 'destroyed') {
      throw new ConnectorError('NotFound', `The simulator has no machine ${ref}.`);
    }
    domain.managedId = managedId;
    await this.#save(domain);
  }

  async #operate(ref: string, name: DomainOperation): Promise<void> {
    const domain = this.#domains.get(ref);
    if (!domain) throw new ConnectorError('NotFound', `The simulator has no machine ${ref}.`);
    if (this.#isDown(domain.hostRef)) {
      throw new ConnectorError(
        'ProviderUnavailable',
        `Host ${domain.hostRef}, where machine "${domain.name}" runs, is down; try again once it is back.`,
      );
    }
    this.#settle(domain);
    const operation = SIM_OPERATIONS[name];
    if (!operation.from.includes(domain.state)) {
      throw new ConnectorError(
        'InvalidRequest',
        `Machine "${domain.name}" is ${domain.state}; the hypervisor cannot ${name} it now.`,
      );
    }
    this.#begin(domain, operation);
    await this.#save(domain);
  }

  /** Enters the operation's transitional state and sets when (and how) it ends; `hostRef`: where a migration goes. */
  #begin(domain: SimDomain, operation: SimOperation, hostRef?: string): void {
    const now = this.#clock.now();
    const fails = operation.boots && this.#settings.faults.failBootOnHosts.includes(domain.hostRef);
    domain.state = operation.during;
    domain.error = null;
    domain.changedAt = now;
    domain.pending = {
      to: fails ? 'crashed' : operation.to,
      doneAt: now + this.#delay(operation.delay),
      error: fails ? `Host ${domain.hostRef} failed to boot the machine: simulated hardware fault` : null,
      ...(hostRef === undefined ? {} : { hostRef }),
    };
  }

  /** Finishes the transition under way if the clock says it is done. */
  #settle(domain: SimDomain): void {
    const pending = domain.pending;
    if (!pending || this.#clock.now() < pending.doneAt) return;
    domain.state = pending.to;
    domain.error = pending.error;
    domain.changedAt = pending.doneAt;
    domain.pending = null;
    if (domain.state === 'destroyed') {
      for (const address of domain.addresses) this.#addresses.delete(address);
      domain.addresses = [];
    }
    // A migration lands on its destination unless that host went down meanwhile.
    if (pending.hostRef !== undefined && !this.#isDown(pending.hostRef)) domain.hostRef = pending.hostRef;
  }

  /** Waits, by the driver's clock, until the domain's transition is done, and settles it. */
  async #finish(domain: SimDomain): Promise<void> {
    for (;;) {
      const pending = domain.pending;
      if (!pending) return;
      const remaining = pending.doneAt - this.#clock.now();
      if (remaining <= 0) return this.#settle(domain);
      await sleep(Math.min(remaining, MIGRATION_TICK_MS));
    }
  }

  #isDown(hostRef: string): boolean {
    return this.#settings.faults.downHosts.includes(hostRef);
  }

  /** The configured delay, varied by up to ±jitter. */
  #delay(kind: DelayKind): number {
    const { jitter } = this.#settings;
    const base = this.#settings[`${kind}DelayMs`];
    return Math.max(0, Math.round(base * (1 + jitter * (2 * this.#random.next() - 1))));
  }

  /** One free private address, 10.<location number>.y.z. */
  #allocateAddress(location: string): string {
    const index = this.#settings.locations.findIndex((l) => l.ref === location);
    if (index < 0)
      throw new ConnectorError('InvalidRequest', `The local site has no location "${location}".`);
    for (let attempt = 0; attempt < 1_000; attempt++) {
      const address = `10.${index + 1}.${this.#random.int(0, 255)}.${this.#random.int(2, 254)}`;
      if (!this.#addresses.has(address)) {
        this.#addresses.add(address);
        return address;
      }
    }
    throw new ConnectorError('CapacityError', `No private address is left in location "${location}".`);
  }

  #status(domain: SimDomain): DomainStatus {
    return {
      ref: domain.ref,
      name: domain.name,
      location: domain.location,
      hostRef: domain.hostRef,
      hypervisor: domain.hypervisor,
      imageRef: domain.imageRef,
      configurationRef: domain.configurationRef,
      managedId: domain.managedId,
      addresses: [...domain.addresses],
      nativeState: domain.state,
      state: mapSimState(domain.state),
      error: domain.error,
    };
  }

  #save(changed: SimDomain): Promise<void> {
    return this.#file?.save(changed, () => this.#snapshot()) ?? Promise.resolve();
  }

  #snapshot(): SimSnapshot {
    return { random: this.#random.state, domains: [...this.#domains.values()] };
  }
}
