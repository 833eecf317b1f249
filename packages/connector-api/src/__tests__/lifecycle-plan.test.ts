import { MACHINE_TRANSITIONS } from '@levante/domain';
import { describe, expect, it } from 'vitest';
import { lifecyclePlan } from '../conformance/index.ts';
import type { Capabilities } from '../contract.ts';

const ALL: Capabilities = {
  pause: true,
  suspend: true,
  restart: true,
  capture: false,
  hosts: false,
  nativeSystems: false,
};

describe('conformance lifecycle plan', () => {
  it('drives a fully capable connector through every action from an allowed state', () => {
    const plan = lifecyclePlan(ALL);
    expect(plan.map((s) => `${s.action}:${s.from}`)).toEqual([
      'stop:STARTED',
      'start:STOPPED',
      'restart:STARTED',
      'pause:STARTED',
      'unpause:PAUSED',
      'suspend:STARTED',
      'resume:SUSPENDED',
    ]);
    for (const step of plan) expect(MACHINE_TRANSITIONS[step.action].from).toContain(step.from);
  });

  it('expects NotSupported for actions a connector lacks, and keeps the machine where it was', () => {
    const plan = lifecyclePlan({ ...ALL, pause: false, restart: false });
    const unsupported = plan.filter((s) => !s.supported).map((s) => `${s.action}:${s.capability}:${s.from}`);
    expect(unsupported).toEqual(['restart:restart:STARTED', 'pause:pause:STARTED', 'unpause:pause:STARTED']);
    expect(plan.find((s) => s.action === 'suspend')?.from).toBe('STARTED');
  });
});
