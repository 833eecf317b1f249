import type { Instance } from '@aws-sdk/client-ec2';
import { describeStateMap } from '@levante/connector-api/conformance';
import { describe, expect, it } from 'vitest';
import { mapEc2State, nativeStateOf, STATE_MAP, STATE_MAP_FALLBACK } from '../ec2-states.ts';

describeStateMap('ec2', STATE_MAP, mapEc2State, STATE_MAP_FALLBACK);

const launched = new Date('2026-03-01T12:00:00Z');
const minutesBefore = (minutes: number) => new Date(launched.getTime() - minutes * 60_000);

const instance = (state: string, rootAttached: Date | null, root = '/dev/xvda'): Instance => ({
  State: { Name: state as NonNullable<Instance['State']>['Name'] },
  LaunchTime: launched,
  RootDeviceName: '/dev/xvda',
  BlockDeviceMappings: rootAttached ? [{ DeviceName: root, Ebs: { AttachTime: rootAttached } }] : [],
});

describe('ec2 native state of an instance', () => {
  it.each([
    ['a new instance, its root volume attached at launch', instance('pending', launched), 'pending'],
    [
      'a new instance, root volume attached seconds after launch',
      instance('pending', minutesBefore(-0.1)),
      'pending',
    ],
    ['a new instance without a root volume yet', instance('pending', null), 'pending'],
    [
      'a started instance, its root volume attached days before',
      instance('pending', minutesBefore(3 * 1440)),
      'pending-start',
    ],
    [
      'a started instance whose other volume is old, not its root',
      instance('pending', minutesBefore(60), '/dev/sdb'),
      'pending',
    ],
    ['a running instance with an old root volume', instance('running', minutesBefore(3 * 1440)), 'running'],
    ['a stopped instance', instance('stopped', minutesBefore(5)), 'stopped'],
    ['an instance without a state', { InstanceId: 'i-1' }, ''],
  ])('%s → %s', (_, given: Instance, native) => {
    expect(nativeStateOf(given)).toBe(native);
  });

  it('shows a start from stopped as STARTING and a create as CREATING', () => {
    expect(mapEc2State(nativeStateOf(instance('pending', minutesBefore(90))))).toBe('STARTING');
    expect(mapEc2State(nativeStateOf(instance('pending', launched)))).toBe('CREATING');
  });
});
