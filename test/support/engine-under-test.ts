import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectorRegistry } from '@levante/connector-api';
import type { DatabaseHandle } from '@levante/db';
import { openTestDatabase, type TestDatabaseKind } from '@levante/db/testing';
import type { Actor, ProjectRole } from '@levante/domain';
import {
  type Channel,
  createEngine,
  type Engine,
  type HostNews,
  InProcessEventBus,
  LocalChannel,
  type WorkerOptions,
} from '@levante/engine';
import pino from 'pino';
import { createConnectorRegistry } from '../../apps/api/src/server/connector-registry.ts';

export const SITE_TOKEN = 'site-token';
export const FAST_SITE = {
  token: SITE_TOKEN,
  bootDelayMs: 0,
  stopDelayMs: 0,
  actionDelayMs: 0,
  migrateDelayMs: 0,
  jitter: 0,
};
const FAST_WORKER: Partial<WorkerOptions> = {
  idlePollMs: 50,
  polling: { initialMs: 5, maxMs: 50, timeoutMs: 30_000 },
};

/** Another engine on the same database and data directory: another process of the installation. */
interface AnotherEngine {
  readonly registry?: ConnectorRegistry;
  readonly worker?: Partial<WorkerOptions>;
  readonly reconcileIntervalMs?: number;
  readonly jobRetentionMs?: number;
}

export interface EngineUnderTest {
  readonly handle: DatabaseHandle;
  readonly dataDir: string;
  readonly masterKey: Buffer;
  readonly engine: Engine;
  readonly admin: Actor;
  /** Another engine on the same database and data directory: a second replica, or a restart. */
  another(options?: AnotherEngine): Engine;
  close(): Promise<void>;
}

/**
 * An engine on a fresh database, with the real connector registry and a first
 * admin. Its host indexes and those of `another` tell each other their
 * changes on `hostNews` (by default in memory, as one process's would).
 */
export async function engineUnderTest(
  kind: TestDatabaseKind,
  options: { hostNews?: Channel<HostNews> } = {},
): Promise<EngineUnderTest> {
  const handle = await openTestDatabase(kind);
  const dataDir = mkdtempSync(join(tmpdir(), 'levante-engine-'));
  const masterKey = randomBytes(32);
  const engines: Engine[] = [];
  // The engines are processes of one installation: they hear each other's events, as over Redis.
  const bus = new InProcessEventBus();
  const hostNews = options.hostNews ?? new LocalChannel<HostNews>();
  const make = (options: AnotherEngine = {}) => {
    const engine = createEngine({
      db: handle.db,
      bus,
      hostNews,
      logger: pino({ level: 'silent' }),
      registry: options.registry ?? createConnectorRegistry(),
      masterKey,
      dataDir,
      worker: { ...FAST_WORKER, ...options.worker },
      reconcileIntervalMs: options.reconcileIntervalMs ?? 0,
      jobRetentionMs: options.jobRetentionMs ?? 0,
    });
    engines.push(engine);
    return engine;
  };
  const engine = make();
  await engine.ensureFirstAdmin('admin password for tests');
  const admin = (await engine.auth.login({ username: 'admin', password: 'admin password for tests' }, 'test'))
    .actor;
  return {
    handle,
    dataDir,
    masterKey,
    engine,
    admin,
    another: make,
    close: async () => {
      for (const e of engines) await e.close();
      await handle.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Site {
  readonly providerId: string;
  readonly projectId: string;
  readonly accountId: string;
  readonly locationId: string;
  readonly imageId: string;
  readonly configurationId: string;
}

/** A local provider with `hosts` hosts in paris, a project of the admin and an account on it. */
export async function buildSite(
  subject: EngineUnderTest,
  options: { hosts?: number; settings?: Record<string, unknown>; projectName?: string } = {},
): Promise<Site> {
  const { engine, admin } = subject;
  const provider = await engine.providers.register(admin, {
    kind: 'local',
    name: `site-${randomBytes(3).toString('hex')}`,
    settings: { ...FAST_SITE, ...options.settings },
  });
  for (let i = 1; i <= (options.hosts ?? 4); i++) {
    await engine.hosts.register(admin, {
      providerId: provider.id,
      location: 'paris',
      name: `paris-${i}`,
      hypervisor: 'kvm',
      vcpus: 64,
      memoryMiB: 512 * 1024,
      diskGiB: 10_000,
    });
  }
  const project = await engine.projects.create(admin, {
    name: options.projectName ?? `p-${randomBytes(3).toString('hex')}`,
  });
  const account = await engine.accounts.add(admin, {
    projectId: project.id,
    providerId: provider.id,
    name: 'site',
    credentials: { token: SITE_TOKEN },
  });
  const [location] = await engine.providerQueries
    .locations(admin, provider.id)
    .then((ls) => ls.filter((l) => l.ref === 'paris'));
  const images = await engine.providerQueries.images(admin, account.id, location!.id);
  const configurations = await engine.providerQueries.configurations(admin, account.id, location!.id);
  return {
    providerId: provider.id,
    projectId: project.id,
    accountId: account.id,
    locationId: location!.id,
    imageId: images.find((i) => i.ref === 'debian-12')!.id,
    configurationId: configurations.find((c) => c.ref === 'small')!.id,
  };
}

/** What `machines.create` needs for a small Debian machine named `name` on the site. */
export function machineOn(site: Site, name: string) {
  return {
    projectId: site.projectId,
    accountId: site.accountId,
    locationId: site.locationId,
    imageId: site.imageId,
    configurationId: site.configurationId,
    name,
  };
}

const USER_PASSWORD = 'a long enough password';

/** Another user, signed in; with `role` in the project when `member` is given, else in none. */
export async function signedInUser(
  subject: EngineUnderTest,
  username: string,
  member?: { readonly projectId: string; readonly role: ProjectRole },
): Promise<Actor> {
  const { engine, admin } = subject;
  await engine.users.create(admin, { username, password: USER_PASSWORD, mustChangePassword: false });
  if (member) await engine.memberships.add(admin, member.projectId, { username, role: member.role });
  return (await engine.auth.login({ username, password: USER_PASSWORD }, 'test')).actor;
}

/** Runs every job that is ready, as a worker of `engine` would, until none is left. */
export async function drainJobs(engine: Engine): Promise<void> {
  while (await engine.worker.runOnce()) {}
}

/** A machine created on `site` and run to the end by `worker`'s jobs (another process, say): its row then. */
export async function machineRunBy(subject: EngineUnderTest, site: Site, worker: Engine, name: string) {
  const { machine } = await subject.engine.machines.create(subject.admin, machineOn(site, name));
  await drainJobs(worker);
  return (await subject.engine.machineQueries.byId(subject.admin, machine.id)).machine;
}
