import { type Database, projects, providers, users } from '@levante/db';
import { count, eq } from 'drizzle-orm';
import type { HostCommands, RegisterHostInput } from '../hosts/host.commands.ts';
import type { AccountCommands } from '../providers/account.commands.ts';
import type { ProviderCommands } from '../providers/provider.commands.ts';
import { FIRST_ADMIN_USERNAME } from './first-admin.ts';

type SiteHost = Omit<RegisterHostInput, 'providerId'>;

const host = (
  location: string,
  cluster: string,
  n: number,
  hypervisor: 'kvm' | 'xen' | 'esx',
  big = false,
): SiteHost => ({
  location,
  cluster,
  name: `${cluster}-${n}`,
  hypervisor,
  vcpus: big ? 64 : 32,
  memoryMiB: (big ? 256 : 128) * 1024,
  diskGiB: big ? 4000 : 2000,
  cpuAllocationRatio: 4,
  ramAllocationRatio: 1.5,
});

/** The simulated site of a fresh install: Paris with two clusters of four hosts, Lyon with four. */
export const EMBEDDED_SITE_HOSTS: readonly SiteHost[] = [
  ...[1, 2, 3, 4].map((n) => host('paris', 'paris-a', n, 'kvm')),
  ...[1, 2, 3, 4].map((n) => host('paris', 'paris-b', n, n <= 2 ? 'xen' : 'esx', true)),
  ...[1, 2, 3, 4].map((n) => host('lyon', 'lyon-a', n, n % 2 ? 'kvm' : 'esx')),
];

/** What the simulated site already runs, as a real site would: machines for Levante to adopt. */
export const EMBEDDED_SITE_EXISTING = [
  { name: 'legacy-web', location: 'paris', host: 'paris-a-1', image: 'debian-12', configuration: 'small' },
  {
    name: 'legacy-db',
    location: 'paris',
    host: 'paris-a-2',
    image: 'debian-12',
    configuration: 'medium',
    state: 'shutoff',
  },
] as const;

/**
 * On a fresh install (no provider yet), registers the `local` provider with a
 * simulated site and gives the first admin's personal project an account on
 * it, so that a new user can create a machine within a minute of starting
 * (and adopt the two the site already runs).
 */
export async function seedEmbeddedSite(
  db: Database,
  commands: { providers: ProviderCommands; hosts: HostCommands; accounts: AccountCommands },
  createAccount: (ownerProjectId: string, providerId: string) => ReturnType<AccountCommands['add']>,
): Promise<boolean> {
  const [existing] = await db.select({ n: count() }).from(providers);
  if ((existing?.n ?? 0) > 0) return false;
  const provider = await commands.providers.register(null, {
    kind: 'local',
    name: 'Levante local',
    visibility: 'all',
    settings: { driver: 'sim', existing: EMBEDDED_SITE_EXISTING },
  });
  for (const site of EMBEDDED_SITE_HOSTS)
    await commands.hosts.register(null, { ...site, providerId: provider.id });
  const [personal] = await db
    .select({ id: projects.id })
    .from(projects)
    .innerJoin(users, eq(users.id, projects.personalOf))
    .where(eq(users.username, FIRST_ADMIN_USERNAME));
  if (personal) await createAccount(personal.id, provider.id);
  return true;
}
