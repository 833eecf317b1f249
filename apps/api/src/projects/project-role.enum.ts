import type { ProjectRole } from '@levante/domain';
import { registerEnumType } from 'type-graphql';

export enum ProjectRoleEnum {
  OWNER = 'owner',
  ADMIN = 'admin',
  MEMBER = 'member',
  VIEWER = 'viewer',
}

registerEnumType(ProjectRoleEnum, {
  name: 'ProjectRole',
  description: 'What a member may do in a project.',
  valuesConfig: {
    OWNER: { description: 'Everything, including deleting the project and managing owners.' },
    ADMIN: { description: 'Manages members (except owners) and the project.' },
    MEMBER: { description: 'Creates and acts on resources.' },
    VIEWER: { description: 'Sees the project, its members, resources and activity.' },
  },
});

export const toRoleEnum = (role: ProjectRole): ProjectRoleEnum => role as ProjectRoleEnum;
export const fromRoleEnum = (role: ProjectRoleEnum): ProjectRole => role as ProjectRole;
