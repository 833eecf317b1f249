import { createHash } from 'node:crypto';
import { ConnectorError, type CreateMachineSpec } from '@levante/connector-api';
import type { DomainDefinition, HostTarget, HypervisorDriver } from './drivers/hypervisor-driver.ts';
import type { LocalSettings } from './settings.ts';

/**
 * The machine ref an idempotency key stands for: the same key always names
 * the same domain, so a repeated create finds the machine instead of making another.
 */
export function machineRefFor(idempotencyKey: string): string {
  return `vm-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 16)}`;
}

const invalid = (message: string) => new ConnectorError('InvalidRequest', message);

/**
 * Checks a create against the site's catalogue and the chosen host, and
 * returns what the driver boots. Every refusal says what to change.
 */
export function resolveCreate(
  spec: CreateMachineSpec,
  ref: string,
  settings: LocalSettings,
  driver: Pick<HypervisorDriver, 'name' | 'hypervisors'>,
): { host: HostTarget; definition: DomainDefinition } {
  if (!settings.locations.some((l) => l.ref === spec.location)) {
    throw invalid(`The local site has no location "${spec.location}".`);
  }
  const image = settings.images.find((i) => i.ref === spec.imageRef);
  if (!image) throw invalid(`The local site has no image "${spec.imageRef}" in ${spec.location}.`);
  const configuration = settings.configurations.find((c) => c.ref === spec.configurationRef);
  if (!configuration) {
    throw invalid(`The local site has no configuration "${spec.configurationRef}" in ${spec.location}.`);
  }
  if (configuration.diskGiB < image.minDiskGiB) {
    throw invalid(
      `Image "${image.name}" needs a disk of ${image.minDiskGiB} GiB; configuration "${configuration.name}" has ${configuration.diskGiB} GiB.`,
    );
  }

  const host = spec.host;
  if (!host) throw invalid("The local provider needs a host chosen by Levante's scheduler.");
  const declared = settings.hosts.find((h) => h.ref === host.ref);
  if (settings.hosts.length > 0 && !declared) throw invalid(`The local site has no host "${host.ref}".`);
  if (declared && declared.location !== spec.location) {
    throw invalid(`Host "${host.ref}" is in ${declared.location}, not in ${spec.location}.`);
  }
  if (declared && declared.hypervisor !== host.hypervisor) {
    throw invalid(`Host "${host.ref}" runs ${declared.hypervisor}, not ${host.hypervisor}.`);
  }
  if (!driver.hypervisors.includes(host.hypervisor)) {
    throw invalid(`The ${driver.name} driver cannot run ${host.hypervisor} hosts such as "${host.ref}".`);
  }
  if (!image.hypervisors.includes(host.hypervisor)) {
    throw invalid(
      `Image "${image.name}" runs on ${image.hypervisors.join(', ')}, not on host "${host.ref}" (${host.hypervisor}).`,
    );
  }

  return {
    host: { ref: host.ref, hypervisor: host.hypervisor },
    definition: {
      ref,
      name: spec.name,
      location: spec.location,
      imageRef: image.ref,
      configurationRef: configuration.ref,
      vcpus: configuration.vcpus,
      memoryMiB: configuration.memoryMiB,
      diskGiB: configuration.diskGiB,
      userData: spec.userData,
      managedId: spec.machineId,
    },
  };
}
