import type { Hypervisor } from '@levante/connector-api';
import { hosts, locations, machineConfigurations, machineImages, machines, providers } from '@levante/db';
import { eq } from 'drizzle-orm';
import type { JobContext, JobHandler } from '../jobs/job-context.ts';
import {
  failMachine,
  isPermanent,
  leaveInError,
  settleMachine,
  waitForMachine,
} from './machine-convergence.ts';

/**
 * Creates the machine at the provider, then waits until it runs. The machine's
 * id is the idempotency key: a worker that takes the job over after a crash
 * gets the same machine back, never a second one.
 */
export const createMachineJob: JobHandler = {
  async run(context) {
    const [row] = await context.db
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
      .where(eq(machines.id, context.job.machineId!));
    // Re-check before acting: the machine may have been deleted or settled meanwhile.
    if (row?.machine.state !== 'CREATING') {
      await finishQuietly(context);
      return;
    }
    const { machine, location, provider, image, configuration, host } = row!;
    if (!image || !configuration) {
      await settleMachine(context, machine.id, {
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
        // Remember the provider's id at once: whatever happens next, Levante knows this machine.
        await context.db.update(machines).set({ providerRef: ref }).where(eq(machines.id, machine.id));
        await context.renew(30);
      }
      const outcome = await waitForMachine(
        context,
        connector,
        { ...machine, providerRef: ref },
        { ref, location: location.ref },
        'STARTED',
      );
      await settleMachine(context, machine.id, outcome);
    } catch (error) {
      if (!isPermanent(error)) throw error;
      await failMachine(context, machine.id, provider.name, error);
    }
  },

  giveUp: leaveInError,
};

export async function finishQuietly(context: JobContext): Promise<void> {
  await context.uow.run((tx) =>
    context.queue.finish(tx, context.job.id, context.owner, { state: 'cancelled' }),
  );
}
