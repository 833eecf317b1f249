import { FILTERS } from './filters/index.ts';
import type { HostFilter, HostWeigher, SchedulerConfig } from './types.ts';
import { WEIGHERS } from './weighers/index.ts';

/**
 * Every filter, the cheap ones that say most to people first (location, state,
 * image), capacity last; spread on free RAM and vCPUs, and away from crowded hosts.
 */
export const DEFAULT_SCHEDULER_CONFIG: SchedulerConfig = {
  filters: [
    'LocationFilter',
    'HostHintFilter',
    'EnabledFilter',
    'HypervisorFilter',
    'LabelFilter',
    'AffinityFilter',
    'AntiAffinityFilter',
    'CpuFilter',
    'RamFilter',
    'DiskFilter',
  ],
  weighers: [
    { name: 'RamWeigher', weight: 1.0 },
    { name: 'CpuWeigher', weight: 1.0 },
    { name: 'InstanceCountWeigher', weight: 0.5 },
  ],
  topCandidates: 5,
};

export interface WeigherPlan {
  readonly weigher: HostWeigher;
  readonly weight: number;
}

export function configuredFilters(config: SchedulerConfig): HostFilter[] {
  return config.filters.map((name) => {
    const filter = FILTERS[name];
    if (!filter) throw new Error(`Unknown scheduler filter ${name}`);
    return filter;
  });
}

export function configuredWeighers(config: SchedulerConfig): WeigherPlan[] {
  return config.weighers.map(({ name, weight }) => {
    const weigher = WEIGHERS[name];
    if (!weigher) throw new Error(`Unknown scheduler weigher ${name}`);
    if (!Number.isFinite(weight)) throw new Error(`Weigher ${name} has a weight that is not a number`);
    return { weigher, weight };
  });
}

export function topCandidates(config: SchedulerConfig): number {
  return Math.max(1, Math.floor(config.topCandidates ?? 5));
}
