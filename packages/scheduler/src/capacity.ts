import type { HostCandidate } from './types.ts';

/*
 * What a host can still take: capacity × allocation ratio − allocated. The
 * filters, the weighers and HostIndex's sort keys all call these, so that they
 * compute the very same numbers (HostIndex relies on it to stay exact).
 */

export function freeVcpus(host: HostCandidate): number {
  return host.vcpus * host.cpuAllocationRatio - host.allocatedVcpus;
}

export function freeMemoryMiB(host: HostCandidate): number {
  return host.memoryMiB * host.ramAllocationRatio - host.allocatedMemoryMiB;
}

export function freeDiskGiB(host: HostCandidate): number {
  return host.diskGiB * host.diskAllocationRatio - host.allocatedDiskGiB;
}

const WHOLE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const ONE_DECIMAL = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** A count for people: 8, 1,200. */
export function formatCount(value: number): string {
  return WHOLE.format(value);
}

/** At most one decimal below 100, none when it is zero: 1, 1.5, 1,024. */
function readable(value: number): string {
  return (Math.abs(value) >= 100 ? WHOLE : ONE_DECIMAL).format(value);
}

/** '512 MiB', '3.5 GiB', '1.5 TiB'. */
export function formatMiB(mib: number): string {
  const abs = Math.abs(mib);
  if (abs >= 1024 * 1024) return `${readable(mib / (1024 * 1024))} TiB`;
  if (abs >= 1024) return `${readable(mib / 1024)} GiB`;
  return `${readable(mib)} MiB`;
}

/** '40 GiB', '1.5 TiB'. */
export function formatGiB(gib: number): string {
  return formatMiB(gib * 1024);
}

export function formatVcpus(vcpus: number): string {
  return `${readable(vcpus)} vCPU${vcpus === 1 ? '' : 's'}`;
}

/**
 * The reason a capacity filter gives, what is free against what is asked:
 * 'only 3.5 GiB of memory free, 8 GiB asked', 'no vCPUs free (overcommitted by 2 vCPUs), 4 vCPUs asked'.
 */
export function shortage(
  free: number,
  asked: number,
  format: (n: number) => string,
  what: 'vCPUs' | 'memory' | 'disk',
): string {
  const wanted = `${format(asked)} asked`;
  if (free > 0) return `only ${format(free)}${what === 'vCPUs' ? '' : ` of ${what}`} free, ${wanted}`;
  const over = free < 0 ? ` (overcommitted by ${format(-free)})` : '';
  return `no ${what} free${over}, ${wanted}`;
}
