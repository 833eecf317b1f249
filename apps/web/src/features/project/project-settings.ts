import type { ProjectSummary } from '@/graphql/identity';

/**
 * The rules of `projectNameSchema` and `descriptionSchema` (packages/domain/src/names.ts), checked
 * in the form before the API is asked: same limits, same sentences.
 */
const NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u;
export const DESCRIPTION_MAX = 500;

/** Why the API would refuse this project name, or null when it is well-formed. */
export function projectNameProblem(value: string): string | null {
  const name = value.trim();
  if (name.length < 2) return 'A project name needs at least 2 characters.';
  if (name.length > 64) return 'A project name can have at most 64 characters.';
  if (!NAME_PATTERN.test(name))
    return 'A project name may use letters, digits, spaces, dots, dashes and underscores, and must start with a letter or digit.';
  return null;
}

/** Why the API would refuse this description, or null. */
export function descriptionProblem(value: string): string | null {
  return value.trim().length > DESCRIPTION_MAX
    ? `A description can have at most ${DESCRIPTION_MAX} characters.`
    : null;
}

type Project = Pick<ProjectSummary, 'id' | 'name' | 'description' | 'personal' | 'myRole'>;

/** Who is asking: platform admins may do everything in every project. */
export interface Caller {
  readonly isPlatformAdmin: boolean;
}

const roleName = (project: Project) => project.myRole?.toLowerCase() ?? 'none';

/** Why the caller cannot change the name and description, or null (owners, admins, platform admins). */
export function editBlocker(project: Project, caller: Caller): string | null {
  if (caller.isPlatformAdmin || project.myRole === 'OWNER' || project.myRole === 'ADMIN') return null;
  return `Your role in this project is ${roleName(project)}: only its owners and admins change its name and description.`;
}

/** Why the name cannot change even when the rest can, or null. */
export function renameBlocker(project: Project): string | null {
  return project.personal ? 'A personal project keeps the name of its user.' : null;
}

/** Why the caller cannot delete the project, or null (owners and platform admins; never a personal project). */
export function deleteBlocker(project: Project, caller: Caller): string | null {
  if (project.personal) return 'A personal project cannot be deleted.';
  if (caller.isPlatformAdmin || project.myRole === 'OWNER') return null;
  return `Your role in this project is ${roleName(project)}: only its owners can delete it.`;
}

export interface ProjectDraft {
  readonly name: string;
  readonly description: string;
}

/**
 * The `UpdateProjectInput` for a draft: only what changed, trimmed as the API stores it; null when
 * nothing changed. A personal project's name is never sent.
 */
export function updateInput(
  project: Project,
  draft: ProjectDraft,
): { id: string; name?: string; description?: string } | null {
  const name = draft.name.trim();
  const description = draft.description.trim();
  const input: { id: string; name?: string; description?: string } = { id: project.id };
  if (!project.personal && name !== project.name) input.name = name;
  if (description !== project.description) input.description = description;
  return input.name === undefined && input.description === undefined ? null : input;
}

/** The deletion is confirmed when exactly the project's name was typed (around spaces aside). */
export function confirmsDeletion(typed: string, name: string): boolean {
  return typed.trim() === name;
}

/**
 * Where the console goes once a project is deleted: the caller's personal project, else another
 * project they are a member of, else any other project they see (platform admins).
 */
export function projectAfterDeletion<P extends Pick<ProjectSummary, 'id' | 'personal' | 'myRole'>>(
  projects: readonly P[],
  deletedId: string,
): P | null {
  const rest = projects.filter((p) => p.id !== deletedId);
  return (
    rest.find((p) => p.personal && p.myRole === 'OWNER') ??
    rest.find((p) => p.myRole !== null) ??
    rest[0] ??
    null
  );
}
