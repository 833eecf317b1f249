import { events, machines } from '@levante/db';
import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import type { Actor, Labels } from '@levante/domain';
import { eq } from 'drizzle-orm';
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

describe.each(TEST_DATABASE_KINDS)("a machine's labels, on %s", (kind) => {
  let subject: EngineUnderTest;
  let site: Site;
  let viewer: Actor;
  let stranger: Actor;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    site = await buildSite(subject);
    viewer = await signedInUser(subject, 'viewer', { projectId: site.projectId, role: 'viewer' });
    stranger = await signedInUser(subject, 'stranger');
    const made: [string, Labels | null][] = [
      ['web-1', { env: 'prod', tier: 'web' }],
      ['web-2', { env: 'staging', tier: 'web' }],
      ['db-1', { env: 'prod', tier: 'db' }],
      ['bare', null],
    ];
    for (const [name, labels] of made) {
      ids[name] = (
        await subject.engine.machines.create(subject.admin, { ...machineOn(site, name), labels })
      ).machine.id;
    }
    await drainJobs(subject.engine);
  }, 60_000);
  afterAll(() => subject?.close());

  const withLabels = async (labels: Labels, actor = viewer) =>
    (
      await subject.engine.machineQueries.inventory(
        actor,
        { projectId: site.projectId, labels },
        { first: 50 },
      )
    ).edges
      .map((e) => e.node.machine.name)
      .sort();
  const labelsOf = async (name: string) =>
    (await subject.handle.db.select().from(machines).where(eq(machines.id, ids[name]!)))[0]?.labels;

  it('keeps the labels given at create, and finds the machines that carry all the labels asked for', async () => {
    expect(await labelsOf('web-1')).toEqual({ env: 'prod', tier: 'web' });
    expect(await labelsOf('bare')).toEqual({});
    expect(await withLabels({ env: 'prod' })).toEqual(['db-1', 'web-1']);
    expect(await withLabels({ env: 'prod', tier: 'web' })).toEqual(['web-1']);
    expect(await withLabels({ tier: 'cache' })).toEqual([]);
    expect(await withLabels({})).toEqual(['bare', 'db-1', 'web-1', 'web-2']);
  });

  it('replaces them all at once, with an event saying what they became', async () => {
    const changed = await subject.engine.machines.setLabels(subject.admin, ids['web-2']!, {
      env: 'prod',
      owner: 'alice',
    });
    expect(changed.labels).toEqual({ env: 'prod', owner: 'alice' });
    expect(await withLabels({ env: 'prod' })).toEqual(['db-1', 'web-1', 'web-2']);
    expect(await withLabels({ tier: 'web' })).toEqual(['web-1']);
    const [event] = await subject.handle.db
      .select()
      .from(events)
      .where(eq(events.type, 'machine.labels_changed'));
    expect(event).toMatchObject({
      subjectId: ids['web-2'],
      summary: 'admin set the labels of machine web-2 to env=prod, owner=alice.',
      before: { labels: { env: 'staging', tier: 'web' } },
    });
    await subject.engine.machines.setLabels(subject.admin, ids['web-2']!, {});
    expect(await labelsOf('web-2')).toEqual({});
  });

  it('refuses labels people cannot use, and changes nothing', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ '': 'x' }, 'labels', 'A label key cannot be empty.'],
      [{ env: 'x'.repeat(64) }, 'labels.env', 'A label value has at most 63 characters.'],
      [{ env: 1 }, 'labels.env', 'Expected text.'],
      [
        Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'])),
        'labels',
        'At most 32 labels.',
      ],
    ];
    for (const [labels, field, message] of cases) {
      const refused = await refusal(
        subject.engine.machines.setLabels(subject.admin, ids['db-1']!, labels as Labels),
      );
      expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', message });
      expect(refused.field).toBe(field);
      const atCreate = await refusal(
        subject.engine.machines.create(subject.admin, {
          ...machineOn(site, 'labelled'),
          labels: labels as Labels,
        }),
      );
      expect(atCreate).toMatchObject({ code: 'BAD_USER_INPUT', message });
    }
    expect(await labelsOf('db-1')).toEqual({ env: 'prod', tier: 'db' });
    const filter = await refusal(withLabels({ env: 'x'.repeat(64) }));
    expect(filter.code).toBe('BAD_USER_INPUT');
  });

  it("lets only the project's writers change them, and hides other projects' machines", async () => {
    expect((await refusal(subject.engine.machines.setLabels(viewer, ids['db-1']!, { a: 'b' }))).code).toBe(
      'FORBIDDEN',
    );
    expect((await refusal(subject.engine.machines.setLabels(stranger, ids['db-1']!, { a: 'b' }))).code).toBe(
      'NOT_FOUND',
    );
    expect(
      (await subject.engine.machineQueries.inventory(stranger, { labels: { env: 'prod' } }, {})).totalCount,
    ).toBe(0);
    expect(await labelsOf('db-1')).toEqual({ env: 'prod', tier: 'db' });
  });
});
