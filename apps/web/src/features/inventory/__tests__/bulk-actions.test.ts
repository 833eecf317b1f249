import { describe, expect, it } from 'vitest';
import type { Capabilities, MachineAction, MachineState } from '../../../graphql/types';
import { bulkOutcome, keepListed, offeredActions, someNames, toggled } from '../bulk-actions';

const ALL: Capabilities = {
  capture: true,
  hosts: true,
  migrate: true,
  nativeSystems: true,
  pause: true,
  restart: true,
  suspend: true,
};

const machine = (state: MachineState, allowedActions: MachineAction[], accountId = 'a1') => ({
  state,
  allowedActions,
  accountId,
  provider: { id: 'p1', kind: 'local', name: 'Lab' },
});

describe('the selection', () => {
  it('keeps the same set while every selected machine is listed, and drops those that left', () => {
    const selected = new Set(['m1', 'm2']);
    expect(keepListed(selected, [{ id: 'm1' }, { id: 'm2' }, { id: 'm3' }])).toBe(selected);
    expect([...keepListed(selected, [{ id: 'm2' }, { id: 'm3' }])]).toEqual(['m2']);
    expect(keepListed(selected, []).size).toBe(0);
  });

  it('adds and takes out machines without changing the set it was given', () => {
    const selected = new Set(['m1']);
    expect([...toggled(selected, ['m2', 'm3'], true)]).toEqual(['m1', 'm2', 'm3']);
    expect([...toggled(selected, ['m1', 'm9'], false)]).toEqual([]);
    expect([...selected]).toEqual(['m1']);
  });
});

describe('the actions offered for a selection', () => {
  it.each([
    [
      'one STARTED',
      [machine('STARTED', ['STOP', 'RESTART', 'PAUSE', 'SUSPEND', 'DELETE'])],
      ALL,
      ['STOP', 'RESTART', 'PAUSE', 'SUSPEND', 'DELETE'],
    ],
    [
      'STARTED and STOPPED: what either can do',
      [machine('STARTED', ['STOP', 'DELETE']), machine('STOPPED', ['START', 'DELETE'])],
      ALL,
      ['START', 'STOP', 'DELETE'],
    ],
    ['only machines busy or deleted: nothing', [machine('STOPPING', []), machine('DELETED', [])], ALL, []],
    [
      'a provider that cannot pause nor restart',
      [machine('STARTED', ['STOP', 'RESTART', 'PAUSE', 'DELETE'])],
      { ...ALL, pause: false, restart: false },
      ['STOP', 'DELETE'],
    ],
  ])('%s', (_, machines, capabilities, expected) => {
    expect(offeredActions(machines, () => capabilities)).toEqual(expected);
  });

  it('offers what the state allows when the account (and so its provider) is unknown', () => {
    expect(offeredActions([machine('STARTED', ['PAUSE'], 'gone')], () => null)).toEqual(['PAUSE']);
  });
});

describe('what a bulk action says', () => {
  it.each([
    [[], ''],
    [['web-1'], 'web-1'],
    [['a', 'b', 'c', 'd', 'e'], 'a, b, c, d, e'],
    [['a', 'b', 'c', 'd', 'e', 'f', 'g'], 'a, b, c, d, e and 2 more'],
  ])('names %j as "%s"', (names, expected) => {
    expect(someNames(names)).toBe(expected);
  });

  it('counts the machines that go ahead and lists each refused one with its reason', () => {
    const message = 'Machine "web-2" is STOPPED and cannot stop; from STOPPED you can start, delete.';
    expect(bulkOutcome('STOP', 3, [{ name: 'web-2', message }])).toEqual({
      summary: 'Stopping 3 machines.',
      refusedTitle: 'Not stopped:',
      refusedLines: [`web-2 — ${message}`],
    });
    expect(bulkOutcome('START', 1, [])).toEqual({
      summary: 'Starting 1 machine.',
      refusedTitle: null,
      refusedLines: [],
    });
    expect(bulkOutcome('DELETE', 0, [{ name: 'db', message: 'No.' }]).summary).toBe(
      'No machine is being deleted.',
    );
  });
});
