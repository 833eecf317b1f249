import type { TinyGuest } from '../../../../test/peers/tiny-guest.ts';
import {
  TINY_GUEST_CMDLINE,
  TINY_GUEST_MARKER,
  TINY_GUEST_MEMORY_MIB,
  TINY_GUEST_TB_SIZE_MIB,
} from '../../../../test/peers/tiny-guest.ts';
import { type DriverLease, DriverPool } from '../drivers/driver-pool.ts';
import type { HypervisorDriver } from '../drivers/hypervisor-driver.ts';
import type { LocalSettings } from '../settings.ts';

/**
 * The accelerator the QEMU tests use: TCG unless LEVANTE_TEST_QEMU_ACCEL says
 * otherwise. 'auto' would pick KVM wherever /dev/kvm opens, and on nested
 * machines that have one, guests may stall under it.
 */
export const TEST_ACCEL = (process.env.LEVANTE_TEST_QEMU_ACCEL ?? 'tcg') as 'auto' | 'kvm' | 'tcg';

const host = (ref: string) => ({
  ref,
  name: ref,
  location: 'paris',
  cluster: 'paris-a',
  hypervisor: 'kvm',
  vcpus: 2,
  memoryMiB: 4096,
  diskGiB: 20,
});

/** A one-location site of two hosts (both this machine) running the tiny guest under QEMU, with a disk overlay. */
export function qemuSiteSettings(guest: TinyGuest, token: string): Record<string, unknown> {
  return {
    driver: 'qemu',
    token,
    locations: [{ ref: 'paris', name: 'Paris' }],
    hosts: [host('paris-a-1'), host('paris-a-2')],
    images: [
      {
        ref: 'tiny',
        name: 'Tiny Linux (busybox)',
        os: 'linux',
        architecture: 'x86_64',
        hypervisors: ['kvm'],
        minDiskGiB: 1,
        boot: {
          kernel: guest.kernel,
          initrd: guest.initrd,
          cmdline: TINY_GUEST_CMDLINE,
          disk: guest.disk,
          readyMarker: TINY_GUEST_MARKER,
        },
      },
      {
        ref: 'broken',
        name: 'An image whose kernel is not there',
        os: 'linux',
        architecture: 'x86_64',
        hypervisors: ['kvm'],
        minDiskGiB: 1,
        boot: { kernel: `${guest.kernel}.missing` },
      },
    ],
    configurations: [{ ref: 'tiny', name: 'Tiny', vcpus: 1, memoryMiB: TINY_GUEST_MEMORY_MIB, diskGiB: 1 }],
    qemu: { accel: TEST_ACCEL, tbSizeMiB: TINY_GUEST_TB_SIZE_MIB },
  };
}

/** A pool that remembers the drivers it hands out, to reach driver-only calls (console logs, PIDs). */
export class RecordingPool extends DriverPool {
  readonly drivers: HypervisorDriver[] = [];

  override async acquire(settings: LocalSettings, dataDir: string | null): Promise<DriverLease> {
    const lease = await super.acquire(settings, dataDir);
    if (!this.drivers.includes(lease.driver)) this.drivers.push(lease.driver);
    return lease;
  }
}
