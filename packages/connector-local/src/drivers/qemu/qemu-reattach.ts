import { incarnationFiles } from './qemu-command-line.ts';
import type { QemuMachine } from './qemu-machine.ts';
import { QemuProcess } from './qemu-process.ts';
import type { ProcessRef } from './qemu-record.ts';
import { cancelSave, finishRestore } from './qemu-transfers.ts';
import { runState } from './qmp-client.ts';

/**
 * After a restart of Levante: attaches to the machine's QEMU processes again
 * (by PID and QMP socket) and finishes what was under way when Levante stopped.
 */
export async function reattach(machine: QemuMachine): Promise<void> {
  const r = machine.record;
  const attach = (p: ProcessRef | null) =>
    p ? QemuProcess.attach(p.pid, p.incarnation, incarnationFiles(machine.dir, p.incarnation)) : null;
  const [current, incoming] = await Promise.all([attach(r.process), attach(r.incoming)]);
  machine.adoptFound(current, incoming);
  if (r.state === 'destroying') return machine.destroy();
  if (r.state === 'migrating') return recoverMigration(machine, current, incoming);
  if (r.state === 'saving') return cancelSave(machine, current);
  if (r.state === 'restoring' && current) return machine.background(() => finishRestore(machine, current));
  if (!current) {
    const lost = `QEMU (pid ${r.process?.pid ?? '?'}) ended while Levante was not watching it.`;
    if (r.state === 'shutting-down') await machine.update({ state: 'shutoff', process: null });
    else await machine.update({ state: 'crashed', process: null, error: lost });
    return;
  }
  const run = await runState(current.qmp).catch(() => 'unknown');
  // With -no-shutdown, a guest that powered off meanwhile left QEMU idle.
  if (run === 'shutdown') return machine.guestPoweredOff(current);
  if (r.state === 'running' && run === 'paused') await machine.update({ state: 'paused' });
  if (r.state === 'paused' && run === 'running') await machine.update({ state: 'running' });
}

/** A migration ends on the destination if it runs there; otherwise the guest stays on its source. */
async function recoverMigration(
  machine: QemuMachine,
  source: QemuProcess | null,
  destination: QemuProcess | null,
): Promise<void> {
  const arrived = destination ? await runState(destination.qmp).catch(() => 'unknown') : 'none';
  if (destination && arrived === 'running') {
    const { hostRef, hypervisor } = machine.record.incoming ?? machine.record;
    await machine.adopt(destination, { state: 'running', hostRef, hypervisor, incoming: null });
    await source?.quit();
    return;
  }
  await destination?.kill();
  if (!source) {
    await machine.update({ state: 'crashed', incoming: null, error: 'QEMU ended during a live migration.' });
    return;
  }
  await source.qmp.execute('cont').catch(() => {});
  await machine.update({ state: 'running', incoming: null });
}
