import { ConnectorError } from '@levante/connector-api';
import type { JobHandler } from '../jobs/job-context.ts';
import { finishQuietly } from './create-machine.job.ts';
import { jobMachine } from './job-machine.ts';
import { isPermanent } from './machine-convergence.ts';

export const MARK_MANAGED_JOB = 'machine.mark_managed';

/**
 * Tags an adopted machine at its provider with its Levante id, as Levante
 * tags the machines it creates, so that the provider's own view (and another
 * installation's unmanaged listing) tells it is managed. Run by a worker: the
 * provider call stays out of the adoption's transaction, is retried while the
 * provider is unavailable, and on Levante's own site is made by the process
 * that keeps the site's state. A provider that cannot tag leaves it untagged;
 * Levante knows the machine by its reference either way.
 */
export function markManagedJob(): JobHandler {
  return {
    async run(context) {
      const row = await jobMachine(context);
      const live = row && row.machine.state !== 'DELETED' && row.machine.providerRef && row.machine.accountId;
      if (!live) return finishQuietly(context);
      const connector = await context.pool.forAccount(row.machine.accountId);
      const ref = { ref: row.machine.providerRef!, location: row.location.ref };
      let outcome: { state: 'succeeded' | 'failed'; error?: string } = { state: 'succeeded' };
      try {
        await connector.markManaged?.(ref, row.machine.id, { signal: context.signal });
      } catch (error) {
        const cannotTag = error instanceof ConnectorError && error.kind === 'NotSupported';
        if (!cannotTag) {
          if (!isPermanent(error)) throw error;
          outcome = { state: 'failed', error: `${row.provider.name}: ${error.message}` };
        }
      }
      await context.uow.run(async (tx) => {
        await context.queue.finish(tx, context.job.id, context.owner, outcome);
      });
    },
    // Nothing to undo: the machine stays adopted, untagged.
    async giveUp() {},
  };
}
