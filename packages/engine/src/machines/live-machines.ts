import { type Executor, liveMachine, machines } from '@levante/db';
import { and, count, eq } from 'drizzle-orm';

/** How many machines not yet DELETED an account, a project, a host, a placement group, or an account within a project has. */
export async function liveMachines(
  tx: Executor,
  of: {
    readonly accountId?: string | null;
    readonly projectId?: string | null;
    readonly hostId?: string | null;
    readonly placementGroupId?: string | null;
  },
): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(machines)
    .where(
      and(
        liveMachine,
        of.accountId ? eq(machines.accountId, of.accountId) : undefined,
        of.projectId ? eq(machines.projectId, of.projectId) : undefined,
        of.hostId ? eq(machines.hostId, of.hostId) : undefined,
        of.placementGroupId ? eq(machines.placementGroupId, of.placementGroupId) : undefined,
      ),
    );
  return row?.n ?? 0;
}
