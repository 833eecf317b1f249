import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { timestamps } from './columns.ts';
import { projects, users } from './identity.ts';

/** A cloud Levante talks to, registered by a platform admin. */
export const providers = pgTable(
  'providers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    endpoint: text('endpoint'),
    /** 'all': every project may bring accounts; 'projects': only those in provider_projects. */
    visibility: text('visibility', { enum: ['all', 'projects'] })
      .notNull()
      .default('all'),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    /**
     * Set when a platform admin deleted the provider. The row stays for the
     * history that names it (DELETED machines, locations), out of every list
     * and choice; its name is free again.
     */
    deletedAt: timestamp('deleted_at', { withTimezone: true, precision: 3 }),
    ...timestamps,
  },
  (t) => [uniqueIndex('providers_name_key').on(sql`lower(${t.name})`).where(sql`${t.deletedAt} is null`)],
);
export type ProviderRow = typeof providers.$inferSelect;

/** A provider not deleted. */
export const providerInService = sql`${providers.deletedAt} is null`;

export const providerProjects = pgTable(
  'provider_projects',
  {
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.providerId, t.projectId] })],
);

/** Credentials a project brings for a provider; encrypted, never returned. */
export const providerAccounts = pgTable(
  'provider_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.id, { onDelete: 'restrict' }),
    /** The project that brought the account. */
    ownerProjectId: uuid('owner_project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    /** AES-256-GCM under the master key: version, nonce, tag and ciphertext, base64. */
    credentials: text('credentials').notNull(),
    /** The provider's own name for the account, from validation. */
    remoteName: text('remote_name').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    /** When Levante last compared its machines with the provider's (see MachineReconciler). */
    reconciledAt: timestamp('reconciled_at', { withTimezone: true }),
    /** Why that comparison failed (the provider's answer, for people); null when it went through. */
    reconcileError: text('reconcile_error'),
    ...timestamps,
  },
  (t) => [uniqueIndex('provider_accounts_project_name_key').on(t.ownerProjectId, sql`lower(${t.name})`)],
);
export type ProviderAccountRow = typeof providerAccounts.$inferSelect;

/** Which projects may use an account (the owner project included). */
export const projectAccounts = pgTable(
  'project_accounts',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => providerAccounts.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.accountId] }),
    index('project_accounts_account_idx').on(t.accountId),
  ],
);

export const locations = pgTable(
  'locations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.id, { onDelete: 'cascade' }),
    ref: text('ref').notNull(),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['region', 'zone', 'site'] }).notNull(),
    parentRef: text('parent_ref'),
  },
  (t) => [uniqueIndex('locations_provider_ref_key').on(t.providerId, t.ref)],
);
export type LocationRow = typeof locations.$inferSelect;

/** The images an account may use in a location, as last read from the provider. */
export const machineImages = pgTable(
  'machine_images',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => providerAccounts.id, { onDelete: 'cascade' }),
    locationId: uuid('location_id')
      .notNull()
      .references(() => locations.id, { onDelete: 'cascade' }),
    ref: text('ref').notNull(),
    name: text('name').notNull(),
    os: text('os'),
    architecture: text('architecture'),
    hypervisors: text('hypervisors').array().notNull().default(sql`'{}'::text[]`),
    minDiskGiB: integer('min_disk_gib').notNull().default(0),
    extra: jsonb('extra').$type<Record<string, unknown>>(),
  },
  (t) => [uniqueIndex('machine_images_account_location_ref_key').on(t.accountId, t.locationId, t.ref)],
);
export type MachineImageRow = typeof machineImages.$inferSelect;

export const machineConfigurations = pgTable(
  'machine_configurations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => providerAccounts.id, { onDelete: 'cascade' }),
    locationId: uuid('location_id')
      .notNull()
      .references(() => locations.id, { onDelete: 'cascade' }),
    ref: text('ref').notNull(),
    name: text('name').notNull(),
    vcpus: integer('vcpus').notNull(),
    memoryMiB: integer('memory_mib').notNull(),
    diskGiB: integer('disk_gib').notNull(),
  },
  (t) => [
    uniqueIndex('machine_configurations_account_location_ref_key').on(t.accountId, t.locationId, t.ref),
  ],
);
export type MachineConfigurationRow = typeof machineConfigurations.$inferSelect;
