import { createHash } from 'node:crypto';
import type { _InstanceType, Instance, RunInstancesRequest } from '@aws-sdk/client-ec2';
import type { CreateMachineSpec, MachineInfo } from '@levante/connector-api';
import { mapEc2State, nativeStateOf } from './ec2-states.ts';

/** The tag holding Levante's machine id: inventory tells managed instances by it. */
export const MACHINE_ID_TAG = 'levante:machine-id';
/** The tag holding the create's client token, for EC2-compatible clouds that ignore ClientToken. */
export const CLIENT_TOKEN_TAG = 'levante:client-token';

/** Provider-only data of an instance (STYLE rule 4). */
export interface Ec2MachineExtra {
  readonly nativeState: string;
  readonly availabilityZone: string | null;
  readonly launchTime: string | null;
  readonly privateDnsName: string | null;
  readonly publicDnsName: string | null;
  readonly stateReason: string | null;
}

/**
 * EC2's ClientToken: the idempotency key itself when it fits (64 ASCII
 * characters), else its SHA-256, so that the same key always gives the same token.
 */
export function clientTokenFor(idempotencyKey: string): string {
  return /^[\x20-\x7e]{1,64}$/.test(idempotencyKey)
    ? idempotencyKey
    : createHash('sha256').update(idempotencyKey).digest('hex');
}

const tagOf = (instance: Instance, key: string): string | null =>
  instance.Tags?.find((tag) => tag.Key === key)?.Value ?? null;

/** The instance's tags but its name and Levante's own (`levante:…`). */
function tagsOf(instance: Instance): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const { Key: key, Value: value } of instance.Tags ?? []) {
    if (key && key !== 'Name' && !key.startsWith('levante:')) tags[key] = value ?? '';
  }
  return tags;
}

/** Private and public IPv4 addresses, then IPv6 ones, without repeats. */
function addressesOf(instance: Instance): string[] {
  const addresses = [instance.PrivateIpAddress, instance.PublicIpAddress, instance.Ipv6Address];
  for (const nic of instance.NetworkInterfaces ?? []) {
    for (const ip of nic.PrivateIpAddresses ?? [])
      addresses.push(ip.PrivateIpAddress, ip.Association?.PublicIp);
    for (const ip of nic.Ipv6Addresses ?? []) addresses.push(ip.Ipv6Address);
  }
  return [...new Set(addresses.filter((a): a is string => typeof a === 'string' && a.length > 0))];
}

export function toMachineInfo(instance: Instance, region: string): MachineInfo {
  const ref = instance.InstanceId ?? '';
  const nativeState = nativeStateOf(instance);
  const state = mapEc2State(nativeState);
  const reason = instance.StateReason?.Message ?? null;
  const extra: Ec2MachineExtra = {
    nativeState,
    availabilityZone: instance.Placement?.AvailabilityZone ?? null,
    launchTime: instance.LaunchTime?.toISOString() ?? null,
    privateDnsName: instance.PrivateDnsName || null,
    publicDnsName: instance.PublicDnsName || null,
    stateReason: reason,
  };
  return {
    ref,
    location: region,
    name: tagOf(instance, 'Name') ?? ref,
    state,
    imageRef: instance.ImageId ?? null,
    configurationRef: instance.InstanceType ?? null,
    hostRef: null,
    addresses: addressesOf(instance),
    managedId: tagOf(instance, MACHINE_ID_TAG),
    tags: tagsOf(instance),
    error:
      state === 'ERROR'
        ? `EC2 reports the state "${nativeState || 'unknown'}"${reason ? `: ${reason}` : '.'}`
        : null,
    extra: { ...extra },
  };
}

/** RunInstances for one tagged instance; ClientToken makes retries return the same instance on AWS. */
export function runInstancesInput(spec: CreateMachineSpec, clientToken: string): RunInstancesRequest {
  return {
    ImageId: spec.imageRef,
    // EC2 names new types faster than the SDK's union: the peer decides whether it exists.
    InstanceType: spec.configurationRef as _InstanceType,
    MinCount: 1,
    MaxCount: 1,
    ClientToken: clientToken,
    ...(spec.userData !== null ? { UserData: Buffer.from(spec.userData, 'utf8').toString('base64') } : {}),
    TagSpecifications: [
      {
        ResourceType: 'instance',
        Tags: [
          { Key: 'Name', Value: spec.name },
          { Key: MACHINE_ID_TAG, Value: spec.machineId },
          { Key: CLIENT_TOKEN_TAG, Value: clientToken },
        ],
      },
    ],
  };
}
