import type { ConnectorRegistry } from '@levante/connector-api';
import {
  type JobRow,
  locations,
  type MachineRow,
  machineConfigurations,
  machineImages,
  machines,
  placementGroups,
  projectAccounts,
  projects,
  providerAccounts,
  providers,
  uniqueViolation,
} from '@levante/db';
import {
  type Actor,
  badInput,
  conflict,
  forbidden,
  MACHINE_ACTIONS,
  type MachineAction,
  type MachineState,
  notFound,
  transitionFor,
  validate,
} from '@levante/domain';
import type { Hypervisor } from '@levante/scheduler';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { placeOnHost } from '../hosts/host-placement.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { authorizeProject } from '../projects/project-access.ts';
import { assertWithinQuota, hasLimits, projectLimits, projectUsage } from '../quotas/quota-usage.ts';
import type { UnitOfWork } from '../unit-of-work.ts';
import { machineSummary } from './machine-view.ts';

export const CREATE_MACHINE_JOB = 'machine.create';
export const MACHINE_ACTION_JOB = 'machine.action';

const machineNameSchema = z
  .string()
  .trim()
  .min(1, 'A machine name cannot be empty.')
  .max(63, 'A machine name can have at most 63 characters.')
  .regex(
    /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/,
    'A machine name is letters, digits and dashes, and neither starts nor ends with a dash.',
  );

export interface CreateMachineInput {
  readonly projectId: string;
  readonly accountId: string;
  readonly locationId: string;
  readonly imageId: string;
  readonly configurationId: string;
  readonly name: string;
  readonly placementGroupId?: string | null;
  /** Platform admins only: the host to use, still checked by the scheduler's filters. */
  readonly hostId?: string | null;
  readonly userData?: string | null;
}

export interface MachineWithJob {
  readonly machine: MachineRow;
  readonly job: JobRow;
}

export class MachineCommands {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly queue: JobQueue,
    private readonly registry: ConnectorRegistry,
  ) {}

  /**
   * Checks everything, then writes the machine in CREATING, its job and its
   * events in one transaction. Nothing reaches the provider here: a worker
   * takes the job once this commits.
   */
  async create(actor: Actor, input: CreateMachineInput): Promise<MachineWithJob> {
    const name = validate(machineNameSchema, input.name, 'name');
    if (input.hostId && !actor.isAdmin)
      throw forbidden('Only platform admins can choose the host of a machine.');
    if (input.userData && input.userData.length > 64 * 1024) {
      throw badInput('userData', 'User data can have at most 64 KiB.');
    }
    const result = await this.uow
      .run(async (tx, record) => {
        const { project } = await authorizeProject(tx, actor, input.projectId, 'resource.write');
        const limits = await projectLimits(tx, project.id);
        if (hasLimits(limits)) {
          // Creates in a project with quotas run one after another from here: each quota check sees the others.
          await tx
            .select({ id: projects.id })
            .from(projects)
            .where(eq(projects.id, project.id))
            .for('update');
        }
        const [account] = await tx
          .select({ account: providerAccounts, provider: providers })
          .from(projectAccounts)
          .innerJoin(providerAccounts, eq(providerAccounts.id, projectAccounts.accountId))
          .innerJoin(providers, eq(providers.id, providerAccounts.providerId))
          .where(
            and(eq(projectAccounts.projectId, project.id), eq(projectAccounts.accountId, input.accountId)),
          );
        if (!account) throw notFound('Provider account');
        const [location] = await tx
          .select()
          .from(locations)
          .where(and(eq(locations.id, input.locationId), eq(locations.providerId, account.provider.id)));
        if (!location) throw notFound('Location');
        const [image] = await tx
          .select({ image: machineImages, location: locations })
          .from(machineImages)
          .innerJoin(locations, eq(locations.id, machineImages.locationId))
          .where(and(eq(machineImages.id, input.imageId), eq(machineImages.accountId, account.account.id)));
        if (!image) throw notFound('Image');
        if (image.image.locationId !== location.id) {
          throw badInput(
            'imageId',
            `Image ${image.image.name} is offered in ${image.location.name}, not in ${location.name}.`,
          );
        }
        const [configuration] = await tx
          .select()
          .from(machineConfigurations)
          .where(
            and(
              eq(machineConfigurations.id, input.configurationId),
              eq(machineConfigurations.accountId, account.account.id),
            ),
          );
        if (!configuration) throw notFound('Configuration');
        if (configuration.locationId !== location.id) {
          throw badInput(
            'configurationId',
            `Configuration ${configuration.name} is not offered in ${location.name}.`,
          );
        }
        if (configuration.diskGiB < image.image.minDiskGiB) {
          throw badInput(
            'configurationId',
            `Image ${image.image.name} needs a disk of ${image.image.minDiskGiB} GiB; ${configuration.name} has ${configuration.diskGiB} GiB.`,
          );
        }
        const group = input.placementGroupId
          ? (
              await tx
                .select()
                .from(placementGroups)
                .where(
                  and(
                    eq(placementGroups.id, input.placementGroupId),
                    eq(placementGroups.projectId, project.id),
                  ),
                )
                .for('update')
            )[0]
          : null;
        if (input.placementGroupId && !group) throw notFound('Placement group');

        const request = {
          machines: 1,
          vcpus: configuration.vcpus,
          memoryMiB: configuration.memoryMiB,
          storageGiB: configuration.diskGiB,
        };
        if (hasLimits(limits))
          assertWithinQuota(project.name, limits, await projectUsage(tx, project.id), request);

        const capabilities = (await this.registry.get(account.provider.kind)).capabilities;
        const placement = capabilities.hosts
          ? await placeOnHost(tx, {
              providerId: account.provider.id,
              locationId: location.id,
              location: location.ref,
              vcpus: configuration.vcpus,
              memoryMiB: configuration.memoryMiB,
              diskGiB: configuration.diskGiB,
              hypervisors: image.image.hypervisors as Hypervisor[],
              group: group ? { id: group.id, policy: group.policy } : null,
              hostHint: input.hostId ?? null,
            })
          : null;

        const [machine] = await tx
          .insert(machines)
          .values({
            projectId: project.id,
            accountId: account.account.id,
            providerId: account.provider.id,
            locationId: location.id,
            imageId: image.image.id,
            configurationId: configuration.id,
            hostId: placement?.host.id ?? null,
            placementGroupId: group?.id ?? null,
            name,
            state: 'CREATING',
            vcpus: configuration.vcpus,
            memoryMiB: configuration.memoryMiB,
            diskGiB: configuration.diskGiB,
            createdBy: actor.userId,
          })
          .returning();
        const job = await this.queue.enqueue(tx, {
          kind: CREATE_MACHINE_JOB,
          projectId: project.id,
          machineId: machine!.id,
          payload: { userData: input.userData ?? null },
          idempotencyKey: `create:${machine!.id}`,
          createdBy: actor.userId,
        });
        await record({
          type: 'machine.created',
          actor,
          projectId: project.id,
          subjectType: 'Machine',
          subjectId: machine!.id,
          summary: `${actor.username} asked for machine ${name} (${configuration.name}, ${image.image.name}) on ${account.provider.name} in ${location.name}${placement ? `, host ${placement.host.name}` : ''}.`,
          after: { ...machineSummary(machine!), jobId: job.id, placement: placement?.summary ?? null },
        });
        return { machine: machine!, job };
      })
      .catch((error: unknown) => {
        if (uniqueViolation(error) === 'machines_project_name_key') {
          throw conflict(`Project already has a machine named "${name}".`, 'name');
        }
        throw error;
      });
    this.queue.notify();
    return result;
  }

  /** Starts an action allowed by the CIMI state table; refused before anything reaches the provider otherwise. */
  async act(actor: Actor, machineId: string, action: MachineAction): Promise<MachineWithJob> {
    if (!MACHINE_ACTIONS.includes(action)) throw badInput('action', `Unknown action "${action}".`);
    const result = await this.uow.run(async (tx, record) => {
      const [found] = await tx
        .select({ machine: machines, provider: providers })
        .from(machines)
        .innerJoin(providers, eq(providers.id, machines.providerId))
        .where(eq(machines.id, machineId))
        .for('update', { of: machines });
      if (!found || found.machine.state === 'DELETED') throw notFound('Machine');
      const { machine, provider } = found;
      await authorizeProject(tx, actor, machine.projectId, 'resource.write');
      const capabilities = (await this.registry.get(provider.kind)).capabilities;
      const unsupported =
        ((action === 'pause' || action === 'unpause') && !capabilities.pause) ||
        ((action === 'suspend' || action === 'resume') && !capabilities.suspend) ||
        (action === 'restart' && !capabilities.restart);
      if (unsupported) throw badInput('action', `${provider.name} cannot ${action} machines.`);
      const transition = transitionFor(machine.state as MachineState, action, machine.name);
      const [updated] = await tx
        .update(machines)
        .set({ state: transition.during, error: null, updatedAt: new Date() })
        .where(eq(machines.id, machineId))
        .returning();
      const job = await this.queue.enqueue(tx, {
        kind: MACHINE_ACTION_JOB,
        projectId: machine.projectId,
        machineId,
        payload: { action, from: machine.state },
        idempotencyKey: `${action}:${machineId}:${Date.now()}:${Math.random().toString(36).slice(2)}`,
        createdBy: actor.userId,
      });
      await record({
        type: 'machine.state_changed',
        actor,
        projectId: machine.projectId,
        subjectType: 'Machine',
        subjectId: machineId,
        summary: `${actor.username} asked to ${action} machine ${machine.name}.`,
        before: { state: machine.state },
        after: { ...machineSummary(updated!), action, jobId: job.id },
      });
      return { machine: updated!, job };
    });
    this.queue.notify();
    return result;
  }
}
