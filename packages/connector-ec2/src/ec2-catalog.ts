import {
  DescribeImagesCommand,
  type DescribeImagesRequest,
  DescribeInstanceTypesCommand,
  type Image,
  type InstanceTypeInfo,
} from '@aws-sdk/client-ec2';
import type { ConfigurationInfo, ImageInfo } from '@levante/connector-api';
import { type Ec2Region, paginate } from './ec2-region.ts';
import type { Ec2Settings } from './settings.ts';

/** The root disk of an instance type without instance storage: the usual EBS root volume. */
export const DEFAULT_ROOT_DISK_GIB = 8;

/** Provider-only data of an image (STYLE rule 4). */
export interface Ec2ImageExtra {
  readonly ownerId: string | null;
  readonly ownerAlias: string | null;
  readonly description: string | null;
  readonly creationDate: string | null;
  readonly rootDeviceType: string | null;
  readonly virtualizationType: string | null;
}

/** Provider-only data of an instance type. */
export interface Ec2ConfigurationExtra {
  readonly architectures: readonly string[];
  readonly currentGeneration: boolean;
  readonly instanceStorage: boolean;
  readonly burstable: boolean;
}

const isWindows = (image: Image): boolean =>
  image.Platform?.toLowerCase() === 'windows' || (image.PlatformDetails ?? '').includes('Windows');

/** The size of the image's root volume, or of its first EBS volume. */
function rootDiskGiB(image: Image): number {
  const mappings = image.BlockDeviceMappings ?? [];
  const root = mappings.find((m) => m.DeviceName === image.RootDeviceName) ?? mappings.find((m) => m.Ebs);
  const size = root?.Ebs?.VolumeSize;
  return size && size > 0 ? size : DEFAULT_ROOT_DISK_GIB;
}

/** Null for an image Levante cannot use: no id. EC2 does not say which of our hypervisors run it. */
export function toImageInfo(image: Image, location: string): ImageInfo | null {
  if (!image.ImageId) return null;
  const extra: Ec2ImageExtra = {
    ownerId: image.OwnerId ?? null,
    ownerAlias: image.ImageOwnerAlias ?? null,
    description: image.Description ?? null,
    creationDate: image.CreationDate ?? null,
    rootDeviceType: image.RootDeviceType ?? null,
    virtualizationType: image.VirtualizationType ?? null,
  };
  return {
    ref: image.ImageId,
    name: image.Name ?? image.ImageId,
    location,
    os: isWindows(image) ? 'windows' : 'linux',
    architecture: image.Architecture ?? null,
    hypervisors: [],
    minDiskGiB: rootDiskGiB(image),
    extra: { ...extra },
  };
}

/**
 * Null for a type without vCPUs or memory. Disk: its instance storage; 0 for
 * an EBS-only type, whose root volume takes the size of the image it boots.
 */
export function toConfigurationInfo(type: InstanceTypeInfo, location: string): ConfigurationInfo | null {
  const vcpus = type.VCpuInfo?.DefaultVCpus ?? 0;
  const memoryMiB = type.MemoryInfo?.SizeInMiB ?? 0;
  if (!type.InstanceType || vcpus <= 0 || memoryMiB <= 0) return null;
  const storage = type.InstanceStorageInfo?.TotalSizeInGB ?? 0;
  const extra: Ec2ConfigurationExtra = {
    architectures: type.ProcessorInfo?.SupportedArchitectures ?? [],
    currentGeneration: type.CurrentGeneration ?? false,
    instanceStorage: storage > 0,
    burstable: type.BurstablePerformanceSupported ?? false,
  };
  return {
    ref: type.InstanceType,
    name: type.InstanceType,
    location,
    vcpus,
    memoryMiB,
    diskGiB: storage,
    extra: { ...extra },
  };
}

/**
 * The DescribeImages queries for the catalogue: the account's own images
 * unfiltered, the other owners' narrowed to the name patterns.
 */
export function imageQueries(
  settings: Pick<Ec2Settings, 'imageOwners' | 'imageFilters'>,
): DescribeImagesRequest[] {
  const available = { Name: 'state', Values: ['available'] };
  const others = settings.imageOwners.filter((owner) => owner !== 'self');
  const names = settings.imageFilters.length ? [{ Name: 'name', Values: settings.imageFilters }] : [];
  return [
    ...(settings.imageOwners.includes('self') ? [{ Owners: ['self'], Filters: [available] }] : []),
    ...(others.length ? [{ Owners: others, Filters: [available, ...names] }] : []),
  ];
}

/** Every image of the catalogue in one region, by name; paged with NextToken. */
export async function fetchImages(
  region: Pick<Ec2Region, 'name' | 'call'>,
  settings: Pick<Ec2Settings, 'imageOwners' | 'imageFilters'>,
  signal?: AbortSignal,
): Promise<ImageInfo[]> {
  const byRef = new Map<string, ImageInfo>();
  for (const query of imageQueries(settings)) {
    const images = paginate(async (NextToken) => {
      const page = await region.call(
        'DescribeImages',
        (client, options) =>
          client.send(new DescribeImagesCommand({ ...query, MaxResults: 1000, NextToken }), options),
        signal,
      );
      return { items: page.Images ?? [], nextToken: page.NextToken };
    }, `DescribeImages in ${region.name}`);
    for await (const image of images) {
      const info = toImageInfo(image, region.name);
      if (info) byRef.set(info.ref, info);
    }
  }
  return [...byRef.values()].sort((a, b) => a.name.localeCompare(b.name) || a.ref.localeCompare(b.ref));
}

/** The instance types of one region (those of the allow-list, when there is one), smallest first. */
export async function fetchConfigurations(
  region: Pick<Ec2Region, 'name' | 'call'>,
  settings: Pick<Ec2Settings, 'instanceTypes'>,
  signal?: AbortSignal,
): Promise<ConfigurationInfo[]> {
  const Filters = settings.instanceTypes
    ? [{ Name: 'instance-type', Values: settings.instanceTypes }]
    : undefined;
  const types = paginate(async (NextToken) => {
    const page = await region.call(
      'DescribeInstanceTypes',
      (client, options) =>
        client.send(new DescribeInstanceTypesCommand({ Filters, MaxResults: 100, NextToken }), options),
      signal,
    );
    return { items: page.InstanceTypes ?? [], nextToken: page.NextToken };
  }, `DescribeInstanceTypes in ${region.name}`);
  const configurations: ConfigurationInfo[] = [];
  for await (const type of types) {
    const info = toConfigurationInfo(type, region.name);
    if (info) configurations.push(info);
  }
  return configurations.sort(
    (a, b) => a.vcpus - b.vcpus || a.memoryMiB - b.memoryMiB || a.ref.localeCompare(b.ref),
  );
}

/** Whether an instance type is allowed by the settings' allow-list (with * and ? wildcards). */
export function instanceTypeAllowed(type: string, allowList: readonly string[] | undefined): boolean {
  if (!allowList) return true;
  return allowList.some((pattern) => {
    const source = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    return new RegExp(`^${source}$`).test(type);
  });
}
