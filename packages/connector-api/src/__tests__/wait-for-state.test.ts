import type { MachineState } from '@levante/domain';
import { describe, expect, it } from 'vitest';
import { ConvergenceTimeoutError, waitForState } from '../conformance/index.ts';
import type { MachineInfo, MachineRef } from '../contract.ts';

const ref: MachineRef = { ref: 'vm-1', location: 'paris' };

/** A getMachine that walks through `states`, one per call, then stays on the last one. */
function scripted(states: readonly (MachineState | null)[]) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    async getMachine(): Promise<MachineInfo | null> {
      const state = states[Math.min(calls++, states.length - 1)] ?? null;
      if (state === null) return null;
      return {
        ...ref,
        name: 'web-1',
        state,
        imageRef: null,
        configurationRef: null,
        hostRef: null,
        addresses: [],
        managedId: null,
        error: state === 'ERROR' ? 'disk on fire' : null,
      };
    },
  };
}

describe('waitForState', () => {
  it('returns the first machine that satisfies the predicate, with every observation reported', async () => {
    const peer = scripted(['CREATING', 'CREATING', 'STARTED']);
    const seen: string[] = [];
    const machine = await waitForState(peer, ref, (m) => m?.state === 'STARTED', 1_000, {
      initialDelayMs: 1,
      onObserve: (m) => seen.push(m?.state ?? 'gone'),
    });
    expect(machine?.state).toBe('STARTED');
    expect(seen).toEqual(['CREATING', 'CREATING', 'STARTED']);
  });

  it('accepts a machine that is gone when the predicate does', async () => {
    const peer = scripted(['DELETING', null]);
    expect(await waitForState(peer, ref, (m) => m === null, 1_000, { initialDelayMs: 1 })).toBeNull();
  });

  it('times out naming the machine and the last state seen', async () => {
    const peer = scripted(['ERROR']);
    const error = await waitForState(peer, ref, (m) => m?.state === 'STARTED', 30, {
      initialDelayMs: 5,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConvergenceTimeoutError);
    expect((error as Error).message).toBe(
      'Machine vm-1 in paris did not converge within 30 ms; last seen: ERROR (disk on fire).',
    );
    expect(peer.calls).toBeGreaterThan(1);
  });

  it('stops when its signal is aborted', async () => {
    const peer = scripted(['CREATING']);
    const controller = new AbortController();
    const waiting = waitForState(peer, ref, () => false, 10_000, { signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});
