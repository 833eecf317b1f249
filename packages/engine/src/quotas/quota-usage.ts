import { type Executor, machines, quotas } from '@levante/db';
import { LevanteError } from '@levante/domain';
import { and, eq, notInArray, sql } from 'drizzle-orm';

export interface Usage {
  readonly machines: number;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly storageGiB: number;
}

export interface Limits {
  readonly machines: number | null;
  readonly vcpus: number | null;
  readonly memoryMiB: number | null;
  readonly storageGiB: number | null;
}

export const NO_LIMITS: Limits = { machines: null, vcpus: null, memoryMiB: null, storageGiB: null };

/** What a project's machines hold now (a deleted or failed machine holds nothing). */
export async function projectUsage(tx: Executor, projectId: string): Promise<Usage> {
  const [row] = await tx
    .select({
      machines: sql<number>`count(*)::int`,
      vcpus: sql<number>`coalesce(sum(${machines.vcpus}), 0)::int`,
      memoryMiB: sql<number>`coalesce(sum(${machines.memoryMiB}), 0)::int`,
      storageGiB: sql<number>`coalesce(sum(${machines.diskGiB}), 0)::int`,
    })
    .from(machines)
    .where(and(eq(machines.projectId, projectId), notInArray(machines.state, ['DELETED', 'ERROR'])));
  return row ?? { machines: 0, vcpus: 0, memoryMiB: 0, storageGiB: 0 };
}

export function hasLimits(limits: Limits): boolean {
  return Object.values(limits).some((limit) => limit !== null);
}

export async function projectLimits(tx: Executor, projectId: string): Promise<Limits> {
  const [row] = await limitsQuery(tx, projectId);
  return row ?? NO_LIMITS;
}

/**
 * The project's limits, its quota row locked until the transaction ends:
 * creates in a project with a quota queue on that row, so each counts the
 * usage the ones before it committed.
 */
export async function lockedProjectLimits(tx: Executor, projectId: string): Promise<Limits> {
  const [row] = await limitsQuery(tx, projectId).for('update');
  return row ?? NO_LIMITS;
}

function limitsQuery(tx: Executor, projectId: string) {
  return tx
    .select({
      machines: quotas.machines,
      vcpus: quotas.vcpus,
      memoryMiB: quotas.memoryMiB,
      storageGiB: quotas.storageGiB,
    })
    .from(quotas)
    .where(eq(quotas.projectId, projectId));
}

/** Each limit: how an amount of it is written, and what follows the amount in a sentence. */
const RESOURCES = [
  ['machines', (n: number) => `${n}`, 'machines'],
  ['vcpus', (n: number) => `${n}`, 'vCPUs'],
  ['memoryMiB', (n: number) => `${(n / 1024).toFixed(n % 1024 ? 1 : 0)} GiB`, 'of memory'],
  ['storageGiB', (n: number) => `${n} GiB`, 'of storage'],
] as const;

/**
 * Refuses a request that would take the project over one of its limits. Call it
 * with the project row locked, so concurrent creates are counted one by one.
 */
export function assertWithinQuota(projectName: string, limits: Limits, usage: Usage, request: Usage): void {
  for (const [key, format, noun] of RESOURCES) {
    const limit = limits[key];
    if (limit === null) continue;
    const after = usage[key] + request[key];
    if (after > limit) {
      throw new LevanteError(
        'QUOTA_EXCEEDED',
        `Project ${projectName} would use ${format(after)} ${noun}, over its quota of ${format(limit)} (${format(usage[key])} in use).`,
        { details: { quota: key, limit, inUse: usage[key], requested: request[key] } },
      );
    }
  }
}
