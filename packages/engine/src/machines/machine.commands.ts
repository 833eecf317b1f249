import type { ConnectorRegistry } from '@levante/connector-api';
import { type MachineRow, machines, providers, uniqueViolation } from '@levante/db';
import {
  type Actor,
  badInput,
  conflict,
  forbidden,
  type Labels,
  LevanteError,
  labelsSchema,
  MACHINE_ACTIONS,
  type MachineAction,
  type MachineState,
  notFound,
  transitionFor,
  validate,
} from '@levante/domain';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { HostIndexCache } from '../hosts/host-index-cache.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { authorizeProject } from '../projects/project-access.ts';
import type { UnitOfWork } from '../unit-of-work.ts';
import {
  type CreatedMachine,
  type CreateMachineInput,
  MachineCreation,
  type MachineWithJob,
} from './machine-creation.ts';
import { assertNotMigrating } from './machine-migration.commands.ts';
import { machineNameSchema } from './machine-name.ts';
import { machineSummary } from './machine-view.ts';
export const MACHINE_ACTION_JOB = 'machine.action';

/** Machines one request may ask for: quotas bound the rest. */
export const MAX_MACHINES_PER_REQUEST = 50;

/** Machines one request may act on together (a page of the inventory). */
export const MAX_MACHINES_PER_ACTION = 100;

const machineIdsSchema = z
  .array(z.string())
  .min(1, 'Name at least one machine.')
  .max(MAX_MACHINES_PER_ACTION, `Act on at most ${MAX_MACHINES_PER_ACTION} machines at a time.`)
  .refine((ids) => new Set(ids).size === ids.length, 'A machine is named more than once.');

/** A machine of a bulk action that was refused, and why; the others went ahead. */
export interface ActionRefusal {
  readonly machineId: string;
  readonly error: LevanteError;
}

const countSchema = z
  .number()
  .int('The number of machines is a whole number.')
  .min(1, 'Ask for at least 1 machine.')
  .max(MAX_MACHINES_PER_REQUEST, `Ask for at most ${MAX_MACHINES_PER_REQUEST} machines at a time.`);

/** The checks of a create that need no database; answers the machine's name. */
function checkedCreate(actor: Actor, input: CreateMachineInput): string {
  const name = validate(machineNameSchema, input.name, 'name');
  validate(labelsSchema.nullish(), input.labels, 'labels');
  if (input.hostId && !actor.isAdmin)
    throw forbidden('Only platform admins can choose the host of a machine.');
  if (input.userData && input.userData.length > 64 * 1024) {
    throw badInput('userData', 'User data can have at most 64 KiB.');
  }
  return name;
}

export class MachineCommands {
  readonly #creation: MachineCreation;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly queue: JobQueue,
    private readonly registry: ConnectorRegistry,
    hostIndexes: HostIndexCache,
  ) {
    this.#creation = new MachineCreation(uow, queue, registry, hostIndexes);
  }

  /**
   * Checks everything, then writes the machine in CREATING, its job and its
   * events in one transaction. Nothing reaches the provider here: a worker
   * takes the job once this commits.
   */
  async create(actor: Actor, input: CreateMachineInput): Promise<CreatedMachine> {
    const name = checkedCreate(actor, input);
    const result = await this.#creation.create({ actor, input, name });
    this.queue.notify();
    return result;
  }

  /**
   * Creates `count` machines alike, named after `input.name` with a suffix
   * (web-1, web-2…), all or none: each is checked as `create` checks one, and
   * the first refusal refuses them all.
   */
  async createMany(actor: Actor, input: CreateMachineInput, count: number): Promise<CreatedMachine[]> {
    const base = checkedCreate(actor, input);
    const n = validate(countSchema, count, 'count');
    const names = Array.from({ length: n }, (_, i) => `${base}-${i + 1}`);
    if (!machineNameSchema.safeParse(names.at(-1)).success) {
      throw badInput(
        'name',
        `With ${n} machines, a name has at most ${63 - `-${n}`.length} characters: "-1" to "-${n}" is added to it.`,
      );
    }
    const created = await this.#creation.createTogether(names.map((name) => ({ actor, input, name })));
    this.queue.notify();
    return created;
  }

  /** Replaces a machine's labels (not DELETED); its provider does not see them. */
  async setLabels(actor: Actor, machineId: string, labels: Labels): Promise<MachineRow> {
    const wanted = validate(labelsSchema, labels, 'labels');
    return this.uow.run(async (tx, record) => {
      const [machine] = await tx.select().from(machines).where(eq(machines.id, machineId)).for('update');
      if (!machine || machine.state === 'DELETED') throw notFound('Machine');
      await authorizeProject(tx, actor, machine.projectId, 'resource.write');
      const [changed] = await tx
        .update(machines)
        .set({ labels: wanted, updatedAt: new Date() })
        .where(eq(machines.id, machineId))
        .returning();
      const shown = Object.entries(wanted)
        .map(([key, value]) => `${key}=${value}`)
        .join(', ');
      await record({
        type: 'machine.labels_changed',
        actor,
        projectId: machine.projectId,
        subjectType: 'Machine',
        subjectId: machineId,
        summary: `${actor.username} set the labels of machine ${machine.name} to ${shown || 'none'}.`,
        before: { labels: machine.labels },
        after: { labels: wanted },
      });
      return changed!;
    });
  }

  /**
   * Renames a machine in Levante (the provider keeps its own name for it),
   * in any state but DELETED; a name the project's live machines use is
   * refused with CONFLICT.
   */
  async rename(actor: Actor, machineId: string, newName: string): Promise<MachineRow> {
    const name = validate(machineNameSchema, newName, 'name');
    try {
      return await this.uow.run(async (tx, record) => {
        const [machine] = await tx.select().from(machines).where(eq(machines.id, machineId)).for('update');
        if (!machine || machine.state === 'DELETED') throw notFound('Machine');
        await authorizeProject(tx, actor, machine.projectId, 'resource.write');
        if (machine.name === name) return machine;
        const [renamed] = await tx
          .update(machines)
          .set({ name, updatedAt: new Date() })
          .where(eq(machines.id, machineId))
          .returning();
        await record({
          type: 'machine.renamed',
          actor,
          projectId: machine.projectId,
          subjectType: 'Machine',
          subjectId: machineId,
          summary: `${actor.username} renamed machine ${machine.name} to ${name}.`,
          before: { name: machine.name },
          after: machineSummary(renamed!),
        });
        return renamed!;
      });
    } catch (error) {
      if (uniqueViolation(error) === 'machines_project_name_key') {
        throw conflict(`Project already has a machine named "${name}".`, 'name');
      }
      throw error;
    }
  }

  /**
   * The same action on several machines, each on its own as `act` does it:
   * those whose state, role or provider forbids it are refused with their
   * reason, and the others go ahead.
   */
  async actOnMany(
    actor: Actor,
    machineIds: readonly string[],
    action: MachineAction,
  ): Promise<{ started: MachineWithJob[]; refused: ActionRefusal[] }> {
    const ids = validate(machineIdsSchema, machineIds, 'machineIds');
    if (!MACHINE_ACTIONS.includes(action)) throw badInput('action', `Unknown action "${action}".`);
    const started: MachineWithJob[] = [];
    const refused: ActionRefusal[] = [];
    for (const machineId of ids) {
      try {
        started.push(await this.act(actor, machineId, action));
      } catch (error) {
        if (!(error instanceof LevanteError)) throw error;
        refused.push({ machineId, error });
      }
    }
    return { started, refused };
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
      // A migration not started yet gives way (its job sees the new state and cancels itself).
      await assertNotMigrating(tx, machine, ['running']);
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
