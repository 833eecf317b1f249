import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ConnectorError } from '@levante/connector-api';
import type { LocalSettings } from '../../settings.ts';
import type { DomainStatus, HostTarget } from '../hypervisor-driver.ts';
import {
  type IncarnationFiles,
  incarnationFiles,
  MAX_SOCKET_PATH,
  qemuArgs,
  savedStateFile,
  shellQuote,
} from './qemu-command-line.ts';
import { QemuProcess, stderrTail } from './qemu-process.ts';
import { type QemuRecord, RECORD_FILE, type RecordStore } from './qemu-record.ts';
import { mapQemuState, type QemuState } from './qemu-states.ts';
import { finishRestore, liveMigrate, saveMemory } from './qemu-transfers.ts';
import { QmpClosedError } from './qmp-client.ts';

/** What a machine needs from its driver. */
export interface MachineContext {
  readonly store: RecordStore;
  settings(): LocalSettings;
  accel(): 'kvm' | 'tcg';
}

/** The native states each operation is accepted in, as a hypervisor would say. */
const ACCEPTS = {
  start: ['shutoff'],
  powerOff: ['running', 'paused'],
  pause: ['running'],
  unpause: ['paused'],
  suspend: ['running'],
  resume: ['saved'],
  reset: ['running'],
  migrate: ['running'],
} as const satisfies Record<string, readonly QemuState[]>;
type Operation = keyof typeof ACCEPTS;

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * One machine of the qemu driver: its record, the QEMU process running it,
 * and the operations on it. The record on disk is the truth between Levante
 * runs; QMP events and the process's exit keep it current while Levante runs.
 */
export class QemuMachine {
  readonly record: QemuRecord;
  readonly dir: string;
  readonly #context: MachineContext;
  #process: QemuProcess | null = null;
  #incoming: QemuProcess | null = null;
  #deadline: NodeJS.Timeout | null = null;
  #work: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(record: QemuRecord, context: MachineContext) {
    this.record = record;
    this.dir = context.store.dirOf(record.ref);
    this.#context = context;
  }

  get process(): QemuProcess | null {
    return this.#process;
  }

  /** The console log of the QEMU running the machine now (or last). */
  get consoleLog(): string {
    return incarnationFiles(this.dir, this.record.process?.incarnation ?? this.record.incarnation).consoleLog;
  }

  /** The qemu driver's settings, as they are now. */
  get settings() {
    return this.#context.settings().qemu;
  }

  // --- Persistence ---------------------------------------------------------------------------

  /** Changes the record and writes it; a detached machine (driver closed) writes nothing. */
  async update(patch: Partial<QemuRecord>): Promise<void> {
    if (this.#closed) return;
    if (patch.state && patch.state !== this.record.state) patch = { ...patch, changedAt: Date.now() };
    Object.assign(this.record, patch);
    if (this.record.state !== 'shutting-down') this.#clearDeadline();
    await this.#context.store.save(this.record);
  }

  /** Applies `patch` only if the machine is still `expected` (another operation may have overtaken it). */
  async finish(expected: QemuState, patch: Partial<QemuRecord>): Promise<void> {
    if (this.record.state === expected) await this.update(patch);
  }

  // --- Processes ------------------------------------------------------------------------------

  /** Starts a new QEMU incarnation of the machine (not yet its current process). */
  async launch(options: { incoming?: (files: IncarnationFiles) => string; startPaused?: boolean } = {}) {
    const incarnation = this.record.incarnation + 1;
    const files = incarnationFiles(this.dir, incarnation);
    for (const socket of [files.qmpSocket, files.migrationSocket]) {
      if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
        throw new ConnectorError(
          'InvalidRequest',
          `The qemu driver's socket path ${socket} is longer than ${MAX_SOCKET_PATH} bytes; use a shorter data directory.`,
        );
      }
    }
    await this.update({ incarnation });
    const settings = this.settings;
    const args = qemuArgs(this.record, this.dir, files, {
      accel: this.#context.accel(),
      machineType: settings.machineType,
      memoryMiB: settings.memoryMiB,
      tbSizeMiB: settings.tbSizeMiB,
      incoming: options.incoming?.(files) ?? null,
      startPaused: options.startPaused ?? false,
    });
    const started = await QemuProcess.spawn(settings.binary, args, files, incarnation);
    this.#watch(started);
    return started;
  }

  /** Makes `started` the machine's process. */
  async adopt(started: QemuProcess, patch: Partial<QemuRecord> = {}): Promise<void> {
    this.#process = started;
    if (this.#incoming === started) this.#incoming = null;
    await this.update({ process: { pid: started.pid, incarnation: started.incarnation }, ...patch });
    void this.#pruneFiles(started.incarnation);
  }

  /** The destination QEMU of a live migration under way. */
  setIncoming(started: QemuProcess | null): void {
    this.#incoming = started;
  }

  #watch(started: QemuProcess): void {
    started.qmp.onEvent((event) => {
      // With -no-shutdown, a guest that powers off leaves QEMU idle: quit it, the machine is off.
      if (event.event === 'SHUTDOWN' && event.data.guest === true && started === this.#process) {
        void this.guestPoweredOff(started);
      }
    });
    void started.exited.then(() => this.#exited(started));
  }

  /** The guest is off (QEMU idle in run state 'shutdown'): quit QEMU, the machine is then shut off. */
  async guestPoweredOff(started: QemuProcess): Promise<void> {
    if (['running', 'paused', 'building', 'booting', 'rebooting'].includes(this.record.state)) {
      await this.update({ state: 'shutting-down', deadline: null });
    }
    await started.quit();
  }

  async #exited(ended: QemuProcess): Promise<void> {
    if (ended.detached || this.#closed) return;
    if (ended === this.#incoming) this.#incoming = null;
    if (ended !== this.#process) return;
    this.#process = null;
    const state = this.record.state;
    if (state === 'shutting-down') {
      await this.update({ state: 'shutoff', process: null, deadline: null, error: null });
    } else if (['saving', 'restoring', 'migrating', 'destroying'].includes(state)) {
      // The routine under way sees the exit and decides.
      await this.update({ process: null });
    } else {
      const why = await stderrTail(ended.files.stderrLog);
      await this.update({
        state: 'crashed',
        process: null,
        error: `QEMU (pid ${ended.pid}) ended while the machine was ${state}: ${why}`,
      });
    }
  }

  /** Runs `routine` after the one under way; its failure is the routine's to record. */
  background(routine: () => Promise<void>): void {
    this.#work = this.#work.then(routine).catch(() => {});
  }

  // --- Status ---------------------------------------------------------------------------------

  async status(): Promise<DomainStatus> {
    await this.#checkReady();
    if (this.record.state === 'shutting-down' && this.#deadline === null) this.#armDeadline();
    const r = this.record;
    return {
      ref: r.ref,
      name: r.name,
      location: r.location,
      hostRef: r.hostRef,
      hypervisor: r.hypervisor,
      imageRef: r.imageRef,
      configurationRef: r.configurationRef,
      managedId: r.managedId,
      addresses: [],
      nativeState: r.state,
      state: mapQemuState(r.state),
      error: r.error,
    };
  }

  /** A (re)boot is done once the guest printed its ready marker once more than before it began. */
  async #checkReady(): Promise<void> {
    const state = this.record.state;
    if (state !== 'building' && state !== 'booting' && state !== 'rebooting') return;
    if (!this.#process?.alive) return;
    const marker = this.record.boot.readyMarker;
    if (marker === null || (await this.markers()) > this.record.markersBefore) {
      await this.finish(state, { state: 'running' });
    }
  }

  /** How often the ready marker appears in the current console log. */
  async markers(): Promise<number> {
    const marker = this.record.boot.readyMarker;
    if (marker === null) return 0;
    const text = await readFile(this.consoleLog, 'latin1').catch(() => '');
    return text.split(marker).length - 1;
  }

  // --- Operations -----------------------------------------------------------------------------

  require(operation: Operation): void {
    const accepted: readonly QemuState[] = ACCEPTS[operation];
    if (!accepted.includes(this.record.state)) {
      throw new ConnectorError(
        'InvalidRequest',
        `Machine "${this.record.name}" is ${this.record.state}; QEMU cannot ${operation} it now.`,
      );
    }
  }

  #qmp() {
    if (!this.#process?.alive) {
      throw new ConnectorError(
        'ProviderUnavailable',
        `The QEMU of machine "${this.record.name}" is not running.`,
      );
    }
    return this.#process.qmp;
  }

  /** Boots a new QEMU for a machine that is off (or being created). */
  async start(firstBoot = false): Promise<void> {
    if (!firstBoot) this.require('start');
    const before = this.record.state;
    await this.update({ state: firstBoot ? 'building' : 'booting', markersBefore: 0, error: null });
    try {
      await this.adopt(await this.launch());
    } catch (error) {
      await this.update({ state: before });
      throw error;
    }
    await this.#checkReady();
  }

  async powerOff(): Promise<void> {
    this.require('powerOff');
    const qmp = this.#qmp();
    // A paused guest cannot hear the power button.
    if (this.record.state === 'paused') await qmp.execute('cont');
    await this.update({ state: 'shutting-down', deadline: Date.now() + this.settings.powerOffTimeoutMs });
    this.#armDeadline();
    await qmp.execute('system_powerdown');
  }

  #armDeadline(): void {
    this.#clearDeadline();
    const wait = Math.max(0, (this.record.deadline ?? 0) - Date.now());
    this.#deadline = setTimeout(() => {
      this.#deadline = null;
      if (this.record.state === 'shutting-down') void this.#process?.quit();
    }, wait);
    this.#deadline.unref();
  }

  #clearDeadline(): void {
    if (this.#deadline) clearTimeout(this.#deadline);
    this.#deadline = null;
  }

  async pause(): Promise<void> {
    this.require('pause');
    await this.#qmp().execute('stop');
    await this.update({ state: 'paused' });
  }

  async unpause(): Promise<void> {
    this.require('unpause');
    await this.#qmp().execute('cont');
    await this.update({ state: 'running' });
  }

  /** Reboots the guest in the same QEMU (QEMU runs without -no-reboot, so a reset reboots). */
  async reset(): Promise<void> {
    this.require('reset');
    const qmp = this.#qmp();
    const markersBefore = await this.markers();
    if (this.record.boot.readyMarker !== null) await this.update({ state: 'rebooting', markersBefore });
    await qmp.execute('system_reset');
  }

  /** Saves memory to the machine's directory and ends QEMU; resume loads it into a new one. */
  async suspend(): Promise<void> {
    this.require('suspend');
    this.#qmp();
    const running = this.#process!;
    await this.update({ state: 'saving' });
    this.background(() => saveMemory(this, running));
  }

  async resume(): Promise<void> {
    this.require('resume');
    await this.update({ state: 'restoring', error: null });
    const memory = savedStateFile(this.dir);
    let started: QemuProcess;
    try {
      started = await this.launch({
        incoming: () => `exec:cat ${shellQuote(memory)}`,
        startPaused: true,
      });
    } catch (error) {
      await this.update({ state: 'saved' });
      throw error;
    }
    await this.adopt(started);
    this.background(() => finishRestore(this, started));
  }

  /** Moves the running guest to `host`: resolves once it runs there (see HypervisorDriver.migrate). */
  async migrate(host: HostTarget): Promise<void> {
    this.require('migrate');
    if (host.ref === this.record.hostRef) {
      throw new ConnectorError(
        'InvalidRequest',
        `Machine "${this.record.name}" already runs on ${host.ref}.`,
      );
    }
    const source = this.#process;
    if (!source?.alive)
      throw new ConnectorError('ProviderUnavailable', 'The machine has no QEMU to migrate.');
    await this.update({ state: 'migrating' });
    let done!: () => void;
    const migrated = new Promise<void>((resolve) => {
      done = resolve;
    });
    let failure: unknown = null;
    this.background(async () => {
      try {
        await liveMigrate(this, source, host);
      } catch (error) {
        failure = error;
      } finally {
        done();
      }
    });
    await migrated;
    if (failure)
      throw QemuMachine.failure(`Machine "${this.record.name}" could not migrate to ${host.ref}`, failure);
  }

  /** Ends QEMU (a quit, then SIGKILL) and removes every file but the record, which stays as a tombstone. */
  async destroy(): Promise<void> {
    if (this.record.state === 'destroyed') return;
    await this.update({ state: 'destroying' });
    const processes = [this.#process, this.#incoming];
    this.#work = Promise.resolve();
    this.background(async () => {
      await Promise.all(processes.map((p) => p?.quit(2_000)));
      await this.removeFiles();
      await this.update({ state: 'destroyed', process: null, incoming: null, deadline: null, disk: false });
    });
  }

  async removeFiles(keepRecord = true): Promise<void> {
    const names = await readdir(this.dir).catch(() => []);
    await Promise.all(
      names
        .filter((name) => !keepRecord || !name.startsWith(RECORD_FILE))
        .map((name) => rm(join(this.dir, name), { force: true, recursive: true })),
    );
  }

  /** Drops the files of incarnations before the previous one. */
  async #pruneFiles(current: number): Promise<void> {
    const names = await readdir(this.dir).catch(() => []);
    const old = names.filter((name) => {
      const match = /^(?:qmp|console|stderr|migrate)-(\d+)\./.exec(name);
      return match && Number(match[1]) < current - 1;
    });
    await Promise.all(old.map((name) => rm(join(this.dir, name), { force: true })));
  }

  // --- Restart of Levante ---------------------------------------------------------------------

  /** Takes the processes found running again after a restart of Levante as the machine's own. */
  adoptFound(current: QemuProcess | null, incoming: QemuProcess | null): void {
    for (const found of [current, incoming]) if (found) this.#watch(found);
    this.#process = current;
    this.#incoming = incoming;
  }

  /** Lets go of the machine's processes (they run on) once the work under way is done or 5 s passed. */
  async detach(): Promise<void> {
    await Promise.race([this.#work, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    this.#closed = true;
    this.#clearDeadline();
    this.#process?.detach();
    this.#incoming?.detach();
  }

  /** The machine's failure as a ConnectorError, for callers waiting on it. */
  static failure(message: string, cause: unknown): ConnectorError {
    if (cause instanceof ConnectorError) return cause;
    const gone = cause instanceof QmpClosedError ? 'QEMU ended' : reason(cause);
    return new ConnectorError('ProviderUnavailable', `${message}: ${gone}.`, { cause });
  }
}
