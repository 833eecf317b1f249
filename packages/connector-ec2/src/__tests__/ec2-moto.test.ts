import { createServer, type Socket } from 'node:net';
import {
  CreateImageCommand,
  DescribeInstanceAttributeCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { Connector, CreateMachineSpec } from '@levante/connector-api';
import { collect, expectConnectorError, rejectionOf } from '@levante/connector-api/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoMissing } from '../../../../test/peers/moto-server.ts';
import { createEc2ConnectorFactory } from '../ec2-connector-factory.ts';
import { type MotoAccount, motoAccount, OTHER_REGION, REGION } from './moto-account.ts';

const missing = motoMissing();

/** What the conformance kit does not cover: regions, user data, the catalogue cache, closing. */
describe.skipIf(missing !== null)(
  `ec2 connector against moto${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let account: MotoAccount;
    let connector: Connector;
    let now = 0;

    const spec = (overrides: Partial<CreateMachineSpec> = {}): CreateMachineSpec => ({
      machineId: crypto.randomUUID(),
      name: 'levante-ec2-test',
      location: REGION,
      imageRef: account.imageRef,
      configurationRef: 't3.micro',
      host: null,
      userData: null,
      ...overrides,
    });

    beforeAll(async () => {
      account = await motoAccount();
      const factory = createEc2ConnectorFactory({ now: () => now });
      connector = await factory.connect({
        endpoint: account.moto.endpoint,
        credentials: account.credentials,
        settings: { regions: [REGION, OTHER_REGION], instanceTypes: ['t3.*'], imageCacheTtlMs: 60_000 },
        dataDir: null,
      });
    });

    afterAll(async () => {
      await connector?.close();
      await account?.close();
    });

    it('names the account by its masked access key and the endpoint', async () => {
      const { accountName } = await connector.validate();
      expect(accountName).toMatch(/^EC2 at 127\.0\.0\.1:\d+ \(access key AKIA…\w{4}\)$/);
      expect(accountName).not.toContain(account.credentials.accessKeyId);
    });

    it('lists each region with its zones', async () => {
      const locations = await connector.listLocations();
      expect(locations.find((l) => l.ref === REGION)).toEqual({
        ref: REGION,
        name: 'US East (N. Virginia)',
        kind: 'region',
        parentRef: null,
      });
      const zones = locations.filter((l) => l.kind === 'zone');
      expect(zones.map((z) => z.parentRef)).toEqual(expect.arrayContaining([REGION, OTHER_REGION]));
      expect(zones.find((z) => z.ref === `${REGION}a`)?.parentRef).toBe(REGION);
    });

    it('lists the machines of every region, or of one', async () => {
      const elsewhere = await connector.createMachine(
        spec({ location: OTHER_REGION, imageRef: await otherRegionImage() }),
        { idempotencyKey: crypto.randomUUID() },
      );
      const here = await connector.createMachine(spec(), { idempotencyKey: crypto.randomUUID() });
      const refs = async (location?: string) =>
        (await collect(connector.listMachines(location))).map((m) => m.ref);
      expect(await refs()).toEqual(expect.arrayContaining([here.ref, elsewhere.ref]));
      expect(await refs(OTHER_REGION)).toContain(elsewhere.ref);
      expect(await refs(OTHER_REGION)).not.toContain(here.ref);
      expect((await connector.getMachine({ ref: elsewhere.ref, location: OTHER_REGION }))?.location).toBe(
        OTHER_REGION,
      );
    });

    it('passes user data base64-encoded, as EC2 wants it', async () => {
      const userData = '#cloud-config\nhostname: été\n';
      const machine = await connector.createMachine(spec({ userData }), {
        idempotencyKey: crypto.randomUUID(),
      });
      const attribute = await account
        .client()
        .send(new DescribeInstanceAttributeCommand({ InstanceId: machine.ref, Attribute: 'userData' }));
      expect(Buffer.from(attribute.UserData?.Value ?? '', 'base64').toString('utf8')).toBe(userData);
    });

    it('keeps the images of a region for the cache TTL, then asks EC2 again', async () => {
      const before = await collect(connector.listImages(REGION));
      const run = await account.client().send(
        new RunInstancesCommand({
          ImageId: account.imageRef,
          InstanceType: 't3.nano',
          MinCount: 1,
          MaxCount: 1,
        }),
      );
      const captured = await account
        .client()
        .send(
          new CreateImageCommand({ InstanceId: run.Instances?.[0]?.InstanceId, Name: 'levante-own-image' }),
        );
      now += 59_999;
      const cached = await collect(connector.listImages(REGION));
      expect(cached.map((i) => i.ref)).toEqual(before.map((i) => i.ref));
      now += 1;
      const fresh = await collect(connector.listImages(REGION));
      // The account's own images are listed whatever the name patterns.
      expect(fresh.find((i) => i.ref === captured.ImageId)?.name).toBe('levante-own-image');
    });

    it.each([
      ['a zone instead of a region', { location: `${REGION}a` }],
      ['a region the provider does not have', { location: 'ap-south-1' }],
      ['an instance type outside the allow-list', { configurationRef: 'm5.large' }],
      ['an instance type EC2 does not have', { configurationRef: 't3.gigantic' }],
      ['a host', { host: { ref: 'h-1', hypervisor: 'xen' as const } }],
    ])('refuses to create a machine with %s (InvalidRequest)', async (_, overrides) => {
      await expectConnectorError(
        connector.createMachine(spec(overrides), { idempotencyKey: crypto.randomUUID() }),
        ['InvalidRequest'],
      );
    });

    it('refuses every call once closed', async () => {
      const closing = await createEc2ConnectorFactory().connect({
        endpoint: account.moto.endpoint,
        credentials: account.credentials,
        settings: {},
        dataDir: null,
      });
      await closing.close();
      await expectConnectorError(closing.validate(), ['ProviderUnavailable']);
    });

    /** An image of the other region: moto gives each region its own AMI ids. */
    async function otherRegionImage(): Promise<string> {
      const images = await collect(connector.listImages(OTHER_REGION));
      const image = images.find((i) => i.name.startsWith('al2023-ami-2023') && i.architecture === 'x86_64');
      if (!image) throw new Error(`No Amazon Linux 2023 image in ${OTHER_REGION}.`);
      return image.ref;
    }
  },
);

describe('ec2 connector against an endpoint that never answers', () => {
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => sockets.add(socket));
  let endpoint = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  const connect = () =>
    createEc2ConnectorFactory().connect({
      endpoint,
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' },
      settings: { requestTimeoutMs: 1_000 },
      dataDir: null,
    });

  it('gives up after the request timeout with ProviderUnavailable', async () => {
    const connector = await connect();
    const started = Date.now();
    const error = await expectConnectorError(connector.validate(), ['ProviderUnavailable']);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error.message).toContain('1 s');
    await connector.close();
  });

  it("rejects with the caller's AbortError when the caller aborts mid-call", async () => {
    const connector = await connect();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await rejectionOf(connector.listLocations({ signal: controller.signal }));
    expect((error as Error).name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(900);
    await connector.close();
  });
});
