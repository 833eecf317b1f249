import { describe, expect, it } from 'vitest';
import { evacuationSummary } from '../evacuation';

const machine = (name: string) => ({ machine: { id: name, name } });

describe('what an evacuation says it did', () => {
  it('names the machines that move, and each that stays with its reason', () => {
    expect(
      evacuationSummary('paris-1', {
        moving: [machine('a'), machine('b')],
        left: [{ ...machine('c'), reason: 'Machine "c" is STOPPED.' }],
      }),
    ).toBe('2 machines are moving off paris-1: a, b. c stays (Machine "c" is STOPPED.)');
    expect(evacuationSummary('paris-1', { moving: [machine('a')], left: [] })).toBe(
      '1 machine is moving off paris-1: a.',
    );
    expect(evacuationSummary('paris-1', { moving: [], left: [] })).toBe('No machine is moving off paris-1.');
  });
});
