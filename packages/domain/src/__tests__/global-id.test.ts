import { describe, expect, it } from 'vitest';
import { LevanteError } from '../errors.ts';
import { fromGlobalId, toGlobalId } from '../global-id.ts';

const UUID = '4f6b2c1e-8d3a-4b7e-9c2d-1a2b3c4d5e6f';

describe('global IDs', () => {
  it('round-trips a typed ID', () => {
    expect(fromGlobalId('Project', toGlobalId('Project', UUID))).toBe(UUID);
    expect(fromGlobalId('Event', toGlobalId('Event', 42))).toBe('42');
  });

  it.each([
    ['an ID of another type', toGlobalId('User', UUID)],
    ['an empty string', ''],
    ['characters outside base64url', 'abc$%'],
    ['a non-UUID local part', toGlobalId('Project', 'not-a-uuid')],
    ['an over-long ID', 'A'.repeat(200)],
    ['plain text', 'hello'],
  ])('refuses %s with BAD_USER_INPUT naming the field', (_, id) => {
    let error: unknown;
    try {
      fromGlobalId('Project', id, 'projectId');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LevanteError);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'projectId' });
  });
});
