import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConnectorError, type Hypervisor } from '@levante/connector-api';
import type { LocalSettings } from '../../settings.ts';
import type { DomainDefinition, DomainStatus, HostTarget, HypervisorDriver } from '../hypervisor-driver.ts';
import { chooseAccel, diskFile } from './qemu-command-line.ts';
import { type MachineContext, QemuMachine } from './qemu-machine.ts';
import { reattach } from './qemu-reattach.ts';
import { type QemuRecord, RecordStore } from './qemu-record.ts';

const run = promisify(execFile);

/** Destroyed machines are remembered this long, so a repeated create cannot make a second machine. */
const TOMBSTONE_MS = 24 * 60 * 60 * 1000;

/**
 * Machines as real QEMU processes on this host, one per machine, each
 * controlled over QMP on a unix socket in `<dataDir>/qemu/<ref>/`. Hosts are
 * labels: every "host" is this machine, so live migration between two hosts
 * moves the guest to a new QEMU beside the old one. Closing the driver leaves
 * the guests running; the next driver on the same data directory attaches to
 * them again by PID and QMP socket.
 */
export class QemuDriver implements HypervisorDriver {
  readonly name = 'qemu';
  readonly hypervisors: readonly Hypervisor[] = ['kvm'];
  readonly #machines = new Map<string, QemuMachine>();
  readonly #store: RecordStore;
  readonly #context: MachineContext;
  #settings: LocalSettings;
  #accel: 'kvm' | 'tcg' | null = null;

  private constructor(settings: LocalSettings, store: RecordStore) {
    this.#settings = settings;
    this.#store = store;
    this.#context = {
      store,
      settings: () => this.#settings,
      accel: () => (this.#accel ??= chooseAccel(this.#settings.qemu.accel)),
    };
  }

  /** The machines recorded in `dataDir`, attached again to the QEMU processes still running them. */
  static async open(settings: LocalSettings, dataDir: string | null): Promise<QemuDriver> {
    if (dataDir === null) {
      throw new ConnectorError(
        'InvalidRequest',
        "The qemu driver keeps its machines' sockets, logs and disks in the connection's data directory, and this connection has none.",
      );
    }
    const driver = new QemuDriver(settings, new RecordStore(join(dataDir, 'qemu')));
    const records = await driver.#store.loadAll();
    for (const record of records) driver.#machines.set(record.ref, new QemuMachine(record, driver.#context));
    await Promise.all([...driver.#machines.values()].map((machine) => reattach(machine)));
    return driver;
  }

  reconfigure(settings: LocalSettings): void {
    this.#settings = settings;
    this.#accel = null;
  }

  async boot(host: HostTarget, definition: DomainDefinition): Promise<DomainStatus> {
    const existing = this.#machines.get(definition.ref);
    if (existing) return existing.status();
    const boot = this.#settings.images.find((image) => image.ref === definition.imageRef)?.boot;
    if (!boot) {
      throw new ConnectorError(
        'InvalidRequest',
        `Image "${definition.imageRef}" has no boot files (kernel, disk) for the qemu driver.`,
      );
    }
    const record: QemuRecord = {
      version: 1,
      ref: definition.ref,
      name: definition.name,
      location: definition.location,
      hostRef: host.ref,
      hypervisor: host.hypervisor,
      imageRef: definition.imageRef,
      configurationRef: definition.configurationRef,
      vcpus: definition.vcpus,
      memoryMiB: definition.memoryMiB,
      managedId: definition.managedId,
      boot: {
        kernel: boot.kernel,
        initrd: boot.initrd,
        cmdline: boot.cmdline,
        readyMarker: boot.readyMarker,
      },
      disk: boot.disk !== null,
      state: 'building',
      error: null,
      process: null,
      incoming: null,
      incarnation: 0,
      markersBefore: 0,
      deadline: null,
      changedAt: Date.now(),
    };
    const machine = new QemuMachine(record, this.#context);
    this.#machines.set(record.ref, machine);
    try {
      await mkdir(machine.dir, { recursive: true, mode: 0o700 });
      if (boot.disk) await this.#createOverlay(boot.disk, diskFile(machine.dir));
      await machine.start(true);
    } catch (error) {
      // A create that failed leaves nothing behind.
      this.#machines.delete(record.ref);
      await rm(machine.dir, { recursive: true, force: true });
      throw QemuMachine.failure(`QEMU could not create machine "${definition.name}"`, error);
    }
    return machine.status();
  }

  start = (ref: string) => this.#operate(ref, 'start', (m) => m.start());
  powerOff = (ref: string) => this.#operate(ref, 'power off', (m) => m.powerOff());
  pause = (ref: string) => this.#operate(ref, 'pause', (m) => m.pause());
  unpause = (ref: string) => this.#operate(ref, 'unpause', (m) => m.unpause());
  suspend = (ref: string) => this.#operate(ref, 'suspend', (m) => m.suspend());
  resume = (ref: string) => this.#operate(ref, 'resume', (m) => m.resume());
  reset = (ref: string) => this.#operate(ref, 'reset', (m) => m.reset());
  destroy = (ref: string) => this.#operate(ref, 'destroy', (m) => m.destroy());

  migrate(ref: string, host: HostTarget): Promise<void> {
    if (!this.hypervisors.includes(host.hypervisor)) {
      const error = new ConnectorError(
        'InvalidRequest',
        `The qemu driver cannot run ${host.hypervisor} hosts.`,
      );
      return Promise.reject(error);
    }
    return this.#operate(ref, 'migrate', (m) => m.migrate(host));
  }

  async status(ref: string): Promise<DomainStatus | null> {
    return (await this.#machines.get(ref)?.status()) ?? null;
  }

  async list(): Promise<DomainStatus[]> {
    const all: DomainStatus[] = [];
    for (const machine of this.#machines.values()) {
      const { state, changedAt, ref } = machine.record;
      if (state === 'destroyed' && Date.now() - changedAt > TOMBSTONE_MS) {
        this.#machines.delete(ref);
        await rm(machine.dir, { recursive: true, force: true });
        continue;
      }
      all.push(await machine.status());
    }
    return all;
  }

  /** The serial console log of the QEMU running the machine now, for operators and tests. */
  consoleLogOf(ref: string): string | null {
    return this.#machines.get(ref)?.consoleLog ?? null;
  }

  /** The PIDs of the QEMU processes Levante watches (a machine has two during a migration). */
  pids(): number[] {
    return [...this.#machines.values()]
      .flatMap((m) => [m.record.process?.pid, m.record.incoming?.pid])
      .filter((pid): pid is number => pid !== undefined);
  }

  /** Lets go of the guests (they keep running) and writes what is pending. */
  async close(): Promise<void> {
    await Promise.all([...this.#machines.values()].map((machine) => machine.detach()));
    await this.#store.flush();
  }

  async #operate(ref: string, what: string, operation: (machine: QemuMachine) => Promise<void>) {
    const machine = this.#machines.get(ref);
    if (!machine) throw new ConnectorError('NotFound', `The qemu driver has no machine ${ref}.`);
    try {
      await operation(machine);
    } catch (error) {
      throw QemuMachine.failure(`QEMU could not ${what} machine "${machine.record.name}"`, error);
    }
  }

  async #createOverlay(backing: string, overlay: string): Promise<void> {
    const binary = this.#settings.qemu.imgBinary;
    try {
      await run(binary, ['create', '-q', '-f', 'qcow2', '-b', backing, '-F', 'qcow2', overlay], {
        timeout: 60_000,
      });
    } catch (error) {
      const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
      if (code === 'ENOENT') {
        throw new ConnectorError('ProviderUnavailable', `The qemu driver cannot run ${binary}: not found.`);
      }
      throw new ConnectorError(
        'InvalidRequest',
        `qemu-img could not create a disk backed by ${backing}: ${stderr?.trim() || String(error)}`,
      );
    }
  }
}
