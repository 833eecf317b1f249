import { ConnectorError, type MachineInfo } from '@levante/connector-api';
import { machines } from '@levante/db';
import { holdsResources, type MachineState } from '@levante/domain';
import { eq } from 'drizzle-orm';
import type { HostIndexCache } from '../hosts/host-index-cache.ts';
import { releaseHost } from '../hosts/host-placement.ts';
import { type JobContext, type JobHandler, LeaseLostError } from '../jobs/job-context.ts';
import { providerError } from '../providers/provider-errors.ts';
import { jobMachine } from './job-machine.ts';
import { isPermanent } from './machine-convergence.ts';
import { MACHINE_MIGRATION_FAILED, MACHINE_MOVED } from './machine-migration.commands.ts';
import { machineSummary } from './machine-view.ts';

/** What the migrate command decided and reserved: the target host and the capacity held there. */
export type MigrationPayload = {
  readonly hostId: string;
  /** The host's name, which is its ref at the provider. */
  readonly hostName: string;
  /** Where the machine ran when the migration was asked for. */
  readonly fromHostId: string | null;
  readonly fromHostName: string | null;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly diskGiB: number;
};

type Ending =
  | { readonly moved: true; readonly info: MachineInfo | null }
  | { readonly moved: false; readonly reason: string; readonly cancelled?: boolean };

/**
 * Asks the provider to move the machine while it runs, then records where it
 * runs in one transaction: the old host's capacity goes back and the machine
 * is on the new host, or (the provider refused, or the machine no longer
 * runs) the reservation on the new host goes back and the machine stays.
 */
export function migrateMachineJob(hostIndexes: HostIndexCache): JobHandler {
  const endMigration = (context: JobContext, ending: Ending, options?: { jobAlreadyFailed?: boolean }) =>
    recordMigrationEnd(context, ending, options).finally(() => hostIndexes.invalidate());
  return {
    async run(context) {
      const payload = context.job.payload as MigrationPayload;
      const row = await jobMachine(context);
      const ref = row?.machine.providerRef
        ? { ref: row.machine.providerRef, location: row.location.ref }
        : null;
      const connector = row ? await context.pool.forAccount(row.machine.accountId) : null;
      // Re-check before acting: the machine must still run on the host it ran on when asked.
      const unfit = !row || !ref || !connector ? 'no longer exists' : unfitFor(row.machine, payload);
      try {
        if (unfit) {
          // Unless an attempt that died after the provider had moved it left it there.
          const info = context.job.attempts > 1 && ref ? await connector!.getMachine(ref) : null;
          if (info?.hostRef === payload.hostName) return await endMigration(context, { moved: true, info });
          const name = row?.machine.name ?? 'the machine';
          return await endMigration(context, {
            moved: false,
            cancelled: true,
            reason: `The migration did not start: ${name} ${unfit}.`,
          });
        }
        if (!connector!.migrateMachine) {
          throw new ConnectorError('NotSupported', 'This connection cannot migrate machines.');
        }
        if (!(await context.renew(10))) throw new LeaseLostError();
        const before = await connector!.getMachine(ref!, { signal: context.signal });
        if (!before) throw new ConnectorError('NotFound', 'The provider no longer knows this machine.');
        // An attempt that died after the provider had moved it: nothing left to ask.
        const info =
          before.hostRef === payload.hostName
            ? before
            : await whileRenewing(context, () =>
                connector!.migrateMachine!(ref!, payload.hostName, { signal: context.signal }),
              );
        await endMigration(context, { moved: true, info });
      } catch (error) {
        if (!isPermanent(error)) throw error;
        await endMigration(context, {
          moved: false,
          reason: providerError(row!.provider.name, error).message,
        });
      }
    },

    giveUp: (context, reason) => endMigration(context, { moved: false, reason }, { jobAlreadyFailed: true }),
  };
}

/** Why the machine cannot move now, or null when it can. */
function unfitFor(
  machine: { state: string; hostId: string | null },
  payload: MigrationPayload,
): string | null {
  if (machine.state !== 'STARTED') return `is ${machine.state}, not STARTED`;
  if (machine.hostId !== payload.fromHostId) return 'has moved to another host meanwhile';
  return null;
}

/** Runs the provider call, renewing the lease as often as MachineConvergence.waitFor polls. */
async function whileRenewing<T>(context: JobContext, work: () => Promise<T>): Promise<T> {
  let lost = false;
  const timer = setInterval(
    () => {
      context.renew(50).then(
        (renewed) => {
          lost ||= !renewed;
        },
        () => {},
      );
    },
    Math.max(10, context.polling.maxMs),
  );
  try {
    const result = await work();
    // Another worker owns the job now; it finds the machine where this call left it.
    if (lost) throw new LeaseLostError();
    return result;
  } finally {
    clearInterval(timer);
  }
}

/**
 * Finishes the job and settles capacity in one transaction. Moved: the old
 * host gives its capacity back (or, when the machine stopped holding any
 * meanwhile, the reservation does) and the machine is on the new host. Not
 * moved: the reservation on the new host goes back; the machine stays.
 */
async function recordMigrationEnd(
  context: JobContext,
  ending: Ending,
  { jobAlreadyFailed = false } = {},
): Promise<void> {
  const payload = context.job.payload as MigrationPayload;
  const reserved = {
    hostId: payload.hostId,
    vcpus: payload.vcpus,
    memoryMiB: payload.memoryMiB,
    diskGiB: payload.diskGiB,
  };
  await context.uow.run(async (tx, record) => {
    if (!jobAlreadyFailed) {
      const finished = await context.queue.finish(
        tx,
        context.job.id,
        context.owner,
        ending.moved
          ? { state: 'succeeded' }
          : { state: ending.cancelled ? 'cancelled' : 'failed', error: ending.reason },
      );
      if (!finished) throw new LeaseLostError();
    }
    const [current] = await tx
      .select()
      .from(machines)
      .where(eq(machines.id, context.job.machineId!))
      .for('update');
    if (!current) return releaseHost(tx, reserved);
    const event = {
      actor: null,
      projectId: current.projectId,
      subjectType: 'Machine',
      subjectId: current.id,
    } as const;

    if (!ending.moved) {
      await releaseHost(tx, reserved);
      await record({
        ...event,
        type: MACHINE_MIGRATION_FAILED,
        summary: `Machine ${current.name} did not move to host ${payload.hostName}: ${ending.reason}`,
        before: { hostId: current.hostId },
        after: { ...machineSummary(current), jobId: context.job.id, targetHostId: payload.hostId },
      });
      return;
    }
    // A machine deleted or failed meanwhile gave its old host back already: the reservation goes too.
    if (holdsResources(current.state as MachineState)) await releaseHost(tx, current);
    else await releaseHost(tx, reserved);
    const [moved] = await tx
      .update(machines)
      .set({
        hostId: payload.hostId,
        addresses: ending.info ? [...ending.info.addresses] : current.addresses,
        updatedAt: new Date(),
      })
      .where(eq(machines.id, current.id))
      .returning();
    await record({
      ...event,
      type: MACHINE_MOVED,
      summary: `Machine ${current.name} moved from host ${payload.fromHostName ?? '(none)'} to host ${payload.hostName} while it ran.`,
      before: { hostId: current.hostId },
      after: { ...machineSummary(moved!), jobId: context.job.id, fromHostId: current.hostId },
    });
  });
}
