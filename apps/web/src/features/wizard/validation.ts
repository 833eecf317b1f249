import type { MachineConfiguration, MachineImage } from '@/graphql/machines';
import type { Quota, QuotaFigures } from '@/graphql/types';

/** The engine's rule, repeated here to say it while the name is typed. */
export function machineNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed.length === 0) return 'Give the machine a name.';
  if (trimmed.length > 63) return 'A machine name can have at most 63 characters.';
  if (!/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/.test(trimmed))
    return 'Letters, digits and dashes only, neither starting nor ending with a dash.';
  return null;
}

/** Machines one request may ask for, as the API allows. */
export const MAX_MACHINES = 50;

/** Why the number of machines asked for cannot be created, or null. */
export function countProblem(count: string): string | null {
  const n = Number(count);
  if (!Number.isInteger(n) || n < 1 || n > MAX_MACHINES) return `A whole number from 1 to ${MAX_MACHINES}.`;
  return null;
}

/** The names `count` machines get from one name: itself alone, else name-1 to name-N. */
export function machineNames(name: string, count: number): string[] {
  const base = name.trim();
  return count === 1 ? [base] : Array.from({ length: count }, (_, i) => `${base}-${i + 1}`);
}

/** What a machine takes; its disk is the configuration's, or the image's when larger (or when the configuration has none). */
export function requestOf(configuration: MachineConfiguration, image: MachineImage | null): QuotaFigures {
  return {
    machines: 1,
    vcpus: configuration.vcpus,
    memoryMiB: configuration.memoryMiB,
    storageGiB: Math.max(configuration.diskGiB, image?.minDiskGiB ?? 0),
  };
}

const LABELS: Record<keyof QuotaFigures, string> = {
  machines: 'machines',
  vcpus: 'vCPUs',
  memoryMiB: 'memory',
  storageGiB: 'storage',
};

/** Why `count` machines of a configuration cannot be chosen (quota, image disk), or null. */
export function configurationProblem(
  configuration: MachineConfiguration,
  image: MachineImage | null,
  quota: Quota | null,
  count = 1,
): string | null {
  // 0: the configuration has no disk of its own (EC2's EBS-only types): it takes the image's.
  if (image && configuration.diskGiB > 0 && configuration.diskGiB < image.minDiskGiB)
    return `${image.name} needs a ${image.minDiskGiB} GiB disk.`;
  if (!quota) return null;
  const request = requestOf(configuration, image);
  const over = (Object.keys(LABELS) as (keyof QuotaFigures)[]).filter((key) => {
    const limit = quota.limits[key];
    return limit !== null && quota.usage[key] + count * request[key] > limit;
  });
  return over.length > 0 ? `Exceeds the project's ${over.map((k) => LABELS[k]).join(', ')} quota.` : null;
}
