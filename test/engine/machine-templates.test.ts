import { machineImages } from '@levante/db';
import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import type { Actor } from '@levante/domain';
import type { MachineTemplateInput } from '@levante/engine';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSite,
  drainJobs,
  type EngineUnderTest,
  engineUnderTest,
  type Site,
  signedInUser,
} from '../support/engine-under-test.ts';
import { refusal } from '../support/refusal.ts';

describe.each(TEST_DATABASE_KINDS)('machine templates on %s', (kind) => {
  let subject: EngineUnderTest;
  let site: Site;
  let viewer: Actor;
  let outsider: Actor;

  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    site = await buildSite(subject, { hosts: 3 });
    viewer = await signedInUser(subject, 'tpl-viewer', { projectId: site.projectId, role: 'viewer' });
    outsider = await signedInUser(subject, 'tpl-outsider');
  }, 60_000);
  afterAll(() => subject?.close());

  const templates = () => subject.engine.machineTemplates;
  const recipe = (name: string, more: Partial<MachineTemplateInput> = {}): MachineTemplateInput => ({
    name,
    accountId: site.accountId,
    locationId: site.locationId,
    imageId: site.imageId,
    configurationId: site.configurationId,
    ...more,
  });
  const names = async () =>
    (await templates().list(subject.admin, site.projectId)).map((v) => v.template.name);

  it('saves a recipe and creates machines from it, one by its name or several numbered', async () => {
    const group = await subject.engine.placementGroups.create(subject.admin, site.projectId, {
      name: 'web-spread',
      policy: 'anti-affinity',
    });
    const saved = await templates().create(
      subject.admin,
      site.projectId,
      recipe('web', {
        description: 'Front web servers',
        placementGroupId: group.id,
        labels: { tier: 'web', env: 'staging' },
        userData: '#cloud-config\npackages: [nginx]\n',
      }),
    );
    expect(saved.problem).toBeNull();
    expect(saved.image?.ref).toBe('debian-12');
    expect(saved.configuration?.ref).toBe('small');
    expect(saved.placementGroup?.name).toBe('web-spread');
    expect(saved.template).toMatchObject({
      description: 'Front web servers',
      labels: { tier: 'web', env: 'staging' },
    });

    const [one] = await templates().createMachines(subject.admin, {
      templateId: saved.template.id,
      name: 'web-front',
      labels: { env: 'prod' },
    });
    expect(one!.machine).toMatchObject({
      name: 'web-front',
      state: 'CREATING',
      imageId: site.imageId,
      configurationId: site.configurationId,
      placementGroupId: group.id,
      labels: { tier: 'web', env: 'prod' },
    });
    const several = await templates().createMachines(subject.admin, {
      templateId: saved.template.id,
      name: 'web',
      count: 2,
    });
    expect(several.map((c) => c.machine.name)).toEqual(['web-1', 'web-2']);
    await drainJobs(subject.engine);
    for (const { machine } of [one!, ...several]) {
      const now = await subject.engine.machineQueries.byId(subject.admin, machine.id);
      expect(now.machine.state).toBe('STARTED');
    }
    // Anti-affinity, from the template: three machines on three hosts.
    const hostsOf = await Promise.all(
      [one!, ...several].map(
        async ({ machine }) =>
          (await subject.engine.machineQueries.byId(subject.admin, machine.id)).machine.hostId,
      ),
    );
    expect(new Set(hostsOf).size).toBe(3);

    const events = await subject.engine.events.list(
      subject.admin,
      { projectId: site.projectId },
      { first: 50 },
    );
    expect(events.edges.map((e) => e.node.type)).toContain('machine_template.created');
  });

  it('refuses what a create would refuse, and changes nothing', async () => {
    const before = await names();
    const other = await buildSite(subject, { hosts: 1, projectName: 'tpl-other' });
    const cases: [() => Promise<unknown>, string, RegExp][] = [
      [
        () => templates().create(subject.admin, site.projectId, recipe('')),
        'BAD_USER_INPUT',
        /cannot be empty/,
      ],
      [
        () => templates().create(subject.admin, site.projectId, recipe('x'.repeat(65))),
        'BAD_USER_INPUT',
        /at most 64/,
      ],
      [
        () => templates().create(subject.admin, site.projectId, recipe('a', { accountId: other.accountId })),
        'NOT_FOUND',
        /Provider account/,
      ],
      [
        () => templates().create(subject.admin, site.projectId, recipe('b', { imageId: other.imageId })),
        'NOT_FOUND',
        /Image/,
      ],
      [
        () =>
          templates().create(
            subject.admin,
            site.projectId,
            recipe('c', { labels: { ['k'.repeat(64)]: 'x' } }),
          ),
        'BAD_USER_INPUT',
        /label key has at most 63/,
      ],
      [
        () =>
          templates().create(
            subject.admin,
            site.projectId,
            recipe('d', { userData: 'x'.repeat(64 * 1024 + 1) }),
          ),
        'BAD_USER_INPUT',
        /64 KiB/,
      ],
      [() => templates().create(viewer, site.projectId, recipe('e')), 'FORBIDDEN', /viewer/],
      [() => templates().create(outsider, site.projectId, recipe('f')), 'NOT_FOUND', /Project/],
      [() => templates().list(outsider, site.projectId), 'NOT_FOUND', /Project/],
    ];
    for (const [attempt, code, message] of cases) {
      const refused = await refusal(attempt());
      expect(refused.code).toBe(code);
      expect(refused.message).toMatch(message);
    }
    expect(await names()).toEqual(before);
  });

  it('keeps names unique in a project, whatever their case, on create and on rename', async () => {
    await templates().create(subject.admin, site.projectId, recipe('db'));
    const cache = await templates().create(subject.admin, site.projectId, recipe('cache'));
    const again = await refusal(templates().create(subject.admin, site.projectId, recipe('DB')));
    expect(again.code).toBe('CONFLICT');
    expect(again.message).toMatch(/already has a machine template named "DB"/);
    const renamed = await refusal(templates().update(subject.admin, cache.template.id, recipe('Db')));
    expect(renamed.code).toBe('CONFLICT');
    expect((await templates().byId(subject.admin, cache.template.id)).template.name).toBe('cache');
  });

  it('lets viewers read templates but not use, change or delete them; hides them from outsiders', async () => {
    const { template } = await templates().create(
      subject.admin,
      site.projectId,
      recipe('readable', { userData: '#cloud-config\npassword: s3cret\n' }),
    );
    // A viewer reads it, but not its user data, which may hold secrets.
    const seen = await templates().byId(viewer, template.id);
    expect(seen.template.name).toBe('readable');
    expect(seen.hasUserData).toBe(true);
    expect(seen.template.userData).toBeNull();
    expect(
      (await templates().list(viewer, site.projectId)).find((v) => v.template.id === template.id)?.template
        .userData,
    ).toBeNull();
    expect((await templates().byId(subject.admin, template.id)).template.userData).toBe(
      '#cloud-config\npassword: s3cret\n',
    );
    for (const attempt of [
      () => templates().createMachines(viewer, { templateId: template.id, name: 'by-viewer' }),
      () => templates().update(viewer, template.id, recipe('renamed')),
      () => templates().delete(viewer, template.id),
    ]) {
      expect((await refusal(attempt())).code).toBe('FORBIDDEN');
    }
    for (const attempt of [
      () => templates().byId(outsider, template.id),
      () => templates().delete(outsider, template.id),
      () => templates().createMachines(outsider, { templateId: template.id, name: 'by-outsider' }),
    ]) {
      expect((await refusal(attempt())).code).toBe('NOT_FOUND');
    }
    expect((await templates().byId(subject.admin, template.id)).template.name).toBe('readable');
    const inventory = await subject.engine.machineQueries.inventory(
      subject.admin,
      { projectId: site.projectId, name: 'by-' },
      { first: 10 },
    );
    expect(inventory.edges).toEqual([]);
  });

  it('says what is missing once its image is no longer offered, refuses to create from it until edited', async () => {
    const own = await buildSite(subject, { hosts: 1, projectName: 'tpl-catalog' });
    const recipeOn = (name: string, imageId: string): MachineTemplateInput => ({
      name,
      accountId: own.accountId,
      locationId: own.locationId,
      imageId,
      configurationId: own.configurationId,
    });
    const { template } = await templates().create(
      subject.admin,
      own.projectId,
      recipeOn('old-image', own.imageId),
    );
    // The provider stopped offering it: a catalog refresh removes it.
    const [image] = await subject.handle.db
      .select()
      .from(machineImages)
      .where(eq(machineImages.id, own.imageId));
    await subject.handle.db.delete(machineImages).where(eq(machineImages.id, own.imageId));

    const broken = await templates().byId(subject.admin, template.id);
    expect(broken.image).toBeNull();
    expect(broken.problem).toBe('Its image is no longer offered by the provider.');
    const refused = await refusal(
      templates().createMachines(subject.admin, { templateId: template.id, name: 'from-broken' }),
    );
    expect(refused.code).toBe('BAD_USER_INPUT');
    expect(refused.message).toBe(
      'Template old-image cannot create machines. Its image is no longer offered by the provider. Edit it first.',
    );
    const inventory = await subject.engine.machineQueries.inventory(
      subject.admin,
      { projectId: own.projectId },
      { first: 10 },
    );
    expect(inventory.edges).toEqual([]);

    const images = await subject.engine.providerQueries.images(subject.admin, own.accountId, own.locationId);
    const another = images.find((i) => i.id !== image!.id)!;
    const fixed = await templates().update(subject.admin, template.id, recipeOn('old-image', another.id));
    expect(fixed.problem).toBeNull();
    const [created] = await templates().createMachines(subject.admin, {
      templateId: template.id,
      name: 'from-fixed',
    });
    expect(created!.machine.imageId).toBe(another.id);
  });

  it('goes with its project, and with a shared account stops being usable', async () => {
    const owner = await buildSite(subject, { hosts: 1, projectName: 'tpl-owner' });
    const borrower = await subject.engine.projects.create(subject.admin, { name: 'tpl-borrower' });
    await subject.engine.accounts.associate(subject.admin, owner.accountId, borrower.id);
    const borrowed = await templates().create(subject.admin, borrower.id, {
      name: 'borrowed',
      accountId: owner.accountId,
      locationId: owner.locationId,
      imageId: owner.imageId,
      configurationId: owner.configurationId,
    });
    expect(borrowed.problem).toBeNull();
    await subject.engine.accounts.dissociate(subject.admin, owner.accountId, borrower.id);
    const unshared = await templates().byId(subject.admin, borrowed.template.id);
    expect(unshared.problem).toBe('Provider account site is no longer shared with this project.');
    expect(
      (
        await refusal(
          templates().createMachines(subject.admin, { templateId: borrowed.template.id, name: 'x' }),
        )
      ).code,
    ).toBe('BAD_USER_INPUT');

    await subject.engine.projects.delete(subject.admin, borrower.id);
    expect((await refusal(templates().byId(subject.admin, borrowed.template.id))).code).toBe('NOT_FOUND');
  });

  it('deletes a template and leaves the machines made from it', async () => {
    const { template } = await templates().create(subject.admin, site.projectId, recipe('short-lived'));
    const [made] = await templates().createMachines(subject.admin, {
      templateId: template.id,
      name: 'outlives',
    });
    await templates().delete(subject.admin, template.id);
    expect((await refusal(templates().byId(subject.admin, template.id))).code).toBe('NOT_FOUND');
    expect((await refusal(templates().delete(subject.admin, template.id))).code).toBe('NOT_FOUND');
    expect((await subject.engine.machineQueries.byId(subject.admin, made!.machine.id)).machine.name).toBe(
      'outlives',
    );
  });
});
