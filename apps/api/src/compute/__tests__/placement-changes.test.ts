import { type LevanteEvent, toGlobalId } from '@levante/domain';
import { describe, expect, it } from 'vitest';
import { MACHINE_EVENT_TYPES, toPlacementChange } from '../placement-changes.ts';

const machine = { name: 'web', state: 'STARTED', locationId: 'paris', vcpus: 2, memoryMiB: 2048 };

const event = (
  type: string,
  after: Record<string, unknown>,
  before: Record<string, unknown> | null = null,
): LevanteEvent => ({
  id: 1,
  at: new Date('2026-01-01T00:00:00Z'),
  type,
  actorId: null,
  actorName: null,
  projectId: 'p1',
  subjectType: 'Machine',
  subjectId: 'm1',
  summary: '',
  before,
  after: { ...machine, ...after },
});

const host = (id: string) => toGlobalId('Host', id);

describe('toPlacementChange', () => {
  it.each([
    [
      'a created machine is placed',
      event('machine.created', { hostId: 'h1', state: 'CREATING' }),
      'placed',
      null,
    ],
    ['a state change is a change', event('machine.state_changed', { hostId: 'h1' }), 'changed', null],
    [
      'a renamed machine is a change',
      event('machine.renamed', { hostId: 'h1', name: 'web-2' }, { name: 'web' }),
      'changed',
      null,
    ],
    [
      'a deleted machine is removed',
      event('machine.state_changed', { hostId: 'h1', state: 'DELETED' }),
      'removed',
      null,
    ],
    [
      'a migration asked for is a change',
      event('machine.migrating', { hostId: 'h1' }, { hostId: 'h1' }),
      'changed',
      null,
    ],
    [
      'a migration that failed is a change',
      event('machine.migration_failed', { hostId: 'h1' }),
      'changed',
      null,
    ],
    [
      'a migrated machine moved from its old host',
      event('machine.moved', { hostId: 'h2' }, { hostId: 'h1' }),
      'moved',
      host('h1'),
    ],
    [
      'a machine deleted while it migrated is removed',
      event('machine.moved', { hostId: 'h2', state: 'DELETED' }, { hostId: 'h1' }),
      'removed',
      null,
    ],
  ])('%s', (_case, input, kind, previousHostId) => {
    expect(toPlacementChange(input, null)).toMatchObject({
      kind,
      hostId: host(String((input.after as Record<string, unknown>).hostId)),
      previousHostId,
    });
  });

  it('leaves out machines of other locations and machines without a host', () => {
    expect(toPlacementChange(event('machine.moved', { hostId: 'h2' }, { hostId: 'h1' }), 'lyon')).toBeNull();
    expect(toPlacementChange(event('machine.state_changed', { hostId: null }), null)).toBeNull();
  });

  it('listens to every machine event a migration or a rename records', () => {
    expect(MACHINE_EVENT_TYPES).toEqual(
      expect.arrayContaining([
        'machine.migrating',
        'machine.moved',
        'machine.migration_failed',
        'machine.renamed',
      ]),
    );
  });
});
