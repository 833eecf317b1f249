/**
 * Project roles and what each may do. This table is the single authority on
 * project-level permissions; the engine asks it and nothing else.
 */
export const PROJECT_ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

export const PROJECT_ACTIONS = [
  'project.read',
  'project.update',
  'project.delete',
  'member.read',
  'member.manage',
  'member.manageOwners',
  'event.read',
  'resource.read',
  'resource.write',
] as const;
export type ProjectAction = (typeof PROJECT_ACTIONS)[number];

const READ: readonly ProjectAction[] = ['project.read', 'member.read', 'event.read', 'resource.read'];

export const ROLE_PERMISSIONS: Readonly<Record<ProjectRole, ReadonlySet<ProjectAction>>> = {
  owner: new Set<ProjectAction>([
    ...READ,
    'project.update',
    'project.delete',
    'member.manage',
    'member.manageOwners',
    'resource.write',
  ]),
  admin: new Set<ProjectAction>([...READ, 'project.update', 'member.manage', 'resource.write']),
  member: new Set<ProjectAction>([...READ, 'resource.write']),
  viewer: new Set<ProjectAction>(READ),
};

export function roleAllows(role: ProjectRole, action: ProjectAction): boolean {
  return ROLE_PERMISSIONS[role].has(action);
}

export function isProjectRole(value: string): value is ProjectRole {
  return (PROJECT_ROLES as readonly string[]).includes(value);
}
