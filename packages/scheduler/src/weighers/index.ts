import type { HostWeigher, WeigherName } from '../types.ts';
import { CpuWeigher } from './cpu-weigher.ts';
import { DiskWeigher } from './disk-weigher.ts';
import { InstanceCountWeigher } from './instance-count-weigher.ts';
import { RamWeigher } from './ram-weigher.ts';

export const WEIGHERS: Readonly<Record<WeigherName, HostWeigher>> = {
  RamWeigher,
  CpuWeigher,
  DiskWeigher,
  InstanceCountWeigher,
};

export { CpuWeigher, DiskWeigher, InstanceCountWeigher, RamWeigher };
