import type { FilterName, HostFilter } from '../types.ts';
import { AffinityFilter } from './affinity-filter.ts';
import { AntiAffinityFilter } from './anti-affinity-filter.ts';
import { CpuFilter } from './cpu-filter.ts';
import { DiskFilter } from './disk-filter.ts';
import { EnabledFilter } from './enabled-filter.ts';
import { HostHintFilter } from './host-hint-filter.ts';
import { HypervisorFilter } from './hypervisor-filter.ts';
import { LabelFilter } from './label-filter.ts';
import { LocationFilter } from './location-filter.ts';
import { RamFilter } from './ram-filter.ts';

export const FILTERS: Readonly<Record<FilterName, HostFilter>> = {
  EnabledFilter,
  LocationFilter,
  HostHintFilter,
  HypervisorFilter,
  LabelFilter,
  AffinityFilter,
  AntiAffinityFilter,
  CpuFilter,
  RamFilter,
  DiskFilter,
};

export {
  AffinityFilter,
  AntiAffinityFilter,
  CpuFilter,
  DiskFilter,
  EnabledFilter,
  HostHintFilter,
  HypervisorFilter,
  LabelFilter,
  LocationFilter,
  RamFilter,
};
