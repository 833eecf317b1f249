import {
  CreateTagsCommand,
  DescribeAccountAttributesCommand,
  DescribeAvailabilityZonesCommand,
  DescribeInstancesCommand,
  type DescribeInstancesRequest,
  type Instance,
  RebootInstancesCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  type CallOptions,
  type ConfigurationInfo,
  type Connector,
  ConnectorError,
  type CreateMachineSpec,
  type CreateOptions,
  type ImageInfo,
  type LocationInfo,
  type MachineInfo,
  type MachineRef,
} from '@levante/connector-api';
import type { MachineAction } from '@levante/domain';
import { fetchConfigurations, fetchImages, instanceTypeAllowed } from './ec2-catalog.ts';
import {
  CLIENT_TOKEN_TAG,
  clientTokenFor,
  MACHINE_ID_TAG,
  runInstancesInput,
  toMachineInfo,
} from './ec2-machines.ts';
import { type Ec2Region, paginate } from './ec2-region.ts';
import { regionName } from './region-names.ts';
import type { Ec2Settings } from './settings.ts';
import { TtlCache } from './ttl-cache.ts';

/** The EC2 operation behind each action EC2 has; the others are NotSupported. */
const OPERATION_OF: Partial<Record<MachineAction, 'start' | 'stop' | 'reboot' | 'terminate'>> = {
  start: 'start',
  stop: 'stop',
  restart: 'reboot',
  delete: 'terminate',
};

export interface Ec2ConnectorOptions {
  readonly settings: Ec2Settings;
  /** The region clients, one per configured region, in the settings' order. */
  readonly regions: readonly Ec2Region[];
  /** What validate() names the account by, e.g. 'AWS (access key AKIA…WXYZ)'. */
  readonly accountName: string;
  /** The clock of the catalogue cache; tests bring their own. */
  readonly now?: () => number;
}

/** A connection to one AWS (or EC2-compatible) account, across its configured regions. */
export class Ec2Connector implements Connector {
  readonly #settings: Ec2Settings;
  readonly #regions: ReadonlyMap<string, Ec2Region>;
  readonly #accountName: string;
  readonly #images: TtlCache<string, ImageInfo[]>;
  readonly #configurations: TtlCache<string, ConfigurationInfo[]>;
  #closed = false;

  constructor(options: Ec2ConnectorOptions) {
    this.#settings = options.settings;
    this.#regions = new Map(options.regions.map((region) => [region.name, region]));
    this.#accountName = options.accountName;
    this.#images = new TtlCache(options.settings.imageCacheTtlMs, options.now);
    this.#configurations = new TtlCache(options.settings.imageCacheTtlMs, options.now);
  }

  async validate(options?: CallOptions): Promise<{ readonly accountName: string }> {
    const [region] = this.#all(options);
    await region?.call(
      'DescribeAccountAttributes',
      (client, o) => client.send(new DescribeAccountAttributesCommand({}), o),
      options?.signal,
    );
    return { accountName: this.#accountName };
  }

  async listLocations(options?: CallOptions): Promise<LocationInfo[]> {
    const perRegion = await Promise.all(
      this.#all(options).map(async (region): Promise<LocationInfo[]> => {
        const answer = await region.call(
          'DescribeAvailabilityZones',
          (client, o) => client.send(new DescribeAvailabilityZonesCommand({}), o),
          options?.signal,
        );
        const zones = (answer.AvailabilityZones ?? []).filter(
          (zone) => zone.ZoneName && (zone.ZoneType ?? 'availability-zone') === 'availability-zone',
        );
        return [
          { ref: region.name, name: regionName(region.name), kind: 'region', parentRef: null },
          ...zones.map((zone) => ({
            ref: zone.ZoneName ?? '',
            name: zone.ZoneName ?? '',
            kind: 'zone' as const,
            parentRef: region.name,
          })),
        ];
      }),
    );
    return perRegion.flat();
  }

  async *listImages(location: string, options?: CallOptions): AsyncIterable<ImageInfo> {
    const region = this.#region(location, options);
    yield* await this.#images.get(region.name, () => fetchImages(region, this.#settings, options?.signal));
  }

  async listConfigurations(location: string, options?: CallOptions): Promise<ConfigurationInfo[]> {
    const region = this.#region(location, options);
    return this.#configurations.get(region.name, () =>
      fetchConfigurations(region, this.#settings, options?.signal),
    );
  }

  /** Every instance of the region(s) but terminated ones, which EC2 shows for a while after they are gone. */
  async *listMachines(location?: string, options?: CallOptions): AsyncIterable<MachineInfo> {
    const regions = location === undefined ? this.#all(options) : [this.#region(location, options)];
    for (const region of regions) {
      for await (const instance of this.#describe(region, {}, options?.signal)) {
        if (instance.State?.Name !== 'terminated') yield toMachineInfo(instance, region.name);
      }
    }
  }

  async getMachine(ref: MachineRef, options?: CallOptions): Promise<MachineInfo | null> {
    const region = this.#region(ref.location, options);
    try {
      for await (const instance of this.#describe(region, { InstanceIds: [ref.ref] }, options?.signal)) {
        if (instance.InstanceId === ref.ref) return toMachineInfo(instance, region.name);
      }
      return null;
    } catch (error) {
      if (error instanceof ConnectorError && error.kind === 'NotFound') return null;
      throw error;
    }
  }

  /**
   * Looks for the instance of an earlier call with the same key first (the
   * client-token tag), then runs one: EC2 itself returns the same instance
   * for a repeated ClientToken, but EC2-compatible clouds may not.
   */
  async createMachine(spec: CreateMachineSpec, options: CreateOptions): Promise<MachineInfo> {
    const region = this.#region(spec.location, options);
    if (spec.host) {
      throw new ConnectorError(
        'InvalidRequest',
        'EC2 places instances itself; it takes no host from Levante.',
      );
    }
    if (!instanceTypeAllowed(spec.configurationRef, this.#settings.instanceTypes)) {
      throw new ConnectorError(
        'InvalidRequest',
        `The instance type "${spec.configurationRef}" is not among this provider's instance types (${this.#settings.instanceTypes?.join(', ')}).`,
      );
    }
    const token = clientTokenFor(options.idempotencyKey);
    const filter = { Filters: [{ Name: `tag:${CLIENT_TOKEN_TAG}`, Values: [token] }] };
    for await (const instance of this.#describe(region, filter, options.signal)) {
      return toMachineInfo(instance, region.name);
    }
    const answer = await region.call(
      'RunInstances',
      (client, o) => client.send(new RunInstancesCommand(runInstancesInput(spec, token)), o),
      options.signal,
    );
    const instance = answer.Instances?.[0];
    if (!instance?.InstanceId) {
      throw new ConnectorError(
        'ProviderUnavailable',
        `EC2 in ${region.name} ran no instance and said nothing.`,
      );
    }
    // The answer may lack the tags: name and managed id are those just asked for.
    return { ...toMachineInfo(instance, region.name), name: spec.name, managedId: spec.machineId };
  }

  async act(ref: MachineRef, action: MachineAction, options?: CallOptions): Promise<void> {
    const operation = OPERATION_OF[action];
    if (!operation) {
      throw new ConnectorError(
        'NotSupported',
        `EC2 instances cannot ${action}: Levante does not model EC2 hibernation; stop the machine instead.`,
      );
    }
    const region = this.#region(ref.location, options);
    const input = { InstanceIds: [ref.ref] };
    const signal = options?.signal;
    switch (operation) {
      case 'start':
        await region.call('StartInstances', (c, o) => c.send(new StartInstancesCommand(input), o), signal);
        return;
      case 'stop':
        await region.call('StopInstances', (c, o) => c.send(new StopInstancesCommand(input), o), signal);
        return;
      case 'reboot':
        await region.call('RebootInstances', (c, o) => c.send(new RebootInstancesCommand(input), o), signal);
        return;
      case 'terminate':
        await region.call(
          'TerminateInstances',
          (c, o) => c.send(new TerminateInstancesCommand(input), o),
          signal,
        );
        return;
    }
  }

  /** Tags an adopted instance `levante:machine-id`, as Levante tags the instances it runs. */
  async markManaged(ref: MachineRef, machineId: string, options?: CallOptions): Promise<void> {
    const region = this.#region(ref.location, options);
    const input = { Resources: [ref.ref], Tags: [{ Key: MACHINE_ID_TAG, Value: machineId }] };
    await region.call('CreateTags', (c, o) => c.send(new CreateTagsCommand(input), o), options?.signal);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#images.clear();
    this.#configurations.clear();
    for (const region of this.#regions.values()) region.destroy();
  }

  /** The instances DescribeInstances finds, page after page (MaxResults cannot go with InstanceIds). */
  #describe(
    region: Ec2Region,
    input: DescribeInstancesRequest,
    signal?: AbortSignal,
  ): AsyncGenerator<Instance> {
    const MaxResults = input.InstanceIds ? undefined : 1000;
    return paginate(async (NextToken) => {
      const page = await region.call(
        'DescribeInstances',
        (client, o) => client.send(new DescribeInstancesCommand({ ...input, MaxResults, NextToken }), o),
        signal,
      );
      return {
        items: (page.Reservations ?? []).flatMap((r) => r.Instances ?? []),
        nextToken: page.NextToken,
      };
    }, `DescribeInstances in ${region.name}`);
  }

  #all(options: CallOptions | undefined): Ec2Region[] {
    this.#guard(options);
    return [...this.#regions.values()];
  }

  #region(location: string, options: CallOptions | undefined): Ec2Region {
    this.#guard(options);
    const region = this.#regions.get(location);
    if (!region) {
      throw new ConnectorError(
        'InvalidRequest',
        `"${location}" is not a region of this provider (${[...this.#regions.keys()].join(', ')}); machines, images and instance types live in regions.`,
      );
    }
    return region;
  }

  #guard(options: CallOptions | undefined): void {
    options?.signal?.throwIfAborted();
    if (this.#closed) throw new ConnectorError('ProviderUnavailable', 'This connection to EC2 is closed.');
  }
}
