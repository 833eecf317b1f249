import { type Executor, providerInService, providerProjects, providers } from '@levante/db';
import { and, eq, exists, or, type SQL } from 'drizzle-orm';

/** The predicate "this provider is in service and may be used by project `projectId`". */
export function providerUsableBy(db: Executor, projectId: string): SQL {
  return and(
    providerInService,
    or(
      eq(providers.visibility, 'all'),
      exists(
        db
          .select({ one: providerProjects.providerId })
          .from(providerProjects)
          .where(
            and(eq(providerProjects.providerId, providers.id), eq(providerProjects.projectId, projectId)),
          ),
      ),
    ),
  )!;
}
