import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MotoAccount, motoAccount } from '../../packages/connector-ec2/src/__tests__/moto-account.ts';
import { ec2Sdk } from '../bench/connectors/aws-sdk.ts';
import { type EngineUnderTest, engineUnderTest } from '../support/engine-under-test.ts';
import { refusal } from '../support/refusal.ts';

const { DescribeInstancesCommand, RunInstancesCommand, StopInstancesCommand, TerminateInstancesCommand } =
  ec2Sdk;
const REGION = 'us-east-1';

/**
 * Levante on EC2 (moto): an account, a machine made through Levante, and an
 * instance run behind Levante's back that is listed for adoption, adopted, then managed.
 */
describe.each(TEST_DATABASE_KINDS)(
  'EC2 accounts, machines and adoption through the engine, on %s',
  (kind) => {
    let subject: EngineUnderTest;
    let moto: MotoAccount;
    const ids = { projectId: '', accountId: '', locationId: '' };

    beforeAll(async () => {
      [subject, moto] = await Promise.all([engineUnderTest(kind), motoAccount()]);
      const { engine, admin } = subject;
      const provider = await engine.providers.register(admin, {
        kind: 'ec2',
        name: 'moto',
        endpoint: moto.moto.endpoint,
        settings: { regions: [REGION], instanceTypes: ['t3.*'] },
      });
      const project = await engine.projects.create(admin, { name: 'cloud' });
      const account = await engine.accounts.add(admin, {
        projectId: project.id,
        providerId: provider.id,
        name: 'aws',
        credentials: moto.credentials,
      });
      const locations = await engine.providerQueries.locations(admin, provider.id);
      Object.assign(ids, {
        projectId: project.id,
        accountId: account.id,
        locationId: locations.find((l) => l.ref === REGION)!.id,
      });
    }, 120_000);
    afterAll(async () => {
      await subject?.close();
      await moto?.close();
    });

    it('lists the instance, adopts it, and stops it through Levante', async () => {
      const { engine, admin } = subject;
      const ran = await moto.client().send(
        new RunInstancesCommand({
          ImageId: moto.imageRef,
          InstanceType: 't3.nano',
          MinCount: 1,
          MaxCount: 1,
          TagSpecifications: [
            {
              ResourceType: 'instance',
              Tags: [
                { Key: 'Name', Value: 'hand-made' },
                { Key: 'env', Value: 'prod' },
                { Key: 'cost-center', Value: 'r&d' },
                // Too long to be a label: left out.
                { Key: 'note', Value: 'x'.repeat(100) },
              ],
            },
          ],
        }),
      );
      const ref = ran.Instances![0]!.InstanceId!;

      // moto reports a new instance pending once, then running; an instance still pending is refused.
      let listed = await engine.adoption.unmanaged(admin, ids.projectId, ids.accountId);
      if (listed[0]?.info.state === 'CREATING') {
        const early = await refusal(engine.adoption.adopt(admin, { ...ids, ref }));
        expect(early.code).toBe('INVALID_STATE');
        listed = await engine.adoption.unmanaged(admin, ids.projectId, ids.accountId);
      }
      expect(
        listed.map((m) => [m.info.ref, m.info.name, m.info.state, m.configuration?.ref, m.location.ref]),
      ).toEqual([[ref, 'hand-made', 'STARTED', 't3.nano', REGION]]);
      // Its tags, but its name: adoption keeps those that fit as labels.
      expect(listed[0]?.info.tags).toEqual({ env: 'prod', 'cost-center': 'r&d', note: 'x'.repeat(100) });

      const { machine } = await engine.adoption.adopt(admin, { ...ids, ref });
      expect(machine).toMatchObject({
        name: 'hand-made',
        providerRef: ref,
        state: 'STARTED',
        vcpus: 2,
        labels: { 'cost-center': 'r&d', env: 'prod' },
      });
      expect(await engine.adoption.unmanaged(admin, ids.projectId, ids.accountId)).toEqual([]);

      // Managed now: Levante's stop reaches EC2.
      await engine.machines.act(admin, machine.id, 'stop');
      await waitFor(
        async () => (await engine.machineQueries.byId(admin, machine.id)).machine.state === 'STOPPED',
      );
      const described = await moto.client().send(new DescribeInstancesCommand({ InstanceIds: [ref] }));
      expect(described.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe('stopped');
      // And a worker tagged it as Levante tags the instances it runs.
      const tags = async () =>
        (await moto.client().send(new DescribeInstancesCommand({ InstanceIds: [ref] }))).Reservations?.[0]
          ?.Instances?.[0]?.Tags ?? [];
      await waitFor(async () => (await tags()).some((t) => t.Key === 'levante:machine-id'));
      expect(await tags()).toEqual(
        expect.arrayContaining([{ Key: 'levante:machine-id', Value: machine.id }]),
      );
    }, 60_000);

    it('creates an instance through Levante, which EC2 runs tagged as managed, then deletes it', async () => {
      const { engine, admin } = subject;
      const [images, configurations] = await Promise.all([
        engine.providerQueries.images(admin, ids.accountId, ids.locationId),
        engine.providerQueries.configurations(admin, ids.accountId, ids.locationId),
      ]);
      const { machine } = await engine.machines.create(admin, {
        projectId: ids.projectId,
        accountId: ids.accountId,
        locationId: ids.locationId,
        imageId: images.find((i) => i.ref === moto.imageRef)!.id,
        configurationId: configurations.find((c) => c.ref === 't3.micro')!.id,
        name: 'made-here',
      });
      await waitFor(
        async () => (await engine.machineQueries.byId(admin, machine.id)).machine.state === 'STARTED',
      );
      const { machine: row } = await engine.machineQueries.byId(admin, machine.id);
      const described = await moto
        .client()
        .send(new DescribeInstancesCommand({ InstanceIds: [row.providerRef!] }));
      const instance = described.Reservations?.[0]?.Instances?.[0];
      expect(instance?.InstanceType).toBe('t3.micro');
      expect(instance?.Tags).toEqual(
        expect.arrayContaining([{ Key: 'levante:machine-id', Value: machine.id }]),
      );
      // Levante manages it: it is not offered for adoption.
      expect(
        (await engine.adoption.unmanaged(admin, ids.projectId, ids.accountId)).map((m) => m.info.ref),
      ).not.toContain(row.providerRef);

      await engine.machines.act(admin, machine.id, 'delete');
      await waitFor(
        async () => (await engine.machineQueries.byId(admin, machine.id)).machine.state === 'DELETED',
      );
      const gone = await moto
        .client()
        .send(new DescribeInstancesCommand({ InstanceIds: [row.providerRef!] }));
      expect(gone.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe('terminated');
    }, 60_000);

    it('records an instance stopped, then terminated, in EC2 behind its back', async () => {
      const { engine, admin } = subject;
      const ran = await moto.client().send(
        new RunInstancesCommand({
          ImageId: moto.imageRef,
          InstanceType: 't3.nano',
          MinCount: 1,
          MaxCount: 1,
        }),
      );
      const ref = ran.Instances![0]!.InstanceId!;
      // moto reports a new instance pending once: adoption waits for it to run.
      const adopt = () => engine.adoption.adopt(admin, { ...ids, ref, name: 'drifting' });
      const adopted = await adopt().catch((error: { code?: string }) => {
        if (error.code !== 'INVALID_STATE') throw error;
        return adopt();
      });
      const { machine } = adopted;
      const stateOf = async () => (await engine.machineQueries.byId(admin, machine.id)).machine.state;
      /** Passes until Levante has what EC2 has (EC2 passes through stopping, shutting-down). */
      const reconcileUntil = async (state: string) => {
        for (let pass = 0; pass < 10 && (await stateOf()) !== state; pass++) {
          await engine.accounts.reconcile(admin, ids.accountId);
        }
        return stateOf();
      };

      await moto.client().send(new StopInstancesCommand({ InstanceIds: [ref] }));
      expect(await reconcileUntil('STOPPED')).toBe('STOPPED');
      await moto.client().send(new TerminateInstancesCommand({ InstanceIds: [ref] }));
      expect(await reconcileUntil('DELETED')).toBe('DELETED');
    }, 60_000);

    /** Runs the worker until `done` holds. */
    async function waitFor(done: () => Promise<boolean>): Promise<void> {
      const deadline = Date.now() + 30_000;
      while (!(await done())) {
        if (Date.now() > deadline) throw new Error('timed out');
        await subject.engine.worker.runOnce();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  },
);
