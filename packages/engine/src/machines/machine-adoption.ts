import { randomUUID } from 'node:crypto';
import type { ConnectorRegistry, MachineInfo } from '@levante/connector-api';
import {
  type Database,
  type Executor,
  type HostRow,
  hosts,
  type LocationRow,
  liveMachine,
  locations,
  type MachineConfigurationRow,
  type MachineImageRow,
  type MachineRow,
  machineConfigurations,
  machineImages,
  machines,
  uniqueViolation,
} from '@levante/db';
import {
  type Actor,
  badInput,
  conflict,
  holdsResources,
  invalidState,
  labelsFromTags,
  notFound,
  TRANSITIONAL_STATES,
  validate,
} from '@levante/domain';
import { and, eq, sql } from 'drizzle-orm';
import type { HostIndexCache } from '../hosts/host-index-cache.ts';
import { occupyHost } from '../hosts/host-placement.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { authorizeProject } from '../projects/project-access.ts';
import type { ConnectorPool } from '../providers/connector-pool.ts';
import { projectAccount } from '../providers/project-account.ts';
import type { VisibleAccount } from '../providers/provider.queries.ts';
import { providerError } from '../providers/provider-errors.ts';
import { assertWithinQuota, hasLimits, lockedProjectLimits, projectUsage } from '../quotas/quota-usage.ts';
import type { UnitOfWork } from '../unit-of-work.ts';
import type { InventoryItem } from './machine.queries.ts';
import { machineNameSchema } from './machine-name.ts';
import { machineSummary } from './machine-view.ts';
import { MARK_MANAGED_JOB } from './mark-managed.job.ts';

/** A machine the provider runs for the account that Levante does not manage. */
export interface UnmanagedMachine {
  readonly info: MachineInfo;
  readonly location: LocationRow;
  /** Null when the account's catalog does not have it (refresh the catalog to adopt it). */
  readonly configuration: MachineConfigurationRow | null;
  readonly image: MachineImageRow | null;
}

export interface AdoptMachineInput {
  readonly projectId: string;
  readonly accountId: string;
  readonly locationId: string;
  /** The provider's reference of the machine (instance id, domain name). */
  readonly ref: string;
  /** Levante's name for it; the provider's name when it is a valid machine name. */
  readonly name?: string | null;
}

/**
 * Machines that run at a provider without Levante — made before Levante, by
 * hand, or by another tool — listed per account, and adopted: from then on
 * Levante manages them as if it had created them (inventory, actions, quota,
 * placement map). Nothing changes at the provider.
 */
export class MachineAdoption {
  constructor(
    private readonly db: Database,
    private readonly uow: UnitOfWork,
    private readonly queue: JobQueue,
    private readonly pool: ConnectorPool,
    private readonly registry: ConnectorRegistry,
    private readonly hostIndexes: HostIndexCache,
  ) {}

  /** The account's machines at the provider that no live Levante machine stands for. */
  async unmanaged(actor: Actor, projectId: string, accountId: string): Promise<UnmanagedMachine[]> {
    await authorizeProject(this.db, actor, projectId, 'resource.read');
    const { provider } = await usableAccount(this.db, projectId, accountId);
    const connector = await this.pool.forAccount(accountId);
    const seen: MachineInfo[] = [];
    try {
      for await (const info of connector.listMachines()) seen.push(info);
    } catch (error) {
      throw providerError(provider.name, error);
    }
    const [managed, known, images, configurations] = await Promise.all([
      this.db
        .select({ id: machines.id, providerRef: machines.providerRef })
        .from(machines)
        .where(and(eq(machines.accountId, accountId), liveMachine)),
      this.db.select().from(locations).where(eq(locations.providerId, provider.id)),
      this.db.select().from(machineImages).where(eq(machineImages.accountId, accountId)),
      this.db.select().from(machineConfigurations).where(eq(machineConfigurations.accountId, accountId)),
    ]);
    const managedIds = new Set(managed.map((m) => m.id));
    const managedRefs = new Set(managed.map((m) => m.providerRef));
    const locationOf = new Map(known.map((l) => [l.ref, l]));
    const unmanaged: UnmanagedMachine[] = [];
    for (const info of seen) {
      if (info.state === 'DELETED' || managedRefs.has(info.ref)) continue;
      // A machine tagged by Levante whose record is gone (restored elsewhere, say) is adoptable too.
      if (info.managedId && managedIds.has(info.managedId)) continue;
      const location = locationOf.get(info.location);
      if (!location) continue;
      unmanaged.push({
        info,
        location,
        configuration: findInCatalog(configurations, location, info.configurationRef),
        image: findInCatalog(images, location, info.imageRef),
      });
    }
    return unmanaged.sort(
      (a, b) => a.info.name.localeCompare(b.info.name) || a.info.ref.localeCompare(b.info.ref),
    );
  }

  /** Makes an unmanaged machine a Levante machine of the project, in the state the provider reports. */
  async adopt(actor: Actor, input: AdoptMachineInput): Promise<InventoryItem> {
    await authorizeProject(this.db, actor, input.projectId, 'resource.write');
    const { provider } = await usableAccount(this.db, input.projectId, input.accountId);
    const [location] = await this.db.select().from(locations).where(eq(locations.id, input.locationId));
    if (!location || location.providerId !== provider.id) throw notFound('Location');
    const connector = await this.pool.forAccount(input.accountId);
    const info = await connector
      .getMachine({ ref: input.ref, location: location.ref })
      .catch((error: unknown) => {
        throw providerError(provider.name, error);
      });
    if (!info || info.state === 'DELETED') {
      throw notFound(`Machine ${input.ref} at ${provider.name} in ${location.name}`);
    }
    // No job follows an adopted machine: one the provider is still working on would stay in that state.
    if (TRANSITIONAL_STATES.has(info.state)) {
      throw invalidState(
        `Machine ${input.ref} is ${info.state} at ${provider.name}; adopt it once it has settled.`,
      );
    }
    const name = input.name ? validate(machineNameSchema, input.name, 'name') : providerName(info);
    const { capabilities } = await this.registry.get(provider.kind);

    const item = await this.uow.run(async (tx, record) => {
      const { project } = await authorizeProject(tx, actor, input.projectId, 'resource.write');
      const [already] = await tx
        .select({ id: machines.id, name: machines.name })
        .from(machines)
        .where(
          and(
            eq(machines.accountId, input.accountId),
            liveMachine,
            info.managedId
              ? sql`(${machines.providerRef} = ${info.ref} or ${machines.id} = ${info.managedId})`
              : eq(machines.providerRef, info.ref),
          ),
        );
      if (already) throw conflict(`Levante already manages ${info.ref} as machine ${already.name}.`);
      const [configuration] = info.configurationRef
        ? await tx
            .select()
            .from(machineConfigurations)
            .where(
              and(
                eq(machineConfigurations.accountId, input.accountId),
                eq(machineConfigurations.locationId, location.id),
                eq(machineConfigurations.ref, info.configurationRef),
              ),
            )
        : [];
      if (!configuration) {
        throw badInput(
          'ref',
          `Machine ${info.ref} runs configuration "${info.configurationRef ?? 'unknown'}", which this account's catalog does not have; refresh the account's catalog, then adopt it.`,
        );
      }
      const [image] = info.imageRef
        ? await tx
            .select()
            .from(machineImages)
            .where(
              and(
                eq(machineImages.accountId, input.accountId),
                eq(machineImages.locationId, location.id),
                eq(machineImages.ref, info.imageRef),
              ),
            )
        : [];
      const diskGiB = Math.max(configuration.diskGiB, image?.minDiskGiB ?? 0);
      const holds = holdsResources(info.state);
      if (holds) {
        const limits = await lockedProjectLimits(tx, project.id);
        if (hasLimits(limits)) {
          assertWithinQuota(project.name, limits, await projectUsage(tx, project.id), {
            machines: 1,
            vcpus: configuration.vcpus,
            memoryMiB: configuration.memoryMiB,
            storageGiB: diskGiB,
          });
        }
      }
      const host = capabilities.hosts && info.hostRef ? await hostNamed(tx, provider.id, info.hostRef) : null;
      if (host && holds) await occupyHost(tx, host.id, { ...configuration, diskGiB });
      const now = new Date();
      const machine: MachineRow = {
        id: randomUUID(),
        projectId: project.id,
        accountId: input.accountId,
        providerId: provider.id,
        locationId: location.id,
        imageId: image?.id ?? null,
        configurationId: configuration.id,
        hostId: host?.id ?? null,
        placementGroupId: null,
        name,
        state: info.state,
        providerRef: info.ref,
        vcpus: configuration.vcpus,
        memoryMiB: configuration.memoryMiB,
        diskGiB,
        addresses: [...info.addresses],
        labels: labelsFromTags(info.tags),
        error: info.error,
        createdBy: actor.userId,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await tx.insert(machines).values(machine);
      } catch (error) {
        if (uniqueViolation(error) === 'machines_project_name_key') {
          throw conflict(`Project already has a machine named "${name}".`, 'name');
        }
        throw error;
      }
      // Tagged at the provider by a worker, after this commits (see markManagedJob).
      if (!info.managedId) {
        await this.queue.enqueue(tx, {
          kind: MARK_MANAGED_JOB,
          projectId: project.id,
          machineId: machine.id,
          idempotencyKey: `mark-managed:${machine.id}`,
          createdBy: actor.userId,
        });
      }
      await record({
        type: 'machine.adopted',
        actor,
        projectId: project.id,
        subjectType: 'Machine',
        subjectId: machine.id,
        summary: `${actor.username} adopted ${info.ref} as machine ${name} (${configuration.name}) on ${provider.name} in ${location.name}${host ? `, host ${host.name}` : ''}.`,
        after: machineSummary(machine),
      });
      return {
        machine,
        provider,
        location,
        host,
        imageName: image?.name ?? null,
        configurationName: configuration.name,
      };
    });
    this.queue.notify();
    // The host's capacity changed behind the placement index.
    if (item.host) this.hostIndexes.invalidate();
    return item;
  }
}

async function usableAccount(db: Executor, projectId: string, accountId: string): Promise<VisibleAccount> {
  const row = await projectAccount(db, projectId, accountId);
  if (!row) throw notFound('Provider account');
  return row;
}

function findInCatalog<T extends { locationId: string; ref: string }>(
  rows: readonly T[],
  location: LocationRow,
  ref: string | null,
): T | null {
  return rows.find((row) => row.locationId === location.id && row.ref === ref) ?? null;
}

/** The provider's name when it makes a valid machine name, else a refusal asking for one. */
function providerName(info: MachineInfo): string {
  const parsed = machineNameSchema.safeParse(info.name);
  if (parsed.success) return parsed.data;
  throw badInput(
    'name',
    `"${info.name}" cannot be a machine name (letters, digits and dashes, at most 63): give the machine a name.`,
  );
}

async function hostNamed(tx: Executor, providerId: string, name: string): Promise<HostRow | null> {
  const [host] = await tx
    .select()
    .from(hosts)
    .where(and(eq(hosts.providerId, providerId), eq(hosts.name, name)));
  return host ?? null;
}
