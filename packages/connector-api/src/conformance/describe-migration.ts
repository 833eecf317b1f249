import { expect, it } from 'vitest';
import { capabilitiesFor } from '../capabilities.ts';
import type { MachineRef } from '../contract.ts';
import { expectConnectorError, type LiveConnector } from './assertions.ts';
import type { ConformanceSubject } from './subject.ts';

/**
 * Live migration of the lifecycle's machine, which is STARTED: declared
 * (`capabilities.migrate` for the subject's settings), it moves to the
 * subject's `migrationHost` and stays STARTED; not declared, `migrateMachine`
 * is absent or refuses with NotSupported.
 */
export function describeMigration(
  subject: ConformanceSubject,
  live: LiveConnector,
  created: () => MachineRef,
  waitBudget: number,
): void {
  const declared = capabilitiesFor(subject.factory, subject.context.settings).migrate;
  if (!declared) {
    it('migrateMachine is absent or refuses with NotSupported (capabilities.migrate is false)', async () => {
      const ref = created();
      const connector = live.get();
      if (connector.migrateMachine) {
        await expectConnectorError(connector.migrateMachine(ref, subject.migrationHost ?? 'elsewhere'), [
          'NotSupported',
        ]);
      }
      expect((await connector.getMachine(ref))?.state).toBe('STARTED');
    });
    return;
  }

  it('offers migrateMachine (capabilities.migrate is true)', () => {
    expect(typeof live.get().migrateMachine).toBe('function');
  });

  const source = subject.host?.ref ?? null;
  it.skipIf(!source)(
    `migrateMachine to the host the machine runs on is refused with InvalidRequest${source ? '' : ' (skipped: the subject names no host)'}`,
    async () => {
      const ref = created();
      const connector = live.get();
      await expectConnectorError(connector.migrateMachine!(ref, source!), ['InvalidRequest']);
      expect(await connector.getMachine(ref)).toMatchObject({ state: 'STARTED', hostRef: source });
    },
  );

  const target = subject.migrationHost ?? null;
  it.skipIf(!target)(
    `migrateMachine moves the STARTED machine to another host, where it runs on${target ? '' : ' (skipped: the subject has no migrationHost)'}`,
    async () => {
      const ref = created();
      const connector = live.get();
      const moved = await connector.migrateMachine!(ref, target!);
      expect(moved).toMatchObject({
        ref: ref.ref,
        location: ref.location,
        state: 'STARTED',
        hostRef: target,
      });
      expect(await connector.getMachine(ref)).toMatchObject({ state: 'STARTED', hostRef: target });
    },
    waitBudget,
  );
}
