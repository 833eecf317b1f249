import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { timestamps } from './columns.ts';
import { projects, users } from './identity.ts';
import { locations, machineConfigurations, machineImages, providerAccounts, providers } from './providers.ts';

/** A physical host of Levante's own provider (or of a private provider that exposes hosts). */
export const hosts = pgTable(
  'hosts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.id, { onDelete: 'cascade' }),
    locationId: uuid('location_id')
      .notNull()
      .references(() => locations.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    cluster: text('cluster'),
    hypervisor: text('hypervisor', { enum: ['kvm', 'xen', 'esx'] }).notNull(),
    vcpus: integer('vcpus').notNull(),
    memoryMiB: integer('memory_mib').notNull(),
    diskGiB: integer('disk_gib').notNull(),
    cpuAllocationRatio: real('cpu_allocation_ratio').notNull().default(4),
    ramAllocationRatio: real('ram_allocation_ratio').notNull().default(1),
    diskAllocationRatio: real('disk_allocation_ratio').notNull().default(1),
    /** What is promised to machines; changed only by atomic conditional updates. */
    allocatedVcpus: integer('allocated_vcpus').notNull().default(0),
    allocatedMemoryMiB: integer('allocated_memory_mib').notNull().default(0),
    allocatedDiskGiB: integer('allocated_disk_gib').notNull().default(0),
    labels: jsonb('labels').$type<Record<string, string>>().notNull().default({}),
    enabled: boolean('enabled').notNull().default(true),
    maintenance: boolean('maintenance').notNull().default(false),
    up: boolean('up').notNull().default(true),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('hosts_provider_name_key').on(t.providerId, t.name),
    index('hosts_location_idx').on(t.locationId),
  ],
);
export type HostRow = typeof hosts.$inferSelect;

export const placementGroups = pgTable(
  'placement_groups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    policy: text('policy', { enum: ['affinity', 'anti-affinity'] }).notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('placement_groups_project_name_key').on(t.projectId, sql`lower(${t.name})`)],
);
export type PlacementGroupRow = typeof placementGroups.$inferSelect;

/**
 * A recipe for machines (CIMI's MachineTemplate), kept by a project. Its
 * parts may go (an account deleted, an image the provider no longer offers):
 * they become null and the template stays, saying what is missing, until it
 * is edited.
 */
export const machineTemplates = pgTable(
  'machine_templates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    accountId: uuid('account_id').references(() => providerAccounts.id, { onDelete: 'set null' }),
    locationId: uuid('location_id').references(() => locations.id, { onDelete: 'set null' }),
    imageId: uuid('image_id').references(() => machineImages.id, { onDelete: 'set null' }),
    configurationId: uuid('configuration_id').references(() => machineConfigurations.id, {
      onDelete: 'set null',
    }),
    placementGroupId: uuid('placement_group_id').references(() => placementGroups.id, {
      onDelete: 'set null',
    }),
    labels: jsonb('labels').$type<Record<string, string>>().notNull().default({}),
    userData: text('user_data'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [uniqueIndex('machine_templates_project_name_key').on(t.projectId, sql`lower(${t.name})`)],
);
export type MachineTemplateRow = typeof machineTemplates.$inferSelect;

export const machines = pgTable(
  'machines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'restrict' }),
    /** Null once the account was deleted: only DELETED machines outlive their account, as history. */
    accountId: uuid('account_id').references(() => providerAccounts.id, { onDelete: 'set null' }),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.id, { onDelete: 'restrict' }),
    locationId: uuid('location_id')
      .notNull()
      .references(() => locations.id, { onDelete: 'restrict' }),
    imageId: uuid('image_id').references(() => machineImages.id, { onDelete: 'set null' }),
    configurationId: uuid('configuration_id').references(() => machineConfigurations.id, {
      onDelete: 'set null',
    }),
    hostId: uuid('host_id').references(() => hosts.id, { onDelete: 'set null' }),
    placementGroupId: uuid('placement_group_id').references(() => placementGroups.id, {
      onDelete: 'set null',
    }),
    name: text('name').notNull(),
    state: text('state').notNull(),
    /** The provider's identifier, once the provider has answered. */
    providerRef: text('provider_ref'),
    /** Copied from the configuration at creation: what quotas and hosts count. */
    vcpus: integer('vcpus').notNull(),
    memoryMiB: integer('memory_mib').notNull(),
    diskGiB: integer('disk_gib').notNull(),
    addresses: text('addresses').array().notNull().default(sql`'{}'::text[]`),
    /** People's key = value pairs, to find machines by (the inventory's `labels` filter). */
    labels: jsonb('labels').$type<Record<string, string>>().notNull().default({}),
    error: text('error'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('machines_project_name_key')
      .on(t.projectId, sql`lower(${t.name})`)
      .where(sql`${t.state} <> 'DELETED'`),
    index('machines_project_created_idx').on(t.projectId, t.createdAt, t.id),
    index('machines_created_idx').on(t.createdAt, t.id),
    index('machines_host_idx').on(t.hostId),
    index('machines_account_idx').on(t.accountId),
  ],
);
export type MachineRow = typeof machines.$inferSelect;

/**
 * A machine that is not DELETED: the predicate of `machines_project_name_key`.
 * It is written with the literal, not a parameter, so that a prepared
 * statement's generic plan can still use that partial index (`state <> $1`
 * does not imply the index's predicate, and the planner then scans the
 * project's machines instead).
 */
export const liveMachine = sql`${machines.state} <> 'DELETED'`;

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

/** Work for the workers: leased with SKIP LOCKED, retried when a lease expires. */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').notNull(),
    projectId: uuid('project_id').references(() => projects.id, { onDelete: 'cascade' }),
    machineId: uuid('machine_id').references(() => machines.id, { onDelete: 'cascade' }),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    state: text('state', { enum: JOB_STATES }).notNull().default('queued'),
    /** 0 to 100. */
    progress: integer('progress').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(5),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true, precision: 3 }),
    runAfter: timestamp('run_after', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    error: text('error'),
    /**
     * Set when a person cancels the job ("Cancelled by alice."): a waiting job
     * is given up by the next worker to lease it, a running one at its next
     * lease renewal.
     */
    cancelReason: text('cancel_reason'),
    idempotencyKey: text('idempotency_key').notNull(),
    parentId: uuid('parent_id'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    finishedAt: timestamp('finished_at', { withTimezone: true, precision: 3 }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('jobs_idempotency_key').on(t.idempotencyKey),
    index('jobs_ready_idx').on(t.state, t.runAfter),
    index('jobs_machine_idx').on(t.machineId),
    index('jobs_project_created_idx').on(t.projectId, t.createdAt, t.id),
    // The jobs that ended lately, for monitoring.
    index('jobs_finished_idx').on(t.finishedAt),
  ],
);
export type JobRow = typeof jobs.$inferSelect;

/** Per-project limits; a null limit is no limit. */
export const quotas = pgTable('quotas', {
  projectId: uuid('project_id')
    .primaryKey()
    .references(() => projects.id, { onDelete: 'cascade' }),
  machines: integer('machines'),
  vcpus: integer('vcpus'),
  memoryMiB: integer('memory_mib'),
  storageGiB: integer('storage_gib'),
  ...timestamps,
});
export type QuotaRow = typeof quotas.$inferSelect;
