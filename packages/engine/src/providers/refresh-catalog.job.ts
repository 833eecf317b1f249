import { type ProviderAccountRow, providerAccounts, providers } from '@levante/db';
import { eq } from 'drizzle-orm';
import type { JobContext, JobHandler } from '../jobs/job-context.ts';
import { finishQuietly } from '../machines/create-machine.job.ts';
import { isPermanent } from '../machines/machine-convergence.ts';
import { readCatalog, storeCatalog } from './catalog-sync.ts';

export const REFRESH_CATALOG_JOB = 'account.refresh_catalog';

export interface RefreshCatalogPayload {
  readonly accountId: string;
}

/**
 * Reads an account's catalog again after its provider's endpoint or settings
 * changed, with a connection opened for the new ones (one made before the
 * change may still sit in this process's pool). A provider that refuses for
 * good (bad credentials under the new settings, say) fails the job at once,
 * with an event on the account saying why; a passing failure is retried.
 */
export function refreshCatalogJob(): JobHandler {
  return {
    async run(context) {
      const { accountId } = context.job.payload as unknown as RefreshCatalogPayload;
      const subject = await accountOf(context, accountId);
      // The account was deleted meanwhile: nothing to read.
      if (!subject) return finishQuietly(context);
      const { account, providerName } = subject;
      await context.pool.forget(accountId);
      let catalog: Awaited<ReturnType<typeof readCatalog>>;
      try {
        catalog = await readCatalog(await context.pool.forAccount(accountId), context.signal);
      } catch (error) {
        if (!isPermanent(error)) throw error;
        await recordFailure(context, account, providerName, `${providerName}: ${error.message}`);
        return;
      }
      await context.uow.run(async (tx, record) => {
        await storeCatalog(tx, account.providerId, accountId, catalog);
        await context.queue.finish(tx, context.job.id, context.owner, { state: 'succeeded' });
        await record({
          type: 'account.catalog_refreshed',
          actor: null,
          projectId: account.ownerProjectId,
          subjectType: 'ProviderAccount',
          subjectId: accountId,
          summary: `The catalog of "${account.name}" was read again after ${providerName} changed: ${catalog.images.length} images, ${catalog.configurations.length} configurations.`,
        });
      });
    },
    async giveUp(context, reason) {
      const { accountId } = context.job.payload as unknown as RefreshCatalogPayload;
      const subject = await accountOf(context, accountId);
      if (subject) await recordFailure(context, subject.account, subject.providerName, reason, false);
    },
  };
}

async function accountOf(
  context: JobContext,
  accountId: string,
): Promise<{ account: ProviderAccountRow; providerName: string } | null> {
  const [row] = await context.db
    .select({ account: providerAccounts, providerName: providers.name })
    .from(providerAccounts)
    .innerJoin(providers, eq(providers.id, providerAccounts.providerId))
    .where(eq(providerAccounts.id, accountId));
  return row ?? null;
}

/** The account keeps its catalog as it was; its project's activity says why it was not read. */
async function recordFailure(
  context: JobContext,
  account: ProviderAccountRow,
  providerName: string,
  reason: string,
  finishJob = true,
): Promise<void> {
  await context.uow.run(async (tx, record) => {
    if (finishJob) {
      await context.queue.finish(tx, context.job.id, context.owner, { state: 'failed', error: reason });
    }
    await record({
      type: 'account.catalog_refresh_failed',
      actor: null,
      projectId: account.ownerProjectId,
      subjectType: 'ProviderAccount',
      subjectId: account.id,
      summary: `The catalog of "${account.name}" could not be read again after ${providerName} changed: ${reason}`,
    });
  });
}
