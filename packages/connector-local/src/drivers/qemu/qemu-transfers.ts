import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HostTarget } from '../hypervisor-driver.ts';
import { savedStateFile, shellQuote } from './qemu-command-line.ts';
import type { QemuMachine } from './qemu-machine.ts';
import { type QemuProcess, stderrTail } from './qemu-process.ts';
import { migrationStatus, type QmpClient, runState } from './qmp-client.ts';

/**
 * Moving a guest's memory out of its QEMU: to a file (suspend), from a file
 * (resume), or to another QEMU (live migration). All three are QEMU
 * migrations, driven over QMP.
 */

/** QEMU's default migration bandwidth is 32 MiB/s; on one machine the limit only slows things down. */
const MAX_BANDWIDTH = 10 * 1024 ** 3;

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Polls `query-migrate` until the migration completed; throws when it failed or took too long. */
async function awaitMigration(qmp: QmpClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, error } = await migrationStatus(qmp);
    if (status === 'completed') return;
    if (status === 'failed' || status === 'cancelled') throw new Error(`the migration ${status}: ${error}`);
    if (Date.now() > deadline) throw new Error(`the migration took longer than ${timeoutMs} ms`);
    await sleep(50);
  }
}

async function startMigration(qmp: QmpClient, uri: string): Promise<void> {
  await qmp.execute('migrate-set-parameters', { 'max-bandwidth': MAX_BANDWIDTH });
  await qmp.execute('migrate', { uri });
}

/** Suspend: stops the vCPUs, writes memory and device state to memory.state, and ends QEMU. */
export async function saveMemory(machine: QemuMachine, running: QemuProcess): Promise<void> {
  const memory = savedStateFile(machine.dir);
  const partial = `${memory}.partial`;
  const timeoutMs = machine.settings.transferTimeoutMs;
  try {
    await rm(partial, { force: true });
    await running.qmp.execute('stop');
    await startMigration(running.qmp, `exec:cat > ${shellQuote(partial)}`);
    await awaitMigration(running.qmp, timeoutMs);
    await rename(partial, memory);
    await running.quit();
    await machine.finish('saving', { state: 'saved', process: null });
  } catch (error) {
    await cancelSave(machine, running.alive ? running : null, error);
  }
}

/**
 * Ends a suspend that failed or that Levante stopped watching: saved when the
 * memory was written completely, running again when QEMU still runs, crashed otherwise.
 */
export async function cancelSave(machine: QemuMachine, running: QemuProcess | null, cause?: unknown) {
  if (machine.record.state !== 'saving') return;
  const memory = savedStateFile(machine.dir);
  if (existsSync(memory)) {
    await running?.kill();
    await machine.finish('saving', { state: 'saved', process: null });
  } else if (running) {
    await running.qmp.execute('migrate_cancel').catch(() => {});
    await running.qmp.execute('cont').catch(() => {});
    await machine.finish('saving', { state: 'running' });
  } else {
    const why = cause === undefined ? 'Levante was not watching' : reason(cause);
    await machine.finish('saving', {
      state: 'crashed',
      process: null,
      error: `QEMU ended while it saved the machine's memory (${why}).`,
    });
  }
}

/** Resume: waits until the new QEMU (-S -incoming exec:cat memory.state) has loaded the memory, then runs it. */
export async function finishRestore(machine: QemuMachine, started: QemuProcess): Promise<void> {
  const deadline = Date.now() + machine.settings.transferTimeoutMs;
  try {
    for (;;) {
      const run = await runState(started.qmp);
      if (run === 'running') break;
      if (run !== 'inmigrate' && (await migrationStatus(started.qmp)).status === 'completed') {
        await started.qmp.execute('cont');
        continue;
      }
      if (Date.now() > deadline) throw new Error('loading the memory took too long');
      await sleep(50);
    }
    await rm(savedStateFile(machine.dir), { force: true });
    await machine.finish('restoring', { state: 'running' });
  } catch (error) {
    if (machine.record.state !== 'restoring') return;
    await started.kill();
    const said = await stderrTail(started.files.stderrLog);
    await machine.finish('restoring', {
      state: 'crashed',
      process: null,
      error: `QEMU could not load the machine's saved memory: ${reason(error)} (${said}).`,
    });
  }
}

async function awaitRunning(qmp: QmpClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let run = await runState(qmp); run !== 'running'; run = await runState(qmp)) {
    if (Date.now() > deadline) throw new Error(`the destination is ${run}, not running`);
    await sleep(20);
  }
}

/**
 * Live migration: a second QEMU listens on `migrate-<n>.sock`, the source
 * sends the running guest there, and once the destination runs the source
 * quits. On failure the destination goes and the guest runs on where it was.
 */
export async function liveMigrate(
  machine: QemuMachine,
  source: QemuProcess,
  host: HostTarget,
): Promise<void> {
  let destination: QemuProcess | null = null;
  try {
    destination = await machine.launch({ incoming: (files) => `unix:${files.migrationSocket}` });
    machine.setIncoming(destination);
    await machine.update({
      incoming: {
        pid: destination.pid,
        incarnation: destination.incarnation,
        hostRef: host.ref,
        hypervisor: host.hypervisor,
      },
    });
    await startMigration(source.qmp, `unix:${destination.files.migrationSocket}`);
    await awaitMigration(source.qmp, machine.settings.transferTimeoutMs);
    await awaitRunning(destination.qmp, 10_000);
    await machine.adopt(destination, {
      state: 'running',
      hostRef: host.ref,
      hypervisor: host.hypervisor,
      incoming: null,
    });
    await source.quit();
  } catch (error) {
    await destination?.kill();
    machine.setIncoming(null);
    if (source.alive) {
      await source.qmp.execute('migrate_cancel').catch(() => {});
      if ((await runState(source.qmp).catch(() => 'unknown')) !== 'running') {
        await source.qmp.execute('cont').catch(() => {});
      }
      await machine.finish('migrating', { state: 'running', incoming: null });
    } else {
      await machine.finish('migrating', {
        state: 'crashed',
        process: null,
        incoming: null,
        error: `QEMU ended during a live migration to ${host.ref}: ${reason(error)}`,
      });
    }
    throw error;
  }
}
