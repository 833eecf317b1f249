import type { Hypervisor } from '@levante/connector-api';
import {
  type Database,
  type HostRow,
  hosts,
  type LocationRow,
  locations,
  type MachineConfigurationRow,
  type MachineImageRow,
  type MachineRow,
  machineConfigurations,
  machineImages,
  machines,
  type ProviderRow,
  providers,
} from '@levante/db';
import { eq, sql } from 'drizzle-orm';
import { type Batcher, batchedLookup } from '../batching/batcher.ts';
import type { JobContext, JobHandler } from '../jobs/job-context.ts';
import { isPermanent, type MachineConvergence } from './machine-convergence.ts';

/**
 * Creates the machine at the provider, then waits until it runs. The machine's
 * id is the idempotency key: a worker that takes the job over after a crash
 * gets the same machine back, never a second one.
 */
export function createMachineJob(db: Database, convergence: MachineConvergence): JobHandler {
  // Jobs that start together read their machines in one statement, prepared once.
  const subjectsById = db
    .select({
      machine: machines,
      location: locations,
      provider: providers,
      image: machineImages,
      configuration: machineConfigurations,
      host: hosts,
    })
    .from(machines)
    .innerJoin(locations, eq(locations.id, machines.locationId))
    .innerJoin(providers, eq(providers.id, machines.providerId))
    .leftJoin(machineImages, eq(machineImages.id, machines.imageId))
    .leftJoin(machineConfigurations, eq(machineConfigurations.id, machines.configurationId))
    .leftJoin(hosts, eq(hosts.id, machines.hostId))
    .where(sql`${machines.id} = any(${sql.placeholder('ids')})`)
    .prepare('levante_create_subjects');
  const subjects = batchedLookup(
    (ids: string[]) => subjectsById.execute({ ids }),
    (row) => row.machine.id,
  );
  return {
    run: (context) => run(context, convergence, subjects),
    giveUp: convergence.leaveInError,
    // Before any attempt, the provider has no such machine: it is as if it had never been asked for.
    cancel: (context) => convergence.restore(context, 'DELETED'),
  };
}

interface Subject {
  readonly machine: MachineRow;
  readonly location: LocationRow;
  readonly provider: ProviderRow;
  readonly image: MachineImageRow | null;
  readonly configuration: MachineConfigurationRow | null;
  readonly host: HostRow | null;
}

async function run(
  context: JobContext,
  convergence: MachineConvergence,
  subjects: Batcher<string, Subject | undefined>,
): Promise<void> {
  const row = await subjects.submit(context.job.machineId!);
  // Re-check before acting: the machine may have been deleted or settled meanwhile.
  if (row?.machine.state !== 'CREATING') {
    await finishQuietly(context);
    return;
  }
  const { machine, location, provider, image, configuration, host } = row!;
  if (!image || !configuration) {
    await convergence.settle(context, machine.id, {
      state: 'ERROR',
      error: 'Its image or configuration is no longer offered by the provider.',
      info: null,
    });
    return;
  }
  const connector = await context.pool.forAccount(machine.accountId);
  let ref = machine.providerRef;
  try {
    if (!ref) {
      const info = await connector.createMachine(
        {
          machineId: machine.id,
          name: machine.name,
          location: location.ref,
          imageRef: image.ref,
          configurationRef: configuration.ref,
          host: host ? { ref: host.name, hypervisor: host.hypervisor as Hypervisor } : null,
          userData: typeof context.job.payload.userData === 'string' ? context.job.payload.userData : null,
        },
        { idempotencyKey: machine.id, signal: context.signal },
      );
      ref = info.ref;
    }
    const providerRef = ref;
    const learnt = machine.providerRef ? null : providerRef;
    const outcome = await convergence.waitFor(
      context,
      connector,
      { ...machine, providerRef },
      { ref: providerRef, location: location.ref },
      'STARTED',
      // Before waiting, store the provider's id: whatever happens next, Levante knows this machine.
      // (Should the worker die before, the next one gets the same machine back by the idempotency key.)
      async () => {
        if (!learnt) return;
        await context.db.update(machines).set({ providerRef: learnt }).where(eq(machines.id, machine.id));
      },
    );
    await convergence.settle(context, machine.id, outcome, learnt);
  } catch (error) {
    if (!isPermanent(error)) throw error;
    await convergence.fail(context, machine.id, provider.name, error);
  }
}

export async function finishQuietly(context: JobContext): Promise<void> {
  await context.uow.run((tx) =>
    context.queue.finish(tx, context.job.id, context.owner, { state: 'cancelled' }),
  );
}
