/**
 * The ec2 connector against moto (issue #6), beside the raw AWS SDK making
 * the same calls to the same moto: listing 1,000 instances, create → STARTED,
 * and Levante's overhead per operation (connector − raw, measured side by side).
 *
 * The 1,000 instances live in one region and the creates in another: moto
 * answers a filtered DescribeInstances (the connector's idempotency check
 * before RunInstances) by scanning every instance of the region, about 0.5 s
 * with 1,000 of them, which EC2 does not; that would be moto's cost, not Levante's.
 */
import { randomUUID } from 'node:crypto';
import type { Connector, MachineRef } from '@levante/connector-api';
import { ec2ConnectorFactory } from '../../../packages/connector-ec2/src/index.ts';
import { motoMissing, startMotoServer } from '../../peers/moto-server.ts';
import { summarize } from '../measure.ts';
import type { BenchmarkRow } from '../table.ts';
import { type Ec2Sdk, ec2Sdk } from './aws-sdk.ts';
import {
  collect,
  LISTING_TARGET,
  median,
  OVERHEAD_TARGET,
  progress,
  row,
  timed,
  untilStarted,
} from './timing.ts';

const { DescribeImagesCommand, DescribeInstancesCommand, EC2Client, RunInstancesCommand } = ec2Sdk;
type Ec2Client = InstanceType<typeof Ec2Sdk.EC2Client>;

const INVENTORY_REGION = 'us-east-1';
const CREATE_REGION = 'eu-west-1';
const INSTANCES = 1_000;
/** RunInstances per call (MinCount = MaxCount): the inventory is seeding, not measured. */
const BATCH = 100;
/**
 * Each listing is timed this often, the three ways in turn; the medians count.
 * Moto takes 2 to 3 s per listing and varies by hundreds of ms with the
 * machine's load, so the overhead is the median of the differences within a round.
 */
const LISTING_ROUNDS = 5;
const CREATES = 50;
/** Create pairs run first and not counted: JIT, kept-alive connections, moto's code paths. */
const WARMUP_CREATES = 3;
const INSTANCE_TYPE = 't3.micro';
/** Moto accepts any key until IAM authentication is turned on, which this benchmark does not do. */
const CREDENTIALS = { accessKeyId: 'AKIAMOTOBENCH0000000', secretAccessKey: 'moto-accepts-anything' };
/** A moto create is running at the next DescribeInstances; a minute means something is wrong. */
const STARTED_TIMEOUT_MS = 60_000;

const N = INSTANCES.toLocaleString('en-US');

export async function ec2Benchmarks(): Promise<BenchmarkRow[]> {
  const missing = motoMissing();
  if (missing) throw new Error(`The ec2 connector benchmarks need moto: ${missing}.`);
  progress('starting moto…');
  const moto = await startMotoServer();
  const clients: Ec2Client[] = [];
  const connectors: Connector[] = [];
  try {
    const client = (region: string) => {
      const made = new EC2Client({ region, endpoint: moto.endpoint, credentials: { ...CREDENTIALS } });
      clients.push(made);
      return made;
    };
    const connect = async (region: string) => {
      const connector = await ec2ConnectorFactory.connect({
        endpoint: moto.endpoint,
        credentials: { ...CREDENTIALS },
        settings: { regions: [region], instanceTypes: [INSTANCE_TYPE] },
        dataDir: null,
      });
      connectors.push(connector);
      return connector;
    };
    const inventory = { raw: client(INVENTORY_REGION), connector: await connect(INVENTORY_REGION) };
    const creates = { raw: client(CREATE_REGION), connector: await connect(CREATE_REGION) };
    // Moto loads its images on a region's first DescribeImages (about 2 s each).
    const [inventoryImage, createImage] = await Promise.all([
      amazonLinuxImage(inventory.raw, INVENTORY_REGION),
      amazonLinuxImage(creates.raw, CREATE_REGION),
    ]);

    progress(`running ${N} instances in ${INVENTORY_REGION} (RunInstances by ${BATCH})…`);
    for (let launched = 0; launched < INSTANCES; launched += BATCH) {
      const answer = await inventory.raw.send(
        new RunInstancesCommand({
          ImageId: inventoryImage,
          InstanceType: INSTANCE_TYPE,
          MinCount: BATCH,
          MaxCount: BATCH,
          TagSpecifications: [
            { ResourceType: 'instance', Tags: [{ Key: 'Name', Value: `bench-inventory-${launched}` }] },
          ],
        }),
      );
      if (answer.Instances?.length !== BATCH) {
        throw new Error(`moto ran ${answer.Instances?.length ?? 0} instances instead of ${BATCH}.`);
      }
    }

    progress(`listing ${N} instances ${LISTING_ROUNDS} times each way…`);
    const listing = await timeListings(inventory.raw, inventory.connector, moto.endpoint);

    progress(`${CREATES} creates → STARTED through the connector and through the SDK, in turn…`);
    const created = await timeCreates(creates.raw, creates.connector, createImage);

    const connectorStarted = summarize(created.connector.started);
    const rawStarted = summarize(created.raw.started);
    return [
      row(
        `ec2 on moto: inventory listing, ${N} instances (connector listMachines, all consumed)`,
        median(listing.connector),
        'ms',
        LISTING_TARGET,
      ),
      row(
        `ec2 on moto: inventory listing, ${N} instances (raw SDK DescribeInstances, all pages)`,
        median(listing.sdk),
        'ms',
      ),
      row(
        `ec2 on moto: inventory listing, ${N} instances (DescribeInstances over plain HTTP: moto alone)`,
        median(listing.http),
        'ms',
      ),
      row(`ec2 on moto: create → STARTED p50 (connector, ${CREATES} creates)`, connectorStarted.p50, 'ms'),
      row(`ec2 on moto: create → STARTED p99 (connector, ${CREATES} creates)`, connectorStarted.p99, 'ms'),
      row(`ec2 on moto: RunInstances → running p50 (raw SDK, ${CREATES} creates)`, rawStarted.p50, 'ms'),
      row(`ec2 on moto: RunInstances → running p99 (raw SDK, ${CREATES} creates)`, rawStarted.p99, 'ms'),
      row(
        'ec2 on moto: Levante overhead, create → STARTED (p50 connector − p50 SDK)',
        connectorStarted.p50 - rawStarted.p50,
        'ms',
        OVERHEAD_TARGET,
      ),
      row(
        'ec2 on moto: Levante overhead, getMachine vs DescribeInstances by id (p50 − p50)',
        median(created.connector.reads) - median(created.raw.reads),
        'ms',
        OVERHEAD_TARGET,
      ),
      row(
        `ec2 on moto: Levante overhead, listing ${N} instances (median of connector − SDK, same round)`,
        median(listing.connector.map((ms, round) => ms - listing.sdk[round]!)),
        'ms',
        OVERHEAD_TARGET,
      ),
    ];
  } finally {
    for (const connector of connectors) await connector.close();
    for (const made of clients) made.destroy();
    await moto.stop();
  }
}

async function amazonLinuxImage(client: Ec2Client, region: string): Promise<string> {
  const images = await client.send(
    new DescribeImagesCommand({
      Owners: ['amazon'],
      Filters: [{ Name: 'name', Values: ['al2023-ami-2023.*'] }],
    }),
  );
  const image = images.Images?.find((i) => i.Architecture === 'x86_64')?.ImageId;
  if (!image) throw new Error(`moto has no Amazon Linux 2023 image in ${region}.`);
  return image;
}

/**
 * The whole inventory, three ways per round (the order turns each round):
 * the connector's listMachines, the SDK's DescribeInstances page after page
 * (MaxResults 1000, as the connector asks), and the same request over plain
 * HTTP, which shows moto's own share. Each must find every instance.
 */
async function timeListings(raw: Ec2Client, connector: Connector, endpoint: string) {
  const times = { connector: [] as number[], sdk: [] as number[], http: [] as number[] };
  const ways: Record<keyof typeof times, () => Promise<number>> = {
    connector: async () => (await collect(connector.listMachines())).length,
    sdk: async () => {
      let count = 0;
      let NextToken: string | undefined;
      do {
        const page = await raw.send(new DescribeInstancesCommand({ MaxResults: 1000, NextToken }));
        for (const reservation of page.Reservations ?? []) {
          count += (reservation.Instances ?? []).filter((i) => i.State?.Name !== 'terminated').length;
        }
        NextToken = page.NextToken || undefined;
      } while (NextToken);
      return count;
    },
    http: async () => {
      // Moto reads the region from the credential scope; it checks no signature here.
      const response = await fetch(`${endpoint}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/20250101/${INVENTORY_REGION}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body: 'Action=DescribeInstances&Version=2016-11-15&MaxResults=1000',
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`moto answered HTTP ${response.status}: ${text.slice(0, 500)}`);
      return text.split('<instanceId>').length - 1;
    },
  };
  const order = Object.keys(ways) as (keyof typeof times)[];
  for (let round = 0; round < LISTING_ROUNDS; round++) {
    for (let i = 0; i < order.length; i++) {
      const way = order[(round + i) % order.length]!;
      const { value: count, ms } = await timed(ways[way]);
      if (count !== INSTANCES) throw new Error(`The ${way} listing found ${count} instances, not ${N}.`);
      times[way].push(ms);
    }
  }
  return times;
}

interface CreateTimes {
  /** create → STARTED (running), one per create. */
  readonly started: number[];
  /** Every status read while waiting: getMachine, or DescribeInstances by id. */
  readonly reads: number[];
}

/**
 * Creates in pairs, one through the connector and one through the SDK, the
 * one first that went second in the pair before. Each polls its status back
 * to back (moto's instances are running at the first DescribeInstances).
 */
async function timeCreates(raw: Ec2Client, connector: Connector, imageRef: string) {
  const times = {
    connector: { started: [], reads: [] } as CreateTimes,
    raw: { started: [], reads: [] } as CreateTimes,
  };
  const throughConnector = async (record: CreateTimes | null) => {
    const reads: number[] = [];
    const { ms } = await timed(async () => {
      const machine = await connector.createMachine(
        {
          machineId: randomUUID(),
          name: 'bench-create',
          location: CREATE_REGION,
          imageRef,
          configurationRef: INSTANCE_TYPE,
          host: null,
          userData: null,
        },
        { idempotencyKey: randomUUID() },
      );
      const ref: MachineRef = { ref: machine.ref, location: machine.location };
      await untilStarted(connector, ref, { intervalMs: 0, timeoutMs: STARTED_TIMEOUT_MS, calls: reads });
    });
    record?.started.push(ms);
    record?.reads.push(...reads);
  };
  const throughSdk = async (record: CreateTimes | null) => {
    const reads: number[] = [];
    const { ms } = await timed(async () => {
      // The call the connector makes (runInstancesInput): one instance, a client token, its tags.
      const token = randomUUID();
      const answer = await raw.send(
        new RunInstancesCommand({
          ImageId: imageRef,
          InstanceType: INSTANCE_TYPE,
          MinCount: 1,
          MaxCount: 1,
          ClientToken: token,
          TagSpecifications: [
            {
              ResourceType: 'instance',
              Tags: [
                { Key: 'Name', Value: 'bench-create' },
                { Key: 'levante:machine-id', Value: randomUUID() },
                { Key: 'levante:client-token', Value: token },
              ],
            },
          ],
        }),
      );
      const id = answer.Instances?.[0]?.InstanceId;
      if (!id) throw new Error('moto ran no instance.');
      const deadline = performance.now() + STARTED_TIMEOUT_MS;
      for (;;) {
        const { value: page, ms: read } = await timed(() =>
          raw.send(new DescribeInstancesCommand({ InstanceIds: [id] })),
        );
        reads.push(read);
        const state = page.Reservations?.[0]?.Instances?.[0]?.State?.Name;
        if (state === 'running') return;
        if (state !== 'pending') throw new Error(`Instance ${id} went ${state ?? 'missing'}.`);
        if (performance.now() > deadline) throw new Error(`Instance ${id} is still pending.`);
      }
    });
    record?.started.push(ms);
    record?.reads.push(...reads);
  };
  for (let i = 0; i < WARMUP_CREATES + CREATES; i++) {
    const counted = i >= WARMUP_CREATES;
    const pair = [
      () => throughConnector(counted ? times.connector : null),
      () => throughSdk(counted ? times.raw : null),
    ];
    if (i % 2 === 1) pair.reverse();
    for (const create of pair) await create();
  }
  return times;
}
