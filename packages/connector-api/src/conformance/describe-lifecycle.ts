import { type MachineState, TRANSITIONAL_STATES } from '@levante/domain';
import { afterAll, expect, it } from 'vitest';
import { capabilitiesFor } from '../capabilities.ts';
import type { CreateMachineSpec, MachineInfo, MachineRef } from '../contract.ts';
import { collect, expectConnectorError, type LiveConnector } from './assertions.ts';
import { describeMigration } from './describe-migration.ts';
import { lifecyclePlan } from './lifecycle-plan.ts';
import type { ConformanceSubject } from './subject.ts';
import { describeMachine, waitForState } from './wait-for-state.ts';

/**
 * Creates one machine, migrates it when the connector can, drives it through
 * every action the connector supports, then deletes it. The tests depend on each other, in order: a
 * failed step makes the following ones fail with a pointer to it.
 */
export function describeLifecycle(subject: ConformanceSubject, live: LiveConnector): void {
  const { factory, timeoutMs } = subject;
  const waitBudget = timeoutMs * 2 + 10_000;
  const suffix = crypto.randomUUID().slice(0, 8);
  const spec: CreateMachineSpec = {
    machineId: crypto.randomUUID(),
    name: `levante-conformance-${suffix}`,
    location: subject.location,
    imageRef: subject.imageRef,
    configurationRef: subject.configurationRef,
    host: subject.host ?? null,
    userData: null,
  };
  const idempotencyKey = `levante-conformance-${suffix}`;
  let machine: MachineRef | null = null;
  let deleted = false;

  const created = (): MachineRef => {
    if (!machine) throw new Error('No machine to work on: the create test failed.');
    return machine;
  };

  /** Waits until the machine leaves `from` and every transitional state (or disappears). */
  const settle = async (ref: MachineRef, from: MachineState, to: MachineState, seen: Set<string>) =>
    waitForState(
      live.get(),
      ref,
      (m) => m === null || (!TRANSITIONAL_STATES.has(m.state) && (m.state !== from || from === to)),
      timeoutMs,
      { onObserve: (m) => seen.add(m?.state ?? 'gone') },
    );

  afterAll(async () => {
    // Best effort, so that a failed run leaves nothing behind on a real peer.
    if (machine && !deleted && live.connected)
      await live
        .get()
        .act(machine, 'delete')
        .catch(() => {});
  });

  it(
    'createMachine returns at once in CREATING or STARTING, then converges to STARTED with its managed id',
    async () => {
      const connector = live.get();
      const info = await connector.createMachine(spec, { idempotencyKey });
      machine = { ref: info.ref, location: info.location };
      expect(info.location).toBe(spec.location);
      expect(['CREATING', 'STARTING']).toContain(info.state);

      const booting = new Set<MachineState>(['CREATING', 'STARTING']);
      const started = await waitForState(
        connector,
        machine,
        (m) => m !== null && !booting.has(m.state),
        timeoutMs,
      );
      expect(describeMachine(started)).toBe('STARTED');
      expect(started?.managedId).toBe(spec.machineId);
      expect(started?.name).toBe(spec.name);
      expect(started?.location).toBe(spec.location);
      if (spec.host) expect(started?.hostRef).toBe(spec.host.ref);
    },
    waitBudget,
  );

  it('createMachine with the same idempotency key returns the same machine, and only one exists', async () => {
    const connector = live.get();
    const again = await connector.createMachine(spec, { idempotencyKey });
    expect(again.ref).toBe(created().ref);
    const listed = await collect(connector.listMachines(spec.location));
    expect(listed.filter((m) => m.managedId === spec.machineId).map((m) => m.ref)).toEqual([created().ref]);
  });

  it('listMachines(location) lists only machines of that location', async () => {
    const listed = await collect(live.get().listMachines(spec.location));
    expect(listed.filter((m) => m.location !== spec.location)).toEqual([]);
  });

  describeMigration(subject, live, created, waitBudget);

  const plan = lifecyclePlan(capabilitiesFor(factory, subject.context.settings));
  for (const step of plan) {
    const { action, transition } = step;
    if (!step.supported) {
      it(`${action} is refused with NotSupported (capabilities.${step.capability} is false)`, async () => {
        const ref = created();
        await expectConnectorError(live.get().act(ref, action), ['NotSupported']);
        expect((await live.get().getMachine(ref))?.state).toBe(step.from);
      });
      continue;
    }
    it(
      `${action}: ${step.from} → ${transition.during} → ${transition.to}`,
      async () => {
        const ref = created();
        expect((await live.get().getMachine(ref))?.state, 'state before the action').toBe(step.from);
        await live.get().act(ref, action);
        const seen = new Set<string>();
        const after = await settle(ref, step.from, transition.to, seen);
        expect(describeMachine(after)).toBe(transition.to);
        const allowed = new Set<string>([step.from, transition.during, transition.to]);
        expect(
          [...seen].filter((s) => !allowed.has(s)),
          `states seen during ${action}`,
        ).toEqual([]);
      },
      waitBudget,
    );
  }

  const lastState = plan.filter((s) => s.supported).at(-1)?.transition.to ?? 'STARTED';
  it(
    `delete: ${lastState} → DELETING → DELETED (or gone), and inventory no longer shows it`,
    async () => {
      const connector = live.get();
      const ref = created();
      await connector.act(ref, 'delete');
      deleted = true;
      const seen = new Set<string>();
      const after: MachineInfo | null = await settle(ref, lastState, 'DELETED', seen);
      expect(after === null || after.state === 'DELETED', `after delete: ${describeMachine(after)}`).toBe(
        true,
      );
      const allowed = new Set<string>([lastState, 'DELETING', 'DELETED', 'gone']);
      expect(
        [...seen].filter((s) => !allowed.has(s)),
        'states seen during delete',
      ).toEqual([]);
      const listed = await collect(connector.listMachines(spec.location));
      const still = listed.filter((m) => m.ref === ref.ref && m.state !== 'DELETED');
      expect(still.map((m) => m.state)).toEqual([]);
    },
    waitBudget,
  );
}
