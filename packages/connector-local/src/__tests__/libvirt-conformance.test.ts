import { describeConformance, describeStateMap } from '@levante/connector-api/conformance';
import { describe, it } from 'vitest';
import { libvirtMissing, startLibvirtd } from '../../../../test/peers/libvirtd.ts';
import { mapLibvirtState, STATE_MAP, STATE_MAP_FALLBACK } from '../drivers/libvirt/libvirt-states.ts';
import { createLocalConnectorFactory } from '../local-connector-factory.ts';
import { HOSTS } from './sim-site.ts';

describeStateMap('local/libvirt', STATE_MAP, mapLibvirtState, STATE_MAP_FALLBACK);

const missing = libvirtMissing();

if (missing) {
  describe('local/libvirt conformance', () => {
    it.skip(`needs libvirtd (skipped: ${missing}; with CI=true this fails instead)`, () => {});
  });
} else {
  /** The kit against libvirt's test driver behind a libvirtd of its own, through virsh. */
  describeConformance('local/libvirt', async () => {
    const daemon = await startLibvirtd();
    let unmanaged = 0;
    return {
      factory: createLocalConnectorFactory(),
      context: {
        endpoint: null,
        credentials: { token: 'conformance' },
        settings: {
          driver: 'libvirt',
          token: 'conformance',
          hosts: HOSTS,
          libvirt: { uri: daemon.uri, domainType: 'test' },
        },
        dataDir: null,
      },
      badCredentials: { token: 'not-the-site-token' },
      location: 'paris',
      imageRef: 'debian-12',
      configurationRef: 'small',
      host: { ref: 'paris-a-1', hypervisor: 'kvm' },
      async createUnmanaged() {
        // Defined and started with virsh, without Levante's metadata: it shows in the first location.
        const name = `hand-made-${++unmanaged}`;
        const xml = `<domain type='test'><name>${name}</name><memory unit='MiB'>256</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>`;
        await daemon.define(xml);
        await daemon.virsh(['start', name]);
        return { ref: name, location: 'paris' };
      },
      timeoutMs: 10_000,
      teardown: () => daemon.stop(),
    };
  });
}
