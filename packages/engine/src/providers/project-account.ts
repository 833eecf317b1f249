import { type Executor, projectAccounts, providerAccounts, providers } from '@levante/db';
import { and, eq } from 'drizzle-orm';
import type { VisibleAccount } from './provider.queries.ts';

/** The account with its provider when the project may use it (its own or shared with it), else undefined. */
export async function projectAccount(
  tx: Executor,
  projectId: string,
  accountId: string,
): Promise<VisibleAccount | undefined> {
  const [row] = await tx
    .select({ account: providerAccounts, provider: providers })
    .from(projectAccounts)
    .innerJoin(providerAccounts, eq(providerAccounts.id, projectAccounts.accountId))
    .innerJoin(providers, eq(providers.id, providerAccounts.providerId))
    .where(and(eq(projectAccounts.projectId, projectId), eq(projectAccounts.accountId, accountId)));
  return row;
}
