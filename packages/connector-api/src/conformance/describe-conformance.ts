import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capabilitiesFor } from '../capabilities.ts';
import { isConnectorError } from '../connector-error.ts';
import { HYPERVISORS, type MachineRef } from '../contract.ts';
import { collect, expectConnectorError, LiveConnector, rejectionOf } from './assertions.ts';
import { describeLifecycle } from './describe-lifecycle.ts';
import type { ConformanceSubject } from './subject.ts';
import { pollUntil } from './wait-for-state.ts';

/**
 * Declares the conformance suite every connector runs against its peer.
 * `setup` runs while vitest collects the suite (so that the suite knows the
 * factory's capabilities and what the subject offers); the connector connects
 * in beforeAll, and `teardown` runs after the last test.
 */
export function describeConformance(name: string, setup: () => Promise<ConformanceSubject>): void {
  describe(`${name} conformance`, async () => {
    const subject = await setup();
    const { factory } = subject;
    const live = new LiveConnector();

    beforeAll(async () => {
      live.set(await factory.connect(subject.context));
    });

    afterAll(async () => {
      try {
        if (live.connected) await live.get().close();
      } finally {
        await subject.teardown();
      }
    });

    it('validate accepts the credentials and names the account', async () => {
      const account = await live.get().validate();
      expect(typeof account.accountName).toBe('string');
    });

    it('lists the subject location among its locations', async () => {
      const locations = await live.get().listLocations();
      expect(locations.map((l) => l.ref)).toContain(subject.location);
    });

    it('lists the subject image in its location', async () => {
      const images = await collect(live.get().listImages(subject.location));
      const image = images.find((i) => i.ref === subject.imageRef);
      expect(image, `image ${subject.imageRef} in ${subject.location}`).toBeDefined();
      for (const hypervisor of image?.hypervisors ?? []) expect(HYPERVISORS).toContain(hypervisor);
    });

    it('lists the subject configuration with positive vCPUs and memory', async () => {
      const configurations = await live.get().listConfigurations(subject.location);
      const configuration = configurations.find((c) => c.ref === subject.configurationRef);
      expect(configuration, `configuration ${subject.configurationRef}`).toBeDefined();
      expect(configuration?.vcpus).toBeGreaterThan(0);
      expect(configuration?.memoryMiB).toBeGreaterThan(0);
    });

    it('credentials schema rejects garbage and accepts the subject credentials', () => {
      for (const garbage of [null, 42, 'garbage', [], { nonsense: true }]) {
        expect(factory.credentialsSchema.safeParse(garbage).success, JSON.stringify(garbage)).toBe(false);
      }
      expect(factory.credentialsSchema.safeParse(subject.context.credentials).success).toBe(true);
      expect(factory.credentialsSchema.safeParse(subject.badCredentials).success).toBe(true);
    });

    it('validate refuses well-formed but wrong credentials with AuthError', async () => {
      await expectConnectorError(async () => {
        const connector = await factory.connect({ ...subject.context, credentials: subject.badCredentials });
        try {
          await connector.validate();
        } finally {
          await connector.close();
        }
      }, ['AuthError']);
    });

    it('offers listHosts exactly when capabilities.hosts, with well-formed hosts', async () => {
      const connector = live.get();
      expect(typeof connector.listHosts === 'function').toBe(factory.capabilities.hosts);
      for (const host of (await connector.listHosts?.()) ?? []) {
        expect(HYPERVISORS).toContain(host.hypervisor);
        expect(host.vcpus).toBeGreaterThan(0);
        expect(host.memoryMiB).toBeGreaterThan(0);
      }
    });

    describeLifecycle(subject, live);

    it('getMachine of an unknown ref returns null', async () => {
      const unknown = { ref: 'levante-conformance-no-such-machine', location: subject.location };
      expect(await live.get().getMachine(unknown)).toBeNull();
    });

    it('act on an unknown ref throws NotFound', async () => {
      const unknown = { ref: 'levante-conformance-no-such-machine', location: subject.location };
      await expectConnectorError(live.get().act(unknown, 'stop'), ['NotFound']);
    });

    if (capabilitiesFor(factory, subject.context.settings).migrate) {
      it('migrateMachine of an unknown ref throws NotFound', async () => {
        const unknown = { ref: 'levante-conformance-no-such-machine', location: subject.location };
        const host = subject.migrationHost ?? subject.host?.ref ?? 'any-host';
        await expectConnectorError(live.get().migrateMachine!(unknown, host), ['NotFound']);
      });
    }

    it('createMachine with an unknown image throws InvalidRequest or NotFound', async () => {
      const spec = {
        machineId: crypto.randomUUID(),
        name: 'levante-conformance-no-image',
        location: subject.location,
        imageRef: 'levante-conformance-no-such-image',
        configurationRef: subject.configurationRef,
        host: subject.host ?? null,
        userData: null,
      };
      await expectConnectorError(live.get().createMachine(spec, { idempotencyKey: crypto.randomUUID() }), [
        'InvalidRequest',
        'NotFound',
      ]);
    });

    const noUnmanaged = !subject.createUnmanaged;
    let unmanaged: MachineRef | null = null;
    it.skipIf(noUnmanaged)(
      `listMachines includes a machine created outside Levante, with managedId null${noUnmanaged ? ' (skipped: the subject has no createUnmanaged)' : ''}`,
      async () => {
        const ref = await subject.createUnmanaged!();
        unmanaged = ref;
        // Inventories may lag behind a create: wait for it to show up.
        const machine = await pollUntil(
          async () =>
            (await collect(live.get().listMachines(subject.location))).find((m) => m.ref === ref.ref),
          (found) => found !== undefined,
          subject.timeoutMs,
          { what: `Unmanaged machine ${ref.ref} in the inventory`, describe: () => 'not listed' },
        );
        expect(machine?.managedId).toBeNull();
      },
      subject.timeoutMs + 10_000,
    );

    it.skipIf(noUnmanaged)(
      'markManaged, where offered, tags that machine so that it is listed as managed, or refuses with NotSupported',
      async () => {
        const connector = live.get();
        // Optional: a connector without it leaves adopted machines untagged.
        if (!connector.markManaged) return;
        expect(unmanaged, 'the machine made outside Levante by the test before').not.toBeNull();
        const ref = unmanaged!;
        const id = crypto.randomUUID();
        let refusal: unknown = null;
        try {
          await connector.markManaged(ref, id);
        } catch (error) {
          refusal = error;
        }
        if (refusal !== null) {
          await expectConnectorError(Promise.reject(refusal), ['NotSupported']);
          return;
        }
        const machine = await pollUntil(
          async () =>
            (await collect(connector.listMachines(subject.location))).find((m) => m.ref === ref.ref),
          (found) => found?.managedId === id,
          subject.timeoutMs,
          {
            what: `Machine ${ref.ref} listed as managed`,
            describe: (found) => `managedId ${found?.managedId}`,
          },
        );
        expect(machine?.managedId).toBe(id);
        await expectConnectorError(
          connector.markManaged({ ref: `levante-unknown-${id.slice(0, 8)}`, location: subject.location }, id),
          ['NotFound', 'InvalidRequest'],
        );
      },
      subject.timeoutMs + 10_000,
    );

    it('a call with an already aborted signal rejects', async () => {
      const error = await rejectionOf(live.get().listLocations({ signal: AbortSignal.abort() }));
      const aborted = error instanceof Error && error.name === 'AbortError';
      expect(aborted || isConnectorError(error), `rejected with ${String(error)}`).toBe(true);
    });
  });
}
