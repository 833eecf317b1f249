import type { EC2Client, Image, InstanceTypeInfo } from '@aws-sdk/client-ec2';
import { ConnectorError } from '@levante/connector-api';
import { collect } from '@levante/connector-api/conformance';
import { describe, expect, it } from 'vitest';
import {
  fetchImages,
  imageQueries,
  instanceTypeAllowed,
  toConfigurationInfo,
  toImageInfo,
} from '../ec2-catalog.ts';
import { type Ec2Region, paginate } from '../ec2-region.ts';

const image = (overrides: Partial<Image>): Image => ({
  ImageId: 'ami-1',
  Name: 'al2023-ami-2023.6-x86_64',
  Architecture: 'x86_64',
  RootDeviceName: '/dev/xvda',
  BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 30 } }],
  ...overrides,
});

describe('ec2 image mapping', () => {
  it.each([
    ['a Linux image', image({}), { os: 'linux', architecture: 'x86_64', minDiskGiB: 30 }],
    ['a Windows image (Platform)', image({ Platform: 'Windows' }), { os: 'windows' }],
    [
      'a Windows image (PlatformDetails)',
      image({ PlatformDetails: 'Windows with SQL Server' }),
      { os: 'windows' },
    ],
    [
      'an image whose root is not its first disk',
      image({
        BlockDeviceMappings: [
          { DeviceName: '/dev/sdb', Ebs: { VolumeSize: 100 } },
          { DeviceName: '/dev/xvda', Ebs: { VolumeSize: 12 } },
        ],
      }),
      { minDiskGiB: 12 },
    ],
    ['an image without disk sizes', image({ BlockDeviceMappings: [] }), { minDiskGiB: 8 }],
    ['an image without a name', image({ Name: undefined }), { name: 'ami-1' }],
    ['an arm64 image', image({ Architecture: 'arm64' }), { architecture: 'arm64' }],
  ])('maps %s', (_, given, expected) => {
    const info = toImageInfo(given, 'eu-west-1');
    expect(info).toMatchObject({ ref: 'ami-1', location: 'eu-west-1', hypervisors: [], ...expected });
  });

  it('skips an image without an id', () => {
    expect(toImageInfo(image({ ImageId: undefined }), 'eu-west-1')).toBeNull();
  });
});

const type = (overrides: Partial<InstanceTypeInfo>): InstanceTypeInfo => ({
  InstanceType: 't3.micro',
  VCpuInfo: { DefaultVCpus: 2 },
  MemoryInfo: { SizeInMiB: 1024 },
  ...overrides,
});

describe('ec2 instance type mapping', () => {
  it.each([
    ["an EBS-only type: its disk is the image's", type({}), { vcpus: 2, memoryMiB: 1024, diskGiB: 0 }],
    ['a type with instance storage', type({ InstanceStorageInfo: { TotalSizeInGB: 75 } }), { diskGiB: 75 }],
  ])('maps %s', (_, given, expected) => {
    expect(toConfigurationInfo(given, 'us-east-1')).toMatchObject({
      ref: 't3.micro',
      location: 'us-east-1',
      ...expected,
    });
  });

  it.each([
    ['no vCPUs', type({ VCpuInfo: {} })],
    ['no memory', type({ MemoryInfo: { SizeInMiB: 0 } })],
    ['no name', type({ InstanceType: undefined })],
  ])('skips a type with %s', (_, given) => {
    expect(toConfigurationInfo(given, 'us-east-1')).toBeNull();
  });

  it.each([
    ['t3.micro', undefined, true],
    ['t3.micro', ['t3.*'], true],
    ['t3a.micro', ['t3.*'], false],
    ['m5.large', ['t3.*', 'm5.large'], true],
    ['m5.xlarge', ['m5.large'], false],
    ['m5d.large', ['m5?.large'], true],
  ])('%s with the allow-list %j is allowed: %s', (name, allowList, allowed) => {
    expect(instanceTypeAllowed(name, allowList)).toBe(allowed);
  });
});

describe('ec2 image queries', () => {
  it.each([
    [
      'own images unfiltered, the others by name',
      { imageOwners: ['self', 'amazon'], imageFilters: ['al2023-*'] },
      [
        { Owners: ['self'], Filters: [{ Name: 'state', Values: ['available'] }] },
        {
          Owners: ['amazon'],
          Filters: [
            { Name: 'state', Values: ['available'] },
            { Name: 'name', Values: ['al2023-*'] },
          ],
        },
      ],
    ],
    [
      'no name filter when the patterns are empty',
      { imageOwners: ['099720109477'], imageFilters: [] },
      [{ Owners: ['099720109477'], Filters: [{ Name: 'state', Values: ['available'] }] }],
    ],
    [
      'only own images',
      { imageOwners: ['self'], imageFilters: ['x*'] },
      [{ Owners: ['self'], Filters: [{ Name: 'state', Values: ['available'] }] }],
    ],
  ])('asks for %s', (_, settings, queries) => {
    expect(imageQueries(settings)).toEqual(queries);
  });
});

/** A region whose DescribeImages answers from `pages`, keyed by owner and NextToken. */
function fakeRegion(pages: Record<string, { images: string[]; next?: string }>, asked: string[]) {
  const client = {
    send: async (command: { input: { Owners?: string[]; NextToken?: string } }) => {
      const key = `${command.input.Owners?.join('+')}:${command.input.NextToken ?? ''}`;
      asked.push(key);
      const page = pages[key];
      if (!page) throw new Error(`unexpected page ${key}`);
      return { Images: page.images.map((id) => image({ ImageId: id, Name: id })), NextToken: page.next };
    },
  } as unknown as EC2Client;
  const region: Pick<Ec2Region, 'name' | 'call'> = {
    name: 'us-east-1',
    call: (_operation, send, signal) => send(client, { abortSignal: signal ?? new AbortController().signal }),
  };
  return region;
}

describe('ec2 image paging', () => {
  it('follows NextToken to the last page of each query, and lists each image once, by name', async () => {
    const asked: string[] = [];
    const region = fakeRegion(
      {
        'self:': { images: ['ami-own'] },
        'amazon:': { images: ['ami-c', 'ami-a'], next: 'p2' },
        'amazon:p2': { images: ['ami-b', 'ami-a'], next: 'p3' },
        'amazon:p3': { images: [] },
      },
      asked,
    );
    const images = await fetchImages(region, { imageOwners: ['self', 'amazon'], imageFilters: ['*'] });
    expect(asked).toEqual(['self:', 'amazon:', 'amazon:p2', 'amazon:p3']);
    expect(images.map((i) => i.ref)).toEqual(['ami-a', 'ami-b', 'ami-c', 'ami-own']);
  });

  it('stops with ProviderUnavailable when EC2 hands out the same token again', async () => {
    const pages = paginate(
      async (token) => ({ items: [token ?? 'first'], nextToken: 'again' }),
      'DescribeImages',
    );
    const error = await collect(pages).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).kind).toBe('ProviderUnavailable');
  });
});
