import { MACHINE_TRANSITIONS, type MachineAction } from '@levante/domain';
import type { JobHandler } from '../jobs/job-context.ts';
import { finishQuietly } from './create-machine.job.ts';
import { jobMachine } from './job-machine.ts';
import { isPermanent, type MachineConvergence } from './machine-convergence.ts';

/** Sends one lifecycle action to the provider and waits for the state it leads to. */
export const machineActionJob = (convergence: MachineConvergence): JobHandler => ({
  async run(context) {
    const action = context.job.payload.action as MachineAction;
    const transition = MACHINE_TRANSITIONS[action];
    const row = await jobMachine(context);
    // Re-check: the command left the machine in the action's transitional state.
    if (row?.machine.state !== transition.during) {
      await finishQuietly(context);
      return;
    }
    const { machine, location, provider } = row!;
    if (!machine.providerRef) {
      // Never reached the provider (it failed while being created): nothing to do there.
      const state = action === 'delete' ? 'DELETED' : 'ERROR';
      await convergence.settle(context, machine.id, {
        state,
        error: state === 'ERROR' ? 'The provider never created this machine.' : null,
        info: null,
      });
      return;
    }
    const ref = { ref: machine.providerRef, location: location.ref };
    const connector = await context.pool.forAccount(machine.accountId);
    try {
      await connector.act(ref, action, { signal: context.signal });
      await convergence.settle(
        context,
        machine.id,
        await convergence.waitFor(context, connector, machine, ref, transition.to),
      );
    } catch (error) {
      if (!isPermanent(error)) throw error;
      if (action === 'delete' && (error as { kind?: string }).kind === 'NotFound') {
        await convergence.settle(context, machine.id, { state: 'DELETED', error: null, info: null });
        return;
      }
      await convergence.fail(context, machine.id, provider.name, error);
    }
  },

  giveUp: convergence.leaveInError,

  // Before any attempt, the provider was never asked: the machine is as it was.
  async cancel(context, reason) {
    const { action, from } = context.job.payload;
    // The state the action was asked from (its payload says), one the state table allows it from.
    const before = MACHINE_TRANSITIONS[action as MachineAction]?.from.find((state) => state === from);
    await (before ? convergence.restore(context, before) : convergence.leaveInError(context, reason));
  },
});
