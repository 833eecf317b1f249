import type { ConnectorRegistry } from '@levante/connector-api';
import { type Database, users } from '@levante/db';
import type { Actor } from '@levante/domain';
import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { seedEmbeddedSite } from './bootstrap/embedded-site.ts';
import { ensureFirstAdmin, FIRST_ADMIN_USERNAME, type FirstAdmin } from './bootstrap/first-admin.ts';
import { type Channel, LocalChannel } from './event-bus/channel.ts';
import type { EventBus } from './event-bus/event-bus.ts';
import { EventQueries } from './events/event.queries.ts';
import { EventSubscriptions } from './events/event.subscriptions.ts';
import { HostCommands } from './hosts/host.commands.ts';
import { HostQueries } from './hosts/host.queries.ts';
import { HostIndexCache, type HostNews } from './hosts/host-index-cache.ts';
import { ApiTokenCommands } from './identity/api-token.commands.ts';
import { Authentication } from './identity/authentication.ts';
import { type LoginThrottle, MemoryLoginThrottle } from './identity/login-throttle.ts';
import { UserCommands } from './identity/user.commands.ts';
import { UserQueries } from './identity/user.queries.ts';
import { JobCommands } from './jobs/job.commands.ts';
import { JobQueries } from './jobs/job.queries.ts';
import { JobQueue } from './jobs/job-queue.ts';
import { JobRetention } from './jobs/job-retention.ts';
import { bringsJobs } from './jobs/job-wakeup.ts';
import { DEFAULT_WORKER_OPTIONS, Worker, type WorkerOptions } from './jobs/worker.ts';
import { createMachineJob } from './machines/create-machine.job.ts';
import { MACHINE_ACTION_JOB, MachineCommands } from './machines/machine.commands.ts';
import { MachineQueries } from './machines/machine.queries.ts';
import { machineActionJob } from './machines/machine-action.job.ts';
import { MachineAdoption } from './machines/machine-adoption.ts';
import { MachineConvergence } from './machines/machine-convergence.ts';
import { CREATE_MACHINE_JOB } from './machines/machine-creation.ts';
import { MachineMigrationCommands, MIGRATE_MACHINE_JOB } from './machines/machine-migration.commands.ts';
import { MachineReconciler } from './machines/machine-reconciler.ts';
import { MachineTemplateCommands } from './machines/machine-template.commands.ts';
import { MARK_MANAGED_JOB, markManagedJob } from './machines/mark-managed.job.ts';
import { migrateMachineJob } from './machines/migrate-machine.job.ts';
import { PlacementGroupCommands } from './machines/placement-group.commands.ts';
import { MembershipCommands } from './projects/membership.commands.ts';
import { MembershipQueries } from './projects/membership.queries.ts';
import { ProjectCommands } from './projects/project.commands.ts';
import { ProjectQueries } from './projects/project.queries.ts';
import { ACCOUNT_UPDATED, AccountCommands } from './providers/account.commands.ts';
import { ConnectorPool } from './providers/connector-pool.ts';
import { PROVIDER_UPDATED, ProviderCommands } from './providers/provider.commands.ts';
import { ProviderQueries } from './providers/provider.queries.ts';
import { REFRESH_CATALOG_JOB, refreshCatalogJob } from './providers/refresh-catalog.job.ts';
import { QuotaCommands } from './quotas/quota.commands.ts';
import { CredentialCipher } from './secrets/credential-cipher.ts';
import { PlatformStatistics } from './statistics/platform-statistics.ts';
import { UnitOfWork } from './unit-of-work.ts';

export interface EngineOptions {
  readonly db: Database;
  readonly bus: EventBus;
  /** Where the processes' host indexes hear of each other's changes; by default this process only. */
  readonly hostNews?: Channel<HostNews>;
  readonly logger: Logger;
  readonly registry: ConnectorRegistry;
  /** 32 bytes; encrypts provider credentials at rest. */
  readonly masterKey: Buffer;
  /** Where connectors that keep state (the simulator) keep it; null: in memory only. */
  readonly dataDir: string | null;
  /** Where failed logins are counted; by default this process's memory. */
  readonly loginThrottle?: LoginThrottle;
  readonly worker?: Partial<WorkerOptions>;
  /** How often each account's machines are compared with its provider (drift); 0 or absent: only when asked. */
  readonly reconcileIntervalMs?: number;
  /** How long jobs that ended are kept; 0 or absent: for ever. */
  readonly jobRetentionMs?: number;
}

/** The engine: every command and query the API and the CLI may call, and the job worker. */
export function createEngine(options: EngineOptions) {
  const { db, bus, logger, registry } = options;
  const uow = new UnitOfWork(db, bus, logger);
  const cipher = new CredentialCipher(options.masterKey);
  const pool = new ConnectorPool(db, registry, cipher, options.dataDir);
  const queue = new JobQueue(db);
  const userCommands = new UserCommands(db, uow);
  const providers = new ProviderCommands(db, uow, registry, pool, queue);
  const hostIndexes = new HostIndexCache(options.hostNews ?? new LocalChannel(), (error) =>
    logger.error({ err: error }, 'telling or hearing host index news failed'),
  );
  const hosts = new HostCommands(db, uow, registry, hostIndexes);
  const reconciler = new MachineReconciler(
    db,
    uow,
    pool,
    hostIndexes,
    logger,
    options.reconcileIntervalMs ?? 0,
  );
  const accounts = new AccountCommands(db, uow, registry, pool, cipher, reconciler);
  const jobRetention = new JobRetention(db, logger, options.jobRetentionMs ?? 0);
  const convergence = new MachineConvergence(uow, queue, hostIndexes);
  // A provider's new endpoint or settings, or an account's new credentials, reach every process
  // through the bus: each reconnects.
  // Jobs enqueued by another process: this one's worker need not wait for its next poll.
  const stopWaking = bus.subscribe((event) => {
    if (bringsJobs(event)) queue.notify();
  });
  const stopReconnecting = bus.subscribe((event) => {
    if (event.after?.reconnect !== true) return;
    const forgetting =
      event.type === PROVIDER_UPDATED
        ? pool.forgetProvider(event.subjectId)
        : event.type === ACCOUNT_UPDATED
          ? pool.forget(event.subjectId)
          : null;
    forgetting?.catch((error: unknown) => {
      logger.error({ err: error, subject: event.subjectId }, 'reconnecting after a change failed');
    });
  });
  const jobQueries = new JobQueries(db);
  const machineCommands = new MachineCommands(uow, queue, registry, hostIndexes);
  const worker = new Worker(
    {
      db,
      uow,
      queue,
      pool,
      logger,
      handlers: {
        [CREATE_MACHINE_JOB]: createMachineJob(db, convergence),
        [MACHINE_ACTION_JOB]: machineActionJob(convergence),
        [MIGRATE_MACHINE_JOB]: migrateMachineJob(hostIndexes),
        [REFRESH_CATALOG_JOB]: refreshCatalogJob(),
        [MARK_MANAGED_JOB]: markManagedJob(),
      },
      // A cancelled attempt leaves its machine in ERROR (the provider may have acted): ask the
      // provider at once what became of it. One that cannot answer now is read at a later pass.
      afterCancel: (job, attempted) =>
        job.machineId && attempted ? reconciler.reconcileAccountOf(job.machineId) : Promise.resolve(),
    },
    { ...DEFAULT_WORKER_OPTIONS, ...options.worker },
  );

  return {
    auth: new Authentication(db, uow, options.loginThrottle ?? new MemoryLoginThrottle()),
    users: userCommands,
    userQueries: new UserQueries(db),
    apiTokens: new ApiTokenCommands(db, uow),
    projects: new ProjectCommands(uow),
    projectQueries: new ProjectQueries(db),
    memberships: new MembershipCommands(uow),
    membershipQueries: new MembershipQueries(db),
    events: new EventQueries(db),
    eventSubscriptions: new EventSubscriptions(db, bus),
    providers,
    providerQueries: new ProviderQueries(db, registry),
    accounts,
    hosts,
    hostQueries: new HostQueries(db),
    quotas: new QuotaCommands(db, uow),
    placementGroups: new PlacementGroupCommands(db, uow),
    machines: machineCommands,
    machineTemplates: new MachineTemplateCommands(db, uow, registry, machineCommands),
    migrations: new MachineMigrationCommands(uow, queue, registry, hostIndexes),
    adoption: new MachineAdoption(db, uow, queue, pool, registry, hostIndexes),
    machineQueries: new MachineQueries(db),
    jobQueries,
    jobs: new JobCommands(uow, queue, jobQueries),
    statistics: new PlatformStatistics(db),
    worker,
    reconciler,
    jobRetention,
    /** What a worker process does: runs jobs, reconciles accounts with their providers, removes old jobs. */
    startWork(): void {
      worker.start();
      reconciler.start();
      jobRetention.start();
    },
    ensureFirstAdmin: (password: string | undefined): Promise<FirstAdmin | null> =>
      ensureFirstAdmin(db, userCommands, password),
    /** Seeds the `local` provider with a simulated site on a fresh install. */
    seedEmbeddedSite: () =>
      seedEmbeddedSite(db, { providers, hosts, accounts }, async (projectId, providerId) => {
        const [admin] = await db.select().from(users).where(eq(users.username, FIRST_ADMIN_USERNAME));
        const system: Actor = {
          userId: admin!.id,
          username: admin!.username,
          isAdmin: true,
          mustChangePassword: false,
          credential: { kind: 'session', id: 'bootstrap' },
        };
        return accounts.add(system, {
          projectId,
          providerId,
          name: 'local',
          credentials: { token: 'local' },
        });
      }),
    async close(): Promise<void> {
      stopReconnecting();
      stopWaking();
      hostIndexes.close();
      await reconciler.stop();
      await jobRetention.stop();
      await worker.stop();
      await pool.close();
    },
  };
}

export type Engine = ReturnType<typeof createEngine>;
