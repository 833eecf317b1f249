import type { ConnectorRegistry } from '@levante/connector-api';
import {
  type Database,
  type Executor,
  type LocationRow,
  locations,
  type MachineConfigurationRow,
  type MachineImageRow,
  type MachineTemplateRow,
  machineConfigurations,
  machineImages,
  machineTemplates,
  type PlacementGroupRow,
  type ProviderAccountRow,
  type ProviderRow,
  placementGroups,
  projectAccounts,
  providerAccounts,
  providers,
  type Transaction,
  uniqueViolation,
} from '@levante/db';
import {
  type Actor,
  badInput,
  conflict,
  type Labels,
  labelsSchema,
  notFound,
  roleAllows,
  validate,
} from '@levante/domain';
import { and, asc, eq, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { authorizeProject, type ProjectAccess } from '../projects/project-access.ts';
import type { RecordEvent, UnitOfWork } from '../unit-of-work.ts';
import type { MachineCommands } from './machine.commands.ts';
import type { CreatedMachine } from './machine-creation.ts';
import { readOffer } from './machine-offer.ts';

const NAME_KEY = 'machine_templates_project_name_key';

const templateSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'A template name cannot be empty.')
    .max(64, 'A template name can have at most 64 characters.'),
  description: z
    .string()
    .trim()
    .max(500, 'A description can have at most 500 characters.')
    .nullish()
    .transform((d) => d || null),
  labels: labelsSchema.nullish().transform((l) => l ?? {}),
  userData: z
    .string()
    .max(64 * 1024, 'User data can have at most 64 KiB.')
    .nullish()
    .transform((u) => u || null),
});

/** What a template holds: what `createMachine` asks, but the name. */
export interface MachineTemplateInput {
  readonly name: string;
  readonly description?: string | null;
  readonly accountId: string;
  readonly locationId: string;
  readonly imageId: string;
  readonly configurationId: string;
  readonly placementGroupId?: string | null;
  readonly labels?: Labels | null;
  readonly userData?: string | null;
}

/** A template with its parts as they stand; a part that has gone is null, and `problem` says so. */
export interface MachineTemplateView {
  readonly template: MachineTemplateRow;
  readonly account: ProviderAccountRow | null;
  readonly provider: ProviderRow | null;
  readonly location: LocationRow | null;
  readonly image: MachineImageRow | null;
  readonly configuration: MachineConfigurationRow | null;
  readonly placementGroup: PlacementGroupRow | null;
  /** Why it cannot create machines now, or null when it can. */
  readonly problem: string | null;
  /**
   * Whether it has user data. The user data itself (`template.userData`) is
   * given only to those who may use the template: it may hold secrets
   * (a cloud-init password, a token), which a viewer has no use for.
   */
  readonly hasUserData: boolean;
}

export interface CreateFromTemplateInput {
  readonly templateId: string;
  /** With one machine, its name; with more, the base of their names (web → web-1, web-2…). */
  readonly name: string;
  readonly count?: number | null;
  /** Added to the template's labels, over those of the same key. */
  readonly labels?: Labels | null;
  /** Platform admins only. */
  readonly hostId?: string | null;
}

/**
 * Machine templates (CIMI's MachineTemplate): a project's recipes for
 * machines. A template is checked as a create is (the account is the
 * project's or shared with it, the image and configuration are offered in
 * the location, the group is the project's) when it is saved, and again by
 * the create when machines are made from it.
 */
export class MachineTemplateCommands {
  constructor(
    private readonly db: Database,
    private readonly uow: UnitOfWork,
    private readonly registry: ConnectorRegistry,
    private readonly machines: MachineCommands,
  ) {}

  async create(actor: Actor, projectId: string, input: MachineTemplateInput): Promise<MachineTemplateView> {
    const data = validate(templateSchema, input);
    const id = await this.#saving(data.name, () =>
      this.uow.run(async (tx, record) => {
        const { project } = await authorizeProject(tx, actor, projectId, 'resource.write');
        await this.#checkParts(tx, projectId, input);
        const [template] = await tx
          .insert(machineTemplates)
          .values({ projectId, ...data, ...parts(input), createdBy: actor.userId })
          .onConflictDoNothing()
          .returning();
        if (!template) throw nameTaken(project.name, data.name);
        await recordChange(
          record,
          actor,
          'machine_template.created',
          template,
          `created machine template ${template.name}`,
        );
        return template.id;
      }),
    );
    return this.byId(actor, id);
  }

  /** Replaces everything the template holds. */
  async update(actor: Actor, templateId: string, input: MachineTemplateInput): Promise<MachineTemplateView> {
    const data = validate(templateSchema, input);
    await this.#saving(data.name, () =>
      this.uow.run(async (tx, record) => {
        const before = await lockedTemplate(tx, templateId);
        await authorizeProject(tx, actor, before.projectId, 'resource.write');
        await this.#checkParts(tx, before.projectId, input);
        const [template] = await tx
          .update(machineTemplates)
          .set({ ...data, ...parts(input), updatedAt: new Date() })
          .where(eq(machineTemplates.id, templateId))
          .returning();
        await recordChange(
          record,
          actor,
          'machine_template.updated',
          template!,
          `changed machine template ${template!.name}`,
        );
      }),
    );
    return this.byId(actor, templateId);
  }

  async delete(actor: Actor, templateId: string): Promise<MachineTemplateRow> {
    return this.uow.run(async (tx, record) => {
      const template = await lockedTemplate(tx, templateId);
      await authorizeProject(tx, actor, template.projectId, 'resource.write');
      await tx.delete(machineTemplates).where(eq(machineTemplates.id, templateId));
      await recordChange(
        record,
        actor,
        'machine_template.deleted',
        template,
        `deleted machine template ${template.name}`,
      );
      return template;
    });
  }

  /** The project's templates, by name. */
  async list(actor: Actor, projectId: string): Promise<MachineTemplateView[]> {
    const access = await authorizeProject(this.db, actor, projectId, 'resource.read');
    const views = await this.#views(eq(machineTemplates.projectId, projectId));
    return views.map((view) => forCaller(view, actor, access));
  }

  async byId(actor: Actor, templateId: string): Promise<MachineTemplateView> {
    const [view] = await this.#views(eq(machineTemplates.id, templateId));
    if (!view) throw notFound('Machine template');
    return forCaller(
      view,
      actor,
      await authorizeProject(this.db, actor, view.template.projectId, 'resource.read'),
    );
  }

  /** Creates machines as the template says, as `createMachine` (one) or `createMachines` (several) would. */
  async createMachines(actor: Actor, input: CreateFromTemplateInput): Promise<CreatedMachine[]> {
    const { template, problem } = await this.byId(actor, input.templateId);
    if (problem)
      throw badInput(
        'templateId',
        `Template ${template.name} cannot create machines. ${problem} Edit it first.`,
      );
    const machine = {
      projectId: template.projectId,
      accountId: template.accountId!,
      locationId: template.locationId!,
      imageId: template.imageId!,
      configurationId: template.configurationId!,
      placementGroupId: template.placementGroupId,
      userData: template.userData,
      labels: { ...template.labels, ...input.labels },
      hostId: input.hostId ?? null,
      name: input.name,
    };
    const count = input.count ?? 1;
    return count === 1
      ? [await this.machines.create(actor, machine)]
      : this.machines.createMany(actor, machine, count);
  }

  /** The parts must make a machine the project may create: the same checks as a create's. */
  async #checkParts(tx: Transaction, projectId: string, input: MachineTemplateInput): Promise<void> {
    await readOffer(tx, this.registry, { projectId, ...input });
    if (!input.placementGroupId) return;
    const [group] = await tx
      .select({ id: placementGroups.id })
      .from(placementGroups)
      .where(and(eq(placementGroups.id, input.placementGroupId), eq(placementGroups.projectId, projectId)));
    if (!group) throw notFound('Placement group');
  }

  /** A rename that met a concurrent one on the same name answers CONFLICT, not a database error. */
  async #saving<T>(name: string, save: () => Promise<T>): Promise<T> {
    try {
      return await save();
    } catch (error) {
      if (uniqueViolation(error) === NAME_KEY) throw nameTaken(null, name);
      throw error;
    }
  }

  async #views(where: SQL): Promise<MachineTemplateView[]> {
    const rows = await this.db
      .select({
        template: machineTemplates,
        account: providerAccounts,
        provider: providers,
        shared: projectAccounts.accountId,
        location: locations,
        image: machineImages,
        configuration: machineConfigurations,
        placementGroup: placementGroups,
      })
      .from(machineTemplates)
      .leftJoin(providerAccounts, eq(providerAccounts.id, machineTemplates.accountId))
      .leftJoin(providers, eq(providers.id, providerAccounts.providerId))
      .leftJoin(
        projectAccounts,
        and(
          eq(projectAccounts.accountId, machineTemplates.accountId),
          eq(projectAccounts.projectId, machineTemplates.projectId),
        ),
      )
      .leftJoin(locations, eq(locations.id, machineTemplates.locationId))
      .leftJoin(machineImages, eq(machineImages.id, machineTemplates.imageId))
      .leftJoin(machineConfigurations, eq(machineConfigurations.id, machineTemplates.configurationId))
      .leftJoin(placementGroups, eq(placementGroups.id, machineTemplates.placementGroupId))
      .where(where)
      .orderBy(asc(machineTemplates.name));
    return rows.map(({ shared, ...view }) => ({
      ...view,
      problem: problemOf(view, shared !== null),
      hasUserData: view.template.userData !== null,
    }));
  }
}

function forCaller(view: MachineTemplateView, actor: Actor, access: ProjectAccess): MachineTemplateView {
  const mayUse = actor.isAdmin || (access.role !== null && roleAllows(access.role, 'resource.write'));
  return mayUse ? view : { ...view, template: { ...view.template, userData: null } };
}

function problemOf(
  view: Omit<MachineTemplateView, 'problem' | 'hasUserData'>,
  shared: boolean,
): string | null {
  if (!view.account || !view.provider) return 'Its provider account was deleted.';
  if (!shared) return `Provider account ${view.account.name} is no longer shared with this project.`;
  if (view.provider.deletedAt) return `Provider ${view.provider.name} was removed.`;
  if (!view.location) return 'Its location no longer exists.';
  if (!view.image) return 'Its image is no longer offered by the provider.';
  if (!view.configuration) return 'Its configuration is no longer offered by the provider.';
  return null;
}

function parts(input: MachineTemplateInput) {
  return {
    accountId: input.accountId,
    locationId: input.locationId,
    imageId: input.imageId,
    configurationId: input.configurationId,
    placementGroupId: input.placementGroupId ?? null,
  };
}

async function lockedTemplate(tx: Executor, templateId: string): Promise<MachineTemplateRow> {
  const [template] = await tx
    .select()
    .from(machineTemplates)
    .where(eq(machineTemplates.id, templateId))
    .for('update');
  if (!template) throw notFound('Machine template');
  return template;
}

function recordChange(
  record: RecordEvent,
  actor: Actor,
  type: string,
  template: MachineTemplateRow,
  what: string,
) {
  return record({
    type,
    actor,
    projectId: template.projectId,
    subjectType: 'MachineTemplate',
    subjectId: template.id,
    summary: `${actor.username} ${what}.`,
    after: { name: template.name },
  });
}

const nameTaken = (projectName: string | null, name: string) =>
  conflict(
    `${projectName ? `Project ${projectName}` : 'This project'} already has a machine template named "${name}".`,
    'name',
  );
