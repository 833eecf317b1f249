import { randomUUID } from 'node:crypto';
import type { ConnectorRegistry } from '@levante/connector-api';
import {
  anyOf,
  type HostRow,
  type JobRow,
  liveMachine,
  type MachineRow,
  machines,
  type PlacementGroupRow,
  type ProjectRow,
  placementGroups,
  recordset,
  type Transaction,
  uniqueViolation,
} from '@levante/db';
import { type Actor, conflict, type Labels, LevanteError, notFound } from '@levante/domain';
import { type Hypervisor, type PlacementRequest, placeMachine } from '@levante/scheduler';
import { and, eq, sql } from 'drizzle-orm';
import { Batcher, type Settled } from '../batching/batcher.ts';
import type { EventInput } from '../events/event-log.ts';
import type { HostIndexCache, LocationHosts } from '../hosts/host-index-cache.ts';
import { addShare, claimHosts, groupMemberHosts, type HostShare } from '../hosts/host-placement.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { authorizeProject } from '../projects/project-access.ts';
import {
  assertWithinQuota,
  hasLimits,
  type Limits,
  lockedProjectLimits,
  projectUsage,
} from '../quotas/quota-usage.ts';
import type { RecordEvents, UnitOfWork } from '../unit-of-work.ts';
import type { InventoryItem } from './machine.queries.ts';
import { type Offer, readOffer } from './machine-offer.ts';
import { machineSummary } from './machine-view.ts';

export const CREATE_MACHINE_JOB = 'machine.create';

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
  readonly labels?: Labels | null;
}

/** A create whose input has passed the checks that need no database. */
export interface CreateRequest {
  readonly actor: Actor;
  readonly input: CreateMachineInput;
  readonly name: string;
}

export interface MachineWithJob {
  readonly machine: MachineRow;
  readonly job: JobRow;
}

/** A new machine as the inventory shows it, from the rows its create had in hand. */
export interface CreatedMachine extends MachineWithJob {
  readonly item: InventoryItem;
}

/** How often a batch is tried again when other replicas took the hosts it chose. */
const CLAIM_ATTEMPTS = 3;

/**
 * Writes new machines in CREATING, their jobs and their events. Creates that
 * arrive together are checked one by one but written together, in one
 * transaction (see Batcher): what they share (the project, its quota, the
 * offer, the hosts of a location) is read once, and each placement sees the
 * capacity the ones before it took.
 */
export class MachineCreation {
  readonly #batcher = new Batcher<CreateRequest, CreatedMachine>((requests) => this.#createAll(requests));

  constructor(
    private readonly uow: UnitOfWork,
    private readonly queue: JobQueue,
    private readonly registry: ConnectorRegistry,
    private readonly hostIndexes: HostIndexCache,
  ) {}

  create(request: CreateRequest): Promise<CreatedMachine> {
    return this.#batcher.submit(request);
  }

  /**
   * Creates machines that stand or fall together (one request for several):
   * their quota is checked for all of them at once, and a refusal of any one
   * refuses them all, with nothing written.
   */
  async createTogether(requests: readonly CreateRequest[]): Promise<CreatedMachine[]> {
    try {
      return await this.#write(requests, true, (results) =>
        results.map((result) => {
          if ('error' in result) throw result.error;
          return result.value;
        }),
      );
    } catch (error) {
      if (error instanceof HostTaken) throw hostsTaken();
      if (uniqueViolation(error) === 'machines_project_name_key') {
        throw conflict('Another request took one of these names meanwhile; choose another name.', 'name');
      }
      throw error;
    }
  }

  async #createAll(requests: readonly CreateRequest[]): Promise<Settled<CreatedMachine>[]> {
    try {
      return await this.#write(requests, false, (results) => results);
    } catch (error) {
      if (error instanceof HostTaken) return requests.map(() => ({ error: hostsTaken() }));
      // Alone, a name taken by a concurrent create is this request's conflict; in a batch, the
      // Batcher runs each request alone to find out which.
      if (requests.length === 1 && uniqueViolation(error) === 'machines_project_name_key') {
        return [{ error: nameTaken(requests[0]!.name) }];
      }
      throw error;
    }
  }

  /** Writes a batch in one transaction that `finish` may still refuse; tried again when other replicas took its hosts. */
  async #write<T>(
    requests: readonly CreateRequest[],
    together: boolean,
    finish: (results: Settled<CreatedMachine>[]) => T,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.uow.run(async (tx, _record, recordAll) =>
          finish(
            await new CreateBatch(tx, this.registry, this.hostIndexes, requests, together).write(
              this.queue,
              recordAll,
            ),
          ),
        );
      } catch (error) {
        // The indexes hold the failed batch's claims, or are out of date: read them again.
        this.hostIndexes.forget();
        if (error instanceof HostTaken && attempt < CLAIM_ATTEMPTS) continue;
        throw error;
      }
    }
  }
}

const hostsTaken = () =>
  new LevanteError(
    'PROVIDER_ERROR',
    'The hosts this machine could go to were taken by other requests meanwhile; try again.',
    { details: { providerError: 'CapacityError' } },
  );

/**
 * The capacity a batch counted on was taken meanwhile (by another replica), or
 * its hosts' index was out of date: the batch is tried again from fresh rows.
 */
class HostTaken extends Error {}

interface Group {
  readonly row: PlacementGroupRow;
  /** Hosts holding members, this batch's included. */
  readonly hosts: Set<string>;
}

interface Quota {
  readonly limits: Limits;
  usage: { machines: number; vcpus: number; memoryMiB: number; storageGiB: number };
}

interface Admitted {
  readonly index: number;
  readonly request: CreateRequest;
  readonly project: ProjectRow;
  readonly offer: Offer;
  readonly group: Group | null;
  readonly host: HostRow | null;
  readonly placement: string | null;
}

/**
 * One batch's transaction. It reads everything its requests need up front,
 * every read at once (they travel to the database together, in one round
 * trip), then admits the requests one by one in memory, then writes them all
 * at once: a handful of round trips per batch, whatever its size.
 */
class CreateBatch {
  readonly #loads = new Map<string, Promise<unknown>>();
  /** What this batch takes of each host. */
  readonly #claims = new Map<string, HostShare>();

  /** The locations whose index this batch read from the database itself. */
  readonly #freshIndexes = new Set<string>();

  constructor(
    private readonly tx: Transaction,
    private readonly registry: ConnectorRegistry,
    private readonly hostIndexes: HostIndexCache,
    private readonly requests: readonly CreateRequest[],
    /** The requests are one person's request for several machines alike (see `createTogether`). */
    private readonly together: boolean,
  ) {}

  async write(queue: JobQueue, recordAll: RecordEvents): Promise<Settled<CreatedMachine>[]> {
    await this.#readAhead();
    if (this.together) await this.#assertQuotaForAll();
    const results: Settled<CreatedMachine>[] = [];
    const admitted: Admitted[] = [];
    for (const [index, request] of this.requests.entries()) {
      try {
        admitted.push(await this.#admit(index, request));
      } catch (error) {
        // Together, the first refusal is everyone's: nothing more is checked or written.
        if (!(error instanceof LevanteError) || this.together) throw error;
        results[index] = { error };
      }
    }
    if (admitted.length === 0) return results;

    const now = new Date();
    const created = admitted.map((a) => ({ ...a, machine: machineRow(a, now), jobId: randomUUID() }));
    // One statement writes the machines and their jobs (the foreign keys are checked at its end).
    const insertMachines = this.tx.$with('inserted_machines').as(
      this.tx
        .insert(machines)
        .select(
          recordset(
            machines,
            created.map((c) => c.machine),
          ),
        )
        .returning({ id: machines.id }),
    );
    const [claimed, jobs] = await Promise.all([
      claimHosts(this.tx, this.#claims),
      queue.enqueueAll(
        this.tx,
        created.map(({ request, machine, jobId }) => ({
          id: jobId,
          kind: CREATE_MACHINE_JOB,
          projectId: machine.projectId,
          machineId: machine.id,
          payload: { userData: request.input.userData ?? null },
          idempotencyKey: `create:${machine.id}`,
          createdBy: request.actor.userId,
        })),
        insertMachines,
      ),
      recordAll(created.map((c) => createdEvent(c, c.jobId))),
    ]);
    if (claimed.size < this.#claims.size) throw new HostTaken();
    for (const [i, { index, machine, offer, host }] of created.entries()) {
      const item: InventoryItem = {
        machine,
        provider: offer.provider,
        location: offer.location,
        host,
        imageName: offer.image.name,
        configurationName: offer.configuration.name,
      };
      results[index] = { value: { machine, job: jobs[i]!, item } };
    }
    return results;
  }

  /** Starts every read the requests need, all at once, and waits for them; failures wait for #admit. */
  async #readAhead(): Promise<void> {
    await Promise.allSettled(
      this.requests.flatMap(({ actor, input }) => [
        this.#access(actor, input.projectId),
        this.#offer(input),
        this.#hosts(input.locationId),
        this.#takenNames(input.projectId),
        this.#quota(input.projectId),
        ...(input.placementGroupId ? [this.#group(input.projectId, input.placementGroupId)] : []),
      ]),
    );
  }

  /** So that a refusal names what the request asks in all, not what its last machine would add. */
  async #assertQuotaForAll(): Promise<void> {
    const { actor, input } = this.requests[0]!;
    const { project } = await this.#access(actor, input.projectId);
    const offer = await this.#offer(input);
    const quota = await this.#quota(project.id);
    if (!quota) return;
    const n = this.requests.length;
    assertWithinQuota(project.name, quota.limits, quota.usage, {
      machines: n,
      vcpus: n * offer.configuration.vcpus,
      memoryMiB: n * offer.configuration.memoryMiB,
      storageGiB: n * offer.diskGiB,
    });
  }

  async #admit(index: number, request: CreateRequest): Promise<Admitted> {
    const { actor, input, name } = request;
    const { project } = await this.#access(actor, input.projectId);
    const offer = await this.#offer(input);
    const group = input.placementGroupId ? await this.#group(project.id, input.placementGroupId) : null;
    const taken = await this.#takenNames(project.id);
    if (taken.has(name.toLowerCase())) throw nameTaken(name);
    const { configuration } = offer;
    const need = {
      machines: 1,
      vcpus: configuration.vcpus,
      memoryMiB: configuration.memoryMiB,
      storageGiB: offer.diskGiB,
    };
    const quota = await this.#quota(project.id);
    if (quota) assertWithinQuota(project.name, quota.limits, quota.usage, need);
    const placed = offer.usesHosts
      ? this.#place(await this.#hosts(offer.location.id), offer, group, input.hostId ?? null)
      : null;

    // Admitted: what it takes is counted for the requests after it.
    taken.add(name.toLowerCase());
    if (quota) {
      quota.usage = {
        machines: quota.usage.machines + 1,
        vcpus: quota.usage.vcpus + need.vcpus,
        memoryMiB: quota.usage.memoryMiB + need.memoryMiB,
        storageGiB: quota.usage.storageGiB + need.storageGiB,
      };
    }
    return {
      index,
      request,
      project,
      offer,
      group,
      host: placed?.host ?? null,
      placement: placed?.summary ?? null,
    };
  }

  /** Loads once per batch; a failure is remembered too, and given to every request that shares the key. */
  #once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let loading = this.#loads.get(key) as Promise<T> | undefined;
    if (!loading) {
      loading = load();
      loading.catch(() => {});
      this.#loads.set(key, loading);
    }
    return loading;
  }

  #access(actor: Actor, projectId: string) {
    return this.#once(`access:${actor.userId}:${projectId}`, () =>
      authorizeProject(this.tx, actor, projectId, 'resource.write'),
    );
  }

  /** What the request asks of its account, read once per batch. */
  #offer(input: CreateMachineInput): Promise<Offer> {
    const key = `offer:${input.projectId}:${input.accountId}:${input.locationId}:${input.imageId}:${input.configurationId}`;
    return this.#once(key, () => readOffer(this.tx, this.registry, input));
  }

  #group(projectId: string, groupId: string): Promise<Group> {
    return this.#once(`group:${projectId}:${groupId}`, async () => {
      const [[row], hosts] = await Promise.all([
        this.tx
          .select()
          .from(placementGroups)
          .where(and(eq(placementGroups.id, groupId), eq(placementGroups.projectId, projectId)))
          .for('update'),
        groupMemberHosts(this.tx, groupId),
      ]);
      if (!row) throw notFound('Placement group');
      return { row, hosts };
    });
  }

  /** Which of this batch's names the project already uses (lower-cased), read in one statement. */
  #takenNames(projectId: string): Promise<Set<string>> {
    return this.#once(`names:${projectId}`, async () => {
      const wanted = this.requests
        .filter((r) => r.input.projectId === projectId)
        .map((r) => r.name.toLowerCase());
      const rows = await this.tx
        .select({ name: sql<string>`lower(${machines.name})` })
        .from(machines)
        .where(
          and(eq(machines.projectId, projectId), anyOf(sql`lower(${machines.name})`, wanted), liveMachine),
        );
      return new Set(rows.map((row) => row.name));
    });
  }

  /** The project's limits and usage; null without limits. With limits, creates in it queue on its quota row. */
  #quota(projectId: string): Promise<Quota | null> {
    return this.#once(`quota:${projectId}`, async () => {
      const limits = await lockedProjectLimits(this.tx, projectId);
      if (!hasLimits(limits)) return null;
      return { limits, usage: await projectUsage(this.tx, projectId) };
    });
  }

  #hosts(locationId: string): Promise<LocationHosts> {
    return this.#once(`hosts:${locationId}`, async () => {
      const { hosts, read } = await this.hostIndexes.get(this.tx, locationId);
      if (read) this.#freshIndexes.add(locationId);
      return hosts;
    });
  }

  /**
   * Chooses a host with the capacity this batch's earlier placements left, and
   * claims it in the index so that the placements after it see what it takes.
   * A request in a placement group is placed over every host with the group's
   * members marked (the index does not follow groups); the others through the index.
   */
  #place(
    { index, rows }: LocationHosts,
    { location, image, configuration, diskGiB }: Offer,
    group: Group | null,
    hostHint: string | null,
  ): { host: HostRow; summary: string } {
    const request: PlacementRequest = {
      vcpus: configuration.vcpus,
      memoryMiB: configuration.memoryMiB,
      diskGiB,
      location: location.ref,
      hypervisors: image.hypervisors as Hypervisor[],
      group: group ? { id: group.row.id, policy: group.row.policy, hasMembers: group.hosts.size > 0 } : null,
      hostHint,
    };
    const decision = group
      ? placeMachine(
          index
            .hosts()
            .map((host) => ({ ...host, groupIds: new Set(group.hosts.has(host.id) ? [group.row.id] : []) })),
          request,
        )
      : index.place(request);
    const host = decision.hostId ? rows.get(decision.hostId) : undefined;
    if (!host || !index.claim(host.id, { ...request, group: null })) {
      // An index kept from earlier batches may miss capacity given back elsewhere: look again first.
      if (!this.#freshIndexes.has(location.id)) throw new HostTaken();
      throw new LevanteError('PROVIDER_ERROR', decision.explanation.summary, {
        details: { providerError: 'CapacityError', placement: decision.explanation },
      });
    }
    if (group) group.hosts.add(host.id);
    addShare(this.#claims, host.id, request);
    return { host, summary: decision.explanation.summary };
  }
}

function machineRow({ request, project, offer, group, host }: Admitted, now: Date): MachineRow {
  const { account, provider, location, image, configuration } = offer;
  return {
    id: randomUUID(),
    projectId: project.id,
    accountId: account.id,
    providerId: provider.id,
    locationId: location.id,
    imageId: image.id,
    configurationId: configuration.id,
    hostId: host?.id ?? null,
    placementGroupId: group?.row.id ?? null,
    name: request.name,
    state: 'CREATING',
    providerRef: null,
    vcpus: configuration.vcpus,
    memoryMiB: configuration.memoryMiB,
    diskGiB: offer.diskGiB,
    addresses: [],
    labels: { ...request.input.labels },
    error: null,
    createdBy: request.actor.userId,
    createdAt: now,
    updatedAt: now,
  };
}

function createdEvent(
  { request, project, offer, host, placement, machine }: Admitted & { machine: MachineRow },
  jobId: string,
): EventInput {
  const { actor } = request;
  const { provider, location, image, configuration } = offer;
  return {
    type: 'machine.created',
    actor,
    projectId: project.id,
    subjectType: 'Machine',
    subjectId: machine.id,
    summary: `${actor.username} asked for machine ${machine.name} (${configuration.name}, ${image.name}) on ${provider.name} in ${location.name}${host ? `, host ${host.name}` : ''}.`,
    after: { ...machineSummary(machine), jobId, placement },
  };
}

function nameTaken(name: string): LevanteError {
  return conflict(`Project already has a machine named "${name}".`, 'name');
}
