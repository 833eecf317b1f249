import type { ConnectorRegistry } from '@levante/connector-api';
import {
  type Database,
  type HostRow,
  hosts,
  jobs,
  locations,
  providerInService,
  providers,
  type Transaction,
} from '@levante/db';
import {
  type Actor,
  badInput,
  conflict,
  counted,
  labelsSchema,
  notFound,
  themOrIt,
  validate,
} from '@levante/domain';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { liveMachines } from '../machines/live-machines.ts';
import { MIGRATE_MACHINE_JOB } from '../machines/machine-migration.commands.ts';
import { assertPlatformAdmin } from '../projects/project-access.ts';
import type { RecordEvent, UnitOfWork } from '../unit-of-work.ts';
import type { HostIndexCache } from './host-index-cache.ts';

const ratio = z
  .number()
  .min(0.1, 'An allocation ratio is at least 0.1.')
  .max(64, 'An allocation ratio is at most 64.');

const registerHostSchema = z.object({
  providerId: z.uuid(),
  location: z
    .string()
    .trim()
    .min(1, 'Name the location (site) of the host.')
    .max(64)
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'A location is lower-case letters, digits and dashes.'),
  name: z
    .string()
    .trim()
    .min(1, 'A host name cannot be empty.')
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'A host name is letters, digits, dots, dashes and underscores.'),
  cluster: z.string().trim().min(1).max(64).nullish(),
  hypervisor: z.enum(['kvm', 'xen', 'esx'], { message: 'The hypervisor is kvm, xen or esx.' }),
  vcpus: z.number().int().min(1, 'A host has at least 1 vCPU.').max(4096),
  memoryMiB: z
    .number()
    .int()
    .min(256, 'A host has at least 256 MiB of memory.')
    .max(64 * 1024 * 1024),
  diskGiB: z
    .number()
    .int()
    .min(1, 'A host has at least 1 GiB of disk.')
    .max(1024 * 1024),
  cpuAllocationRatio: ratio.default(4),
  ramAllocationRatio: ratio.default(1),
  diskAllocationRatio: ratio.default(1),
  labels: labelsSchema.default({}),
});

const updateHostSchema = z.object({
  cpuAllocationRatio: ratio.nullish(),
  ramAllocationRatio: ratio.nullish(),
  diskAllocationRatio: ratio.nullish(),
  labels: labelsSchema.nullish(),
  enabled: z.boolean().nullish(),
});

export type RegisterHostInput = z.input<typeof registerHostSchema>;

/** Platform admins manage the physical hosts of providers that expose them. */
export class HostCommands {
  constructor(
    private readonly db: Database,
    private readonly uow: UnitOfWork,
    private readonly registry: ConnectorRegistry,
    private readonly hostIndexes: HostIndexCache,
  ) {}

  async register(actor: Actor | null, input: RegisterHostInput): Promise<HostRow> {
    if (actor) assertPlatformAdmin(actor);
    const data = validate(registerHostSchema, input);
    const [provider] = await this.db
      .select()
      .from(providers)
      .where(and(eq(providers.id, data.providerId), providerInService));
    if (!provider) throw notFound('Provider');
    if (!(await this.registry.get(provider.kind)).capabilities.hosts) {
      throw badInput(
        'providerId',
        `Provider ${provider.name} (${provider.kind}) does not let Levante place machines on hosts.`,
      );
    }
    return this.#changing(async (tx, record) => {
      const [location] = await tx
        .insert(locations)
        .values({
          providerId: provider.id,
          ref: data.location,
          name: data.location,
          kind: 'site',
          parentRef: null,
        })
        .onConflictDoUpdate({ target: [locations.providerId, locations.ref], set: { ref: data.location } })
        .returning();
      const { providerId, location: _, ...host } = data;
      const [row] = await tx
        .insert(hosts)
        .values({ ...host, cluster: host.cluster ?? null, providerId, locationId: location!.id })
        .onConflictDoNothing()
        .returning();
      if (!row) throw conflict(`Provider ${provider.name} already has a host named "${data.name}".`, 'name');
      await hostEvent(
        record,
        actor,
        'host.registered',
        row,
        `Host ${row.name} (${row.hypervisor}, ${row.vcpus} vCPUs, ${Math.round(row.memoryMiB / 1024)} GiB) was registered in ${data.location}.`,
      );
      return row;
    });
  }

  async update(actor: Actor, hostId: string, input: z.input<typeof updateHostSchema>): Promise<HostRow> {
    assertPlatformAdmin(actor);
    const data = validate(updateHostSchema, input);
    return this.#changing(async (tx, record) => {
      const [before] = await tx.select().from(hosts).where(eq(hosts.id, hostId)).for('update');
      if (!before) throw notFound('Host');
      const [after] = await tx
        .update(hosts)
        .set({
          cpuAllocationRatio: data.cpuAllocationRatio ?? before.cpuAllocationRatio,
          ramAllocationRatio: data.ramAllocationRatio ?? before.ramAllocationRatio,
          diskAllocationRatio: data.diskAllocationRatio ?? before.diskAllocationRatio,
          labels: data.labels ?? before.labels,
          enabled: data.enabled ?? before.enabled,
          updatedAt: new Date(),
        })
        .where(eq(hosts.id, hostId))
        .returning();
      await hostEvent(record, actor, 'host.updated', after!, `Host ${before.name} was updated.`, before);
      return after!;
    });
  }

  /** A host in maintenance keeps its machines but receives no new ones. */
  async setMaintenance(actor: Actor, hostId: string, maintenance: boolean): Promise<HostRow> {
    assertPlatformAdmin(actor);
    return this.#changing(async (tx, record) => {
      const [row] = await tx
        .update(hosts)
        .set({ maintenance, updatedAt: new Date() })
        .where(eq(hosts.id, hostId))
        .returning();
      if (!row) throw notFound('Host');
      await hostEvent(
        record,
        actor,
        'host.maintenance_changed',
        row,
        maintenance
          ? `Host ${row.name} is in maintenance: no new machine goes there.`
          : `Host ${row.name} is back in service.`,
      );
      return row;
    });
  }

  /**
   * Decommissions a host: refused while machines live on it or are moving to
   * it (CONFLICT, with what to do). The machines it ran keep their history,
   * without a host.
   */
  async delete(actor: Actor, hostId: string): Promise<HostRow> {
    assertPlatformAdmin(actor);
    return this.#changing(async (tx, record) => {
      // Locked: a create or a migration that would claim it waits, then finds it gone.
      const [row] = await tx.select().from(hosts).where(eq(hosts.id, hostId)).for('update');
      if (!row) throw notFound('Host');
      const running = await liveMachines(tx, { hostId });
      if (running > 0) {
        throw conflict(
          `Host ${row.name} still has ${counted(running, 'machine')}; migrate or delete ${themOrIt(running)} first.`,
        );
      }
      const [incoming] = await tx
        .select({ id: jobs.id })
        .from(jobs)
        .where(
          and(
            eq(jobs.kind, MIGRATE_MACHINE_JOB),
            inArray(jobs.state, ['queued', 'running']),
            sql`${jobs.payload}->>'hostId' = ${hostId}`,
          ),
        )
        .limit(1);
      if (incoming) throw conflict(`A machine is migrating to host ${row.name}; wait until it has arrived.`);
      await tx.delete(hosts).where(eq(hosts.id, hostId));
      await hostEvent(record, actor, 'host.deleted', row, `Host ${row.name} was decommissioned.`);
      return row;
    });
  }

  /** Runs a change of hosts; the placement indexes read them again afterwards. */
  async #changing<T>(work: (tx: Transaction, record: RecordEvent) => Promise<T>): Promise<T> {
    try {
      return await this.uow.run(work);
    } finally {
      this.hostIndexes.invalidate();
    }
  }
}

function hostSummary(host: HostRow) {
  return {
    name: host.name,
    maintenance: host.maintenance,
    enabled: host.enabled,
    cpuAllocationRatio: host.cpuAllocationRatio,
    ramAllocationRatio: host.ramAllocationRatio,
    diskAllocationRatio: host.diskAllocationRatio,
    labels: host.labels,
  };
}

function hostEvent(
  record: RecordEvent,
  actor: Actor | null,
  type: string,
  host: HostRow,
  summary: string,
  before?: HostRow,
) {
  return record({
    type,
    actor,
    projectId: null,
    subjectType: 'Host',
    subjectId: host.id,
    summary,
    before: before ? hostSummary(before) : null,
    after: hostSummary(host),
  });
}
