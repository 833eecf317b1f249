import { events, hosts, machines } from '@levante/db';
import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import type { Actor } from '@levante/domain';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSite,
  drainJobs,
  type EngineUnderTest,
  engineUnderTest,
  machineOn,
  type Site,
  signedInUser,
} from '../support/engine-under-test.ts';
import { refusal } from '../support/refusal.ts';

describe.each(TEST_DATABASE_KINDS)('decommissioning a host, on %s', (kind) => {
  let subject: EngineUnderTest;
  let site: Site;
  let member: Actor;

  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    site = await buildSite(subject, { hosts: 2 });
    member = await signedInUser(subject, 'member', { projectId: site.projectId, role: 'owner' });
  }, 60_000);
  afterAll(() => subject?.close());

  const drain = () => drainJobs(subject.engine);
  const hostNamed = async (name: string) =>
    (
      await subject.handle.db
        .select()
        .from(hosts)
        .where(and(eq(hosts.providerId, site.providerId), eq(hosts.name, name)))
    )[0];
  const create = async (name: string, hostId: string) => {
    const { machine } = await subject.engine.machines.create(subject.admin, {
      ...machineOn(site, name),
      hostId,
    });
    await drain();
    return machine;
  };

  it('is refused while a machine lives on the host, and changes nothing', async () => {
    const host = (await hostNamed('paris-1'))!;
    await create('resident', host.id);
    const refused = await refusal(subject.engine.hosts.delete(subject.admin, host.id));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toBe('Host paris-1 still has 1 machine; migrate or delete it first.');
    expect(await hostNamed('paris-1')).toMatchObject({
      id: host.id,
      allocatedVcpus: host.allocatedVcpus + 1,
    });
  });

  it('is refused while a machine migrates to the host', async () => {
    const target = (await hostNamed('paris-2'))!;
    const [resident] = await subject.handle.db.select().from(machines).where(eq(machines.name, 'resident'));
    await subject.engine.migrations.migrate(subject.admin, resident!.id, target.id);
    const refused = await refusal(subject.engine.hosts.delete(subject.admin, target.id));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toBe('A machine is migrating to host paris-2; wait until it has arrived.');
    await drain();
    expect(
      (await subject.handle.db.select().from(machines).where(eq(machines.id, resident!.id)))[0],
    ).toMatchObject({
      hostId: target.id,
    });
  });

  it('removes a host without machines; what ran there keeps its history, and nothing goes there again', async () => {
    const host = (await hostNamed('paris-1'))!;
    const former = await create('former', host.id);
    await subject.engine.machines.act(subject.admin, former.id, 'delete');
    await drain();

    const deleted = await subject.engine.hosts.delete(subject.admin, host.id);
    expect(deleted.name).toBe('paris-1');
    expect(await hostNamed('paris-1')).toBeUndefined();
    const [history] = await subject.handle.db.select().from(machines).where(eq(machines.id, former.id));
    expect(history).toMatchObject({ state: 'DELETED', hostId: null });
    const [recorded] = await subject.handle.db
      .select()
      .from(events)
      .where(and(eq(events.type, 'host.deleted'), eq(events.subjectId, host.id)));
    expect(recorded?.summary).toBe('Host paris-1 was decommissioned.');

    // The placement index forgot it: the next machine goes to the host that is left.
    const next = await create('after', (await hostNamed('paris-2'))!.id);
    expect(next.hostId).toBe((await hostNamed('paris-2'))!.id);
    const anywhere = await subject.engine.machines.create(subject.admin, machineOn(site, 'anywhere'));
    expect(anywhere.machine.hostId).toBe((await hostNamed('paris-2'))!.id);
  });

  it('is for platform admins only, and says when the host does not exist', async () => {
    const host = (await hostNamed('paris-2'))!;
    expect((await refusal(subject.engine.hosts.delete(member, host.id))).code).toBe('FORBIDDEN');
    expect(await hostNamed('paris-2')).toBeDefined();
    const unknown = await refusal(
      subject.engine.hosts.delete(subject.admin, '00000000-0000-4000-8000-000000000000'),
    );
    expect(unknown.code).toBe('NOT_FOUND');
  });
});
