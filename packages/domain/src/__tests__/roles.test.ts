import { describe, expect, it } from 'vitest';
import { PROJECT_ACTIONS, type ProjectAction, type ProjectRole, roleAllows } from '../roles.ts';

// The whole table, row by row: a change to a role's rights must change this test.
const TABLE: Record<ProjectAction, Record<ProjectRole, boolean>> = {
  'project.read': { owner: true, admin: true, member: true, viewer: true },
  'project.update': { owner: true, admin: true, member: false, viewer: false },
  'project.delete': { owner: true, admin: false, member: false, viewer: false },
  'member.read': { owner: true, admin: true, member: true, viewer: true },
  'member.manage': { owner: true, admin: true, member: false, viewer: false },
  'member.manageOwners': { owner: true, admin: false, member: false, viewer: false },
  'event.read': { owner: true, admin: true, member: true, viewer: true },
  'resource.read': { owner: true, admin: true, member: true, viewer: true },
  'resource.write': { owner: true, admin: true, member: true, viewer: false },
};

describe('project roles', () => {
  it('covers every action', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...PROJECT_ACTIONS].sort());
  });

  const rows = Object.entries(TABLE).flatMap(([action, roles]) =>
    Object.entries(roles).map(
      ([role, allowed]) => [role as ProjectRole, action as ProjectAction, allowed] as const,
    ),
  );
  it.each(rows)('%s may %s: %s', (role, action, allowed) => {
    expect(roleAllows(role, action)).toBe(allowed);
  });
});
