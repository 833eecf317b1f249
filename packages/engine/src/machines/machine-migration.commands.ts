import { randomUUID } from 'node:crypto';
import { type ConnectorRegistry, capabilitiesFor, type Hypervisor } from '@levante/connector-api';
import {
  type Executor,
  type HostRow,
  hosts,
  type JobRow,
  jobs,
  type LocationRow,
  locations,
  type MachineRow,
  machineImages,
  machines,
  placementGroups,
  providers,
} from '@levante/db';
import {
  type Actor,
  badInput,
  invalidState,
  LevanteError,
  type MachineState,
  notFound,
  TRANSITIONAL_STATES,
} from '@levante/domain';
import { and, asc, eq, inArray, notInArray } from 'drizzle-orm';
import type { HostIndexCache } from '../hosts/host-index-cache.ts';
import { RELEASED, reserveMigrationTarget } from '../hosts/host-placement.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { assertPlatformAdmin } from '../projects/project-access.ts';
import type { UnitOfWork } from '../unit-of-work.ts';
import { machineSummary } from './machine-view.ts';
import type { MigrationPayload } from './migrate-machine.job.ts';

export const MIGRATE_MACHINE_JOB = 'machine.migrate';

/** Event types of a migration: asked for, done (the placement map shows `moved`), given up. */
export const MACHINE_MIGRATING = 'machine.migrating';
export const MACHINE_MOVED = 'machine.moved';
export const MACHINE_MIGRATION_FAILED = 'machine.migration_failed';
export const HOST_EVACUATED = 'host.evacuated';

/** A machine an evacuation leaves on its host, and why. */
export interface LeftBehind {
  readonly machine: MachineRow;
  readonly reason: string;
}

/** What an evacuation started: the migrations, and the machines that stay, with why. */
export interface Evacuation {
  readonly host: HostRow;
  readonly moving: readonly MigrationStarted[];
  readonly left: readonly LeftBehind[];
}

/** The machine as it is (still STARTED on its host) and the job that moves it. */
export interface MigrationStarted {
  readonly machine: MachineRow;
  readonly job: JobRow;
}

/** Live migration: platform admins move running machines between the hosts of a location. */
export class MachineMigrationCommands {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly queue: JobQueue,
    private readonly registry: ConnectorRegistry,
    private readonly hostIndexes: HostIndexCache,
  ) {}

  /**
   * Moves a STARTED machine to host `hostId` of its location while it runs.
   * In one transaction: checks the machine, its provider and the host (with
   * the scheduler's filters, as an admin's host hint at create), reserves the
   * machine's capacity on that host, enqueues the job that asks the provider,
   * and records the request. CIMI has no migrating state: the machine stays
   * STARTED on its host until the job has moved it.
   */
  async migrate(actor: Actor, machineId: string, hostId: string): Promise<MigrationStarted> {
    assertPlatformAdmin(actor);
    return this.#migrate(actor, machineId, hostId);
  }

  /**
   * Moves every running machine off a host in maintenance (or disabled), each
   * to the host the scheduler chooses for it, as `migrate` moves one: what
   * cannot move live (a machine not STARTED, one already moving, one no other
   * host can take) is left, with the reason. Each machine moves on its own:
   * one that cannot go does not keep the others.
   */
  async evacuate(actor: Actor, hostId: string): Promise<Evacuation> {
    assertPlatformAdmin(actor);
    const { host, onHost } = await this.uow.run(async (tx) => {
      const [host] = await tx.select().from(hosts).where(eq(hosts.id, hostId));
      if (!host) throw notFound('Host');
      if (host.enabled && !host.maintenance) {
        throw invalidState(
          `Host ${host.name} is in service: put it in maintenance first, so that no new machine lands on it.`,
        );
      }
      const onHost = await tx
        .select()
        .from(machines)
        .where(and(eq(machines.hostId, hostId), notInArray(machines.state, RELEASED)))
        .orderBy(asc(machines.name));
      return { host, onHost };
    });
    const moving: MigrationStarted[] = [];
    const left: LeftBehind[] = [];
    for (const machine of onHost) {
      try {
        moving.push(await this.#migrate(actor, machine.id, null));
      } catch (error) {
        if (!(error instanceof LevanteError)) throw error;
        left.push({ machine, reason: error.message });
      }
    }
    await this.uow.run((_tx, record) =>
      record({
        type: HOST_EVACUATED,
        actor,
        projectId: null,
        subjectType: 'Host',
        subjectId: host.id,
        summary: `${actor.username} asked to move the machines off host ${host.name}: ${moving.length} moving, ${left.length} left.`,
        after: { moving: moving.length, left: left.length },
      }),
    );
    return { host, moving, left };
  }

  /** `hostId` null: to the host the scheduler chooses. */
  async #migrate(actor: Actor, machineId: string, hostId: string | null): Promise<MigrationStarted> {
    const result = await this.uow.run(async (tx, record) => {
      const [found] = await tx
        .select({ machine: machines, provider: providers, location: locations })
        .from(machines)
        .innerJoin(providers, eq(providers.id, machines.providerId))
        .innerJoin(locations, eq(locations.id, machines.locationId))
        .where(eq(machines.id, machineId))
        .for('update', { of: machines });
      if (!found || found.machine.state === 'DELETED') throw notFound('Machine');
      const { machine, provider, location } = found;
      assertStarted(machine);
      const capabilities = capabilitiesFor(await this.registry.get(provider.kind), provider.settings);
      if (!capabilities.migrate) throw badInput('machineId', `${provider.name} cannot migrate machines.`);
      await assertNotMigrating(tx, machine);

      if (hostId) {
        const [asked] = await tx
          .select({ host: hosts, location: locations })
          .from(hosts)
          .innerJoin(locations, eq(locations.id, hosts.locationId))
          .where(eq(hosts.id, hostId));
        if (!asked) throw notFound('Host');
        assertSameSite(machine, provider.name, location, asked);
        if (asked.host.id === machine.hostId) {
          throw badInput('hostId', `Machine ${machine.name} already runs on host ${asked.host.name}.`);
        }
      }
      const source = machine.hostId
        ? (await tx.select().from(hosts).where(eq(hosts.id, machine.hostId)))[0]
        : undefined;
      const group = machine.placementGroupId
        ? (
            await tx
              .select()
              .from(placementGroups)
              .where(eq(placementGroups.id, machine.placementGroupId))
              .for('update')
          )[0]
        : undefined;
      const reserved = await reserveMigrationTarget(tx, {
        providerId: provider.id,
        locationId: location.id,
        location: location.ref,
        vcpus: machine.vcpus,
        memoryMiB: machine.memoryMiB,
        diskGiB: machine.diskGiB,
        // A running guest keeps its hypervisor: the image's list only matters without a known host.
        hypervisors: source ? [source.hypervisor] : await imageHypervisors(tx, machine),
        group: group ? { id: group.id, policy: group.policy } : null,
        machineId: machine.id,
        machineName: machine.name,
        hostId,
      });
      // Chosen by the scheduler, the target is in service: never the host it leaves, in maintenance.
      const [target] = await tx.select().from(hosts).where(eq(hosts.id, reserved.hostId));
      if (!target || target.id === machine.hostId) {
        throw new LevanteError('PROVIDER_ERROR', `No other host can take machine ${machine.name}.`, {
          details: { providerError: 'CapacityError' },
        });
      }

      const payload: MigrationPayload = {
        hostId: target.id,
        hostName: target.name,
        fromHostId: machine.hostId,
        fromHostName: source?.name ?? null,
        vcpus: machine.vcpus,
        memoryMiB: machine.memoryMiB,
        diskGiB: machine.diskGiB,
      };
      const job = await this.queue.enqueue(tx, {
        kind: MIGRATE_MACHINE_JOB,
        projectId: machine.projectId,
        machineId: machine.id,
        payload,
        idempotencyKey: `migrate:${machine.id}:${randomUUID()}`,
        createdBy: actor.userId,
      });
      await record({
        type: MACHINE_MIGRATING,
        actor,
        projectId: machine.projectId,
        subjectType: 'Machine',
        subjectId: machine.id,
        summary: `${actor.username} asked to move machine ${machine.name} from host ${source?.name ?? '(none)'} to host ${target.name} while it runs.`,
        before: { hostId: machine.hostId },
        after: {
          ...machineSummary(machine),
          jobId: job.id,
          targetHostId: target.id,
          placement: reserved.summary,
        },
      });
      return { machine, job };
    });
    // The target's reservation is known to the database only.
    this.hostIndexes.invalidate();
    this.queue.notify();
    return result;
  }
}

function assertStarted(machine: MachineRow): void {
  if (machine.state === 'STARTED') return;
  if (TRANSITIONAL_STATES.has(machine.state as MachineState)) {
    throw invalidState(
      `Machine "${machine.name}" is ${machine.state}; wait until it has finished: only a STARTED machine can migrate.`,
    );
  }
  throw invalidState(
    `Machine "${machine.name}" is ${machine.state}; only a STARTED machine can migrate (it moves while it runs).`,
  );
}

/**
 * One migration at a time, and nothing else while a hypervisor copies the
 * machine: it stays STARTED meanwhile, so its state cannot say so. `during`:
 * the migration jobs that count (a queued one has not reached the provider).
 */
export async function assertNotMigrating(
  tx: Executor,
  machine: MachineRow,
  during: readonly ('queued' | 'running')[] = ['queued', 'running'],
): Promise<void> {
  const [pending] = await tx
    .select({ payload: jobs.payload })
    .from(jobs)
    .where(
      and(
        eq(jobs.machineId, machine.id),
        eq(jobs.kind, MIGRATE_MACHINE_JOB),
        inArray(jobs.state, [...during]),
      ),
    )
    .limit(1);
  if (pending) {
    const to = (pending.payload as Partial<MigrationPayload>).hostName ?? 'another host';
    throw invalidState(
      `Machine "${machine.name}" is already moving to ${to}; wait until that migration has finished.`,
    );
  }
}

/** The target must be a host of the machine's own provider and location. */
function assertSameSite(
  machine: MachineRow,
  providerName: string,
  location: LocationRow,
  target: { host: { name: string; providerId: string; locationId: string }; location: LocationRow },
): void {
  if (target.host.providerId !== machine.providerId) {
    throw badInput(
      'hostId',
      `Host ${target.host.name} is not a host of ${providerName}, where machine ${machine.name} runs.`,
    );
  }
  if (target.host.locationId !== machine.locationId) {
    throw badInput(
      'hostId',
      `Host ${target.host.name} is in ${target.location.name}; machine ${machine.name} can only move within ${location.name}.`,
    );
  }
}

async function imageHypervisors(tx: Executor, machine: MachineRow): Promise<Hypervisor[]> {
  if (!machine.imageId) return [];
  const [image] = await tx
    .select({ hypervisors: machineImages.hypervisors })
    .from(machineImages)
    .where(eq(machineImages.id, machine.imageId));
  return (image?.hypervisors ?? []) as Hypervisor[];
}
