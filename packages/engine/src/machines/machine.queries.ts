import {
  type Database,
  type HostRow,
  hosts,
  type LocationRow,
  liveMachine,
  locations,
  type MachineRow,
  machineConfigurations,
  machineImages,
  machines,
  type ProviderRow,
  providers,
} from '@levante/db';
import { type Actor, type Labels, labelsSchema, MACHINE_STATES, notFound, validate } from '@levante/domain';
import { and, count, desc, eq, ilike, inArray, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { decodeCursor, keysetAfter, type Page, type PageArgs, pageSize, toPage } from '../pagination.ts';
import { assertActive, authorizeProject, inMemberProjects } from '../projects/project-access.ts';

export interface InventoryFilter {
  readonly projectId?: string | null;
  readonly providerId?: string | null;
  readonly locationId?: string | null;
  readonly states?: readonly string[] | null;
  /** Part of the name, any case. */
  readonly name?: string | null;
  /** Deleted machines are hidden unless asked for. */
  readonly includeDeleted?: boolean | null;
  /** Only machines that carry every one of these labels. */
  readonly labels?: Labels | null;
}

export interface InventoryItem {
  readonly machine: MachineRow;
  readonly provider: ProviderRow;
  readonly location: LocationRow;
  readonly host: HostRow | null;
  readonly imageName: string | null;
  readonly configurationName: string | null;
}

/** The columns of an inventory item, joined around `machines`. */
const ITEM = {
  machine: machines,
  provider: providers,
  location: locations,
  host: hosts,
  imageName: machineImages.name,
  configurationName: machineConfigurations.name,
};

const filterSchema = z.object({
  states: z
    .array(z.enum(MACHINE_STATES, { message: `A state is one of ${MACHINE_STATES.join(', ')}.` }))
    .max(14)
    .nullish(),
  name: z.string().max(63, 'A machine name has at most 63 characters.').nullish(),
  labels: labelsSchema.nullish(),
});

export class MachineQueries {
  constructor(private readonly db: Database) {}

  /** Every machine the caller may see, across providers and accounts, newest first. */
  async inventory(actor: Actor, filter: InventoryFilter, args: PageArgs): Promise<Page<InventoryItem>> {
    assertActive(actor);
    const { states, name, labels } = validate(filterSchema, {
      states: filter.states,
      name: filter.name,
      labels: filter.labels,
    });
    if (filter.projectId) await authorizeProject(this.db, actor, filter.projectId, 'resource.read');
    const size = pageSize(args);
    const conditions: (SQL | undefined)[] = [
      filter.projectId
        ? eq(machines.projectId, filter.projectId)
        : inMemberProjects(this.db, actor, machines.projectId),
      filter.providerId ? eq(machines.providerId, filter.providerId) : undefined,
      filter.locationId ? eq(machines.locationId, filter.locationId) : undefined,
      states && states.length > 0 ? inArray(machines.state, states) : undefined,
      !filter.includeDeleted && !states?.includes('DELETED') ? liveMachine : undefined,
      name ? ilike(machines.name, `%${name.replace(/[\\%_]/g, '\\$&')}%`) : undefined,
      labels && Object.keys(labels).length > 0
        ? sql`${machines.labels} @> ${JSON.stringify(labels)}::jsonb`
        : undefined,
    ];
    const after = args.after ? decodeCursor(args.after, ['string', 'string']) : null;
    // The page is cut from machines alone, then joined: joining first would join every match before the sort.
    const page = this.db
      .select({ id: machines.id, createdAt: machines.createdAt })
      .from(machines)
      .where(
        and(...conditions, after ? keysetAfter([machines.createdAt, machines.id], after, 'desc') : undefined),
      )
      .orderBy(desc(machines.createdAt), desc(machines.id))
      .limit(size + 1)
      .as('page');
    const [rows, [total]] = await Promise.all([
      this.db
        .select(ITEM)
        .from(page)
        .innerJoin(machines, eq(machines.id, page.id))
        .innerJoin(providers, eq(providers.id, machines.providerId))
        .innerJoin(locations, eq(locations.id, machines.locationId))
        .leftJoin(hosts, eq(hosts.id, machines.hostId))
        .leftJoin(machineImages, eq(machineImages.id, machines.imageId))
        .leftJoin(machineConfigurations, eq(machineConfigurations.id, machines.configurationId))
        .orderBy(desc(page.createdAt), desc(page.id)),
      this.db
        .select({ n: count() })
        .from(machines)
        .where(and(...conditions)),
    ]);
    return toPage(
      rows,
      size,
      total?.n ?? 0,
      (r) => [r.machine.createdAt.toISOString(), r.machine.id],
      (r) => r,
    );
  }

  async byId(actor: Actor, machineId: string): Promise<InventoryItem> {
    assertActive(actor);
    const [row] = await this.db
      .select(ITEM)
      .from(machines)
      .innerJoin(providers, eq(providers.id, machines.providerId))
      .innerJoin(locations, eq(locations.id, machines.locationId))
      .leftJoin(hosts, eq(hosts.id, machines.hostId))
      .leftJoin(machineImages, eq(machineImages.id, machines.imageId))
      .leftJoin(machineConfigurations, eq(machineConfigurations.id, machines.configurationId))
      .where(and(eq(machines.id, machineId), inMemberProjects(this.db, actor, machines.projectId)));
    if (!row) throw notFound('Machine');
    return row;
  }
}
