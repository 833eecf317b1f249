import { randomBytes } from 'node:crypto';
import { hosts, machines } from '@levante/db';
import { TEST_DATABASE_KINDS, type TestDatabaseKind } from '@levante/db/testing';
import {
  type Channel,
  connectRedis,
  type Engine,
  type HostNews,
  LocalChannel,
  RedisChannel,
  redisNamespaceFor,
} from '@levante/engine';
import { and, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSite,
  drainJobs,
  type EngineUnderTest,
  engineUnderTest,
  machineOn,
  type Site,
} from '../support/engine-under-test.ts';
import { TEST_REDIS_URL } from '../support/redis.ts';
import { refusal } from '../support/refusal.ts';

/** Host index news in memory, or over Redis as between the processes of an installation. */
type NewsCarrier = 'memory' | 'Redis';

async function newsChannel(
  carrier: NewsCarrier,
): Promise<{ channel: Channel<HostNews>; close(): Promise<void> }> {
  if (carrier === 'memory') {
    const channel = new LocalChannel<HostNews>();
    return { channel, close: () => channel.close() };
  }
  const fail = (error: unknown) => {
    throw error;
  };
  const [publisher, subscriber] = await Promise.all([
    connectRedis(TEST_REDIS_URL, fail),
    connectRedis(TEST_REDIS_URL, fail),
  ]);
  const name = `${redisNamespaceFor(randomBytes(32))}:hosts`;
  const channel = await RedisChannel.open(
    publisher,
    subscriber,
    name,
    (text) => JSON.parse(text) as HostNews,
    fail,
  );
  return {
    channel,
    close: async () => {
      await channel.close();
      await Promise.all([publisher.close(), subscriber.close()]);
    },
  };
}

const CASES: [TestDatabaseKind, NewsCarrier][] = [
  ...TEST_DATABASE_KINDS.map((kind): [TestDatabaseKind, NewsCarrier] => [kind, 'memory']),
  ['postgres', 'Redis'],
];

/**
 * Each engine keeps its hosts indexed between creates instead of reading and
 * scanning them per create. Two replicas on one database each keep their own.
 * They tell each other the capacity they give back and the hosts they change,
 * so that the other's next placement counts on them; what they do not tell
 * (claims), or news lost on the way, the database must still decide: no
 * overcommit, no host out of service, no capacity lost.
 */
describe.each(CASES)(
  'placement from the kept host index, two replicas on %s, news in %s',
  (kind, carrier) => {
    let subject: EngineUnderTest;
    let other: Engine;
    let news: Awaited<ReturnType<typeof newsChannel>>;

    beforeAll(async () => {
      news = await newsChannel(carrier);
      subject = await engineUnderTest(kind, { hostNews: news.channel });
      other = subject.another();
    }, 60_000);
    afterAll(async () => {
      await subject?.close();
      await news?.close();
    });

    /** Resolves once the next news matching `kind` has reached the listeners (over Redis, it travels). */
    const heard = (kind: 'released' | 'reread') =>
      new Promise<void>((resolve) => {
        const stop = news.channel.subscribe((message) => {
          if (!(kind in message)) return;
          stop();
          resolve();
        });
      });
    const hostNamed = async (site: Site, name: string) => {
      const [row] = await subject.handle.db
        .select()
        .from(hosts)
        .where(and(eq(hosts.providerId, site.providerId), eq(hosts.name, name)));
      return row!;
    };

    const drain = async (engine: Engine) => {
      await drainJobs(engine);
    };
    const create = async (engine: Engine, site: Site, name: string) => {
      const { machine } = await engine.machines.create(subject.admin, machineOn(site, name));
      return machine;
    };
    /** Each host of the site: [name, allocated vCPUs, vCPUs the live machines on it hold]. */
    const allocation = async (site: Site) => {
      const rows = await subject.handle.db.select().from(hosts).where(eq(hosts.providerId, site.providerId));
      const live = await subject.handle.db
        .select()
        .from(machines)
        .where(and(eq(machines.projectId, site.projectId), ne(machines.state, 'DELETED')));
      return rows
        .map((h) => [
          h.name,
          h.allocatedVcpus,
          live.filter((m) => m.hostId === h.id).reduce((sum, m) => sum + m.vcpus, 0),
        ])
        .sort();
    };
    /** A site of two hosts with room for two small machines each (1 vCPU, no overcommit). */
    const tightSite = async () => {
      const site = await buildSite(subject, { hosts: 0 });
      for (const name of ['tight-1', 'tight-2']) {
        await subject.engine.hosts.register(subject.admin, {
          providerId: site.providerId,
          location: 'paris',
          name,
          hypervisor: 'kvm',
          vcpus: 2,
          memoryMiB: 64 * 1024,
          diskGiB: 1000,
          cpuAllocationRatio: 1,
        });
      }
      return site;
    };

    it('never overcommits a host that the other replica filled, and places on capacity it gave back', async () => {
      const site = await tightSite();
      // This replica's index now holds the site, with one machine on it.
      await create(subject.engine, site, 'mine-1');
      // The other replica fills the site behind its back.
      for (const name of ['theirs-1', 'theirs-2', 'theirs-3']) await create(other, site, name);

      const full = await refusal(create(subject.engine, site, 'one-too-many'));
      expect(full.code).toBe('PROVIDER_ERROR');
      expect(full.message).toMatch(/lack vCPUs/);
      expect(await allocation(site)).toEqual([
        ['tight-1', 2, 2],
        ['tight-2', 2, 2],
      ]);

      // The other replica deletes one of its machines: its host has room again.
      const theirs = await subject.handle.db.select().from(machines).where(eq(machines.name, 'theirs-2'));
      await drain(other);
      await other.machines.act(subject.admin, theirs[0]!.id, 'delete');
      await drain(other);
      const again = await create(subject.engine, site, 'mine-2');
      expect(again.hostId).toBe(theirs[0]!.hostId);
      expect(await allocation(site)).toEqual([
        ['tight-1', 2, 2],
        ['tight-2', 2, 2],
      ]);
    });

    it('places nothing on a host the other replica put in maintenance', async () => {
      const site = await buildSite(subject, { hosts: 2 });
      await create(subject.engine, site, 'warm');
      const [busy] = await subject.handle.db
        .select()
        .from(hosts)
        .where(and(eq(hosts.providerId, site.providerId), eq(hosts.name, 'paris-2')));
      await other.hosts.setMaintenance(subject.admin, busy!.id, true);

      const placed = [];
      for (let i = 0; i < 4; i++) placed.push((await create(subject.engine, site, `after-${i}`)).hostId);
      expect(placed).not.toContain(busy!.id);
      expect(new Set(placed).size).toBe(1);
    });

    it('places at once on capacity that the process running the jobs gave back', async () => {
      const site = await tightSite();
      // This replica places; the other runs the jobs, as a `levante worker` does. Spreading puts
      // the first two machines on either host and the third beside one of them.
      const placed = [];
      for (const name of ['a', 'b', 'c']) placed.push(await create(subject.engine, site, name));
      await drain(other);
      const crowded = placed[2]!.hostId!;
      const leaving = placed.filter((m) => m.hostId === crowded);
      expect(leaving).toHaveLength(2);

      // The deletes end in the other process, which gives the host's capacity back.
      for (const machine of leaving) await subject.engine.machines.act(subject.admin, machine.id, 'delete');
      const told = heard('released');
      await drain(other);
      await told;

      // The emptied host now has more room than the one that still holds a machine. An index that
      // had not heard would still count it full and place beside the remaining machine.
      const next = await create(subject.engine, site, 'd');
      expect(next.hostId).toBe(crowded);
    });

    it('places at once on a host the other replica registered, and never loses a claim', async () => {
      const site = await tightSite();
      await create(subject.engine, site, 'first');
      await create(subject.engine, site, 'second');
      const told = heard('reread');
      await other.hosts.register(subject.admin, {
        providerId: site.providerId,
        location: 'paris',
        name: 'late',
        hypervisor: 'kvm',
        vcpus: 2,
        memoryMiB: 64 * 1024,
        diskGiB: 1000,
        cpuAllocationRatio: 1,
      });
      await told;
      // The empty new host has the most room: an index that had not heard of it would place on
      // one of the two it knows.
      const next = await create(subject.engine, site, 'third');
      expect(next.hostId).toBe((await hostNamed(site, 'late')).id);
      for (let i = 0; i < 3; i++) await create(subject.engine, site, `more-${i}`);
      expect(await allocation(site)).toEqual([
        ['late', 2, 2],
        ['tight-1', 2, 2],
        ['tight-2', 2, 2],
      ]);
    });

    it('falls back on the database when news was lost: a host no process heard of still takes machines', async () => {
      const site = await tightSite();
      await create(subject.engine, site, 'mine');
      // Registered straight in the database: no process heard of it.
      await subject.handle.db.insert(hosts).values({
        providerId: site.providerId,
        locationId: site.locationId,
        name: 'unheard',
        hypervisor: 'kvm',
        vcpus: 2,
        memoryMiB: 64 * 1024,
        diskGiB: 1000,
        cpuAllocationRatio: 1,
      });
      // Five more fit in the three hosts: the refusal that the kept index would give is checked
      // against the database first.
      for (let i = 0; i < 5; i++) await create(subject.engine, site, `more-${i}`);
      expect(await allocation(site)).toEqual([
        ['tight-1', 2, 2],
        ['tight-2', 2, 2],
        ['unheard', 2, 2],
      ]);
    });
  },
);
