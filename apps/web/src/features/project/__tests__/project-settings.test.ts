import { describe, expect, it } from 'vitest';
import type { ProjectSummary } from '../../../graphql/identity';
import {
  confirmsDeletion,
  deleteBlocker,
  descriptionProblem,
  editBlocker,
  projectAfterDeletion,
  projectNameProblem,
  renameBlocker,
  updateInput,
} from '../project-settings';

const project = (over: Partial<ProjectSummary> = {}): ProjectSummary => ({
  id: 'p1',
  name: 'lab',
  description: 'the lab',
  personal: false,
  myRole: 'OWNER',
  ...over,
});
const member = { isPlatformAdmin: false };
const platformAdmin = { isPlatformAdmin: true };

describe('projectNameProblem (the API zod rules)', () => {
  it.each(['ab', 'Lab 2', 'été-2026', 'a.b_c-d', '7 seas', 'x'.repeat(64), '  padded  '])(
    'accepts %j',
    (name) => {
      expect(projectNameProblem(name)).toBeNull();
    },
  );

  it('refuses too short and too long names, after trimming', () => {
    expect(projectNameProblem('a')).toBe('A project name needs at least 2 characters.');
    expect(projectNameProblem('  a  ')).toBe('A project name needs at least 2 characters.');
    expect(projectNameProblem('')).toBe('A project name needs at least 2 characters.');
    expect(projectNameProblem('x'.repeat(65))).toBe('A project name can have at most 64 characters.');
  });

  it.each(['-lab', '.lab', '_lab', 'lab/1', 'lab!', 'a\tb'])('refuses the characters of %j', (name) => {
    expect(projectNameProblem(name)).toMatch(/^A project name may use letters, digits/);
  });
});

describe('descriptionProblem', () => {
  it('allows up to 500 characters after trimming, and an empty description', () => {
    expect(descriptionProblem('')).toBeNull();
    expect(descriptionProblem(`  ${'d'.repeat(500)}  `)).toBeNull();
    expect(descriptionProblem('d'.repeat(501))).toBe('A description can have at most 500 characters.');
  });
});

describe('who may change and delete a project', () => {
  it('lets owners, admins and platform admins edit; not members or viewers', () => {
    expect(editBlocker(project({ myRole: 'OWNER' }), member)).toBeNull();
    expect(editBlocker(project({ myRole: 'ADMIN' }), member)).toBeNull();
    expect(editBlocker(project({ myRole: 'MEMBER' }), member)).toBe(
      'Your role in this project is member: only its owners and admins change its name and description.',
    );
    expect(editBlocker(project({ myRole: 'VIEWER' }), member)).toContain('is viewer');
    expect(editBlocker(project({ myRole: null }), platformAdmin)).toBeNull();
    expect(editBlocker(project({ myRole: 'VIEWER' }), platformAdmin)).toBeNull();
  });

  it('keeps the name of a personal project', () => {
    expect(renameBlocker(project({ personal: true }))).toBe('A personal project keeps the name of its user.');
    expect(renameBlocker(project())).toBeNull();
  });

  it('lets owners and platform admins delete, never a personal project', () => {
    expect(deleteBlocker(project(), member)).toBeNull();
    expect(deleteBlocker(project({ myRole: null }), platformAdmin)).toBeNull();
    expect(deleteBlocker(project({ myRole: 'ADMIN' }), member)).toBe(
      'Your role in this project is admin: only its owners can delete it.',
    );
    expect(deleteBlocker(project({ myRole: 'VIEWER' }), member)).toContain('is viewer');
    expect(deleteBlocker(project({ personal: true }), member)).toBe('A personal project cannot be deleted.');
    expect(deleteBlocker(project({ personal: true }), platformAdmin)).toBe(
      'A personal project cannot be deleted.',
    );
  });
});

describe('updateInput', () => {
  it('sends only what changed, trimmed', () => {
    expect(updateInput(project(), { name: ' lab 2 ', description: 'the lab' })).toEqual({
      id: 'p1',
      name: 'lab 2',
    });
    expect(updateInput(project(), { name: 'lab', description: ' new ' })).toEqual({
      id: 'p1',
      description: 'new',
    });
    expect(updateInput(project(), { name: 'lab', description: '' })).toEqual({ id: 'p1', description: '' });
  });

  it('answers null when nothing changed', () => {
    expect(updateInput(project(), { name: ' lab', description: 'the lab ' })).toBeNull();
  });

  it('never sends the name of a personal project', () => {
    expect(updateInput(project({ personal: true }), { name: 'other', description: 'the lab' })).toBeNull();
    expect(updateInput(project({ personal: true }), { name: 'other', description: 'mine' })).toEqual({
      id: 'p1',
      description: 'mine',
    });
  });
});

describe('confirmsDeletion', () => {
  it('wants exactly the name', () => {
    expect(confirmsDeletion('lab', 'lab')).toBe(true);
    expect(confirmsDeletion(' lab ', 'lab')).toBe(true);
    expect(confirmsDeletion('Lab', 'lab')).toBe(false);
    expect(confirmsDeletion('la', 'lab')).toBe(false);
    expect(confirmsDeletion('', 'lab')).toBe(false);
  });
});

describe('projectAfterDeletion', () => {
  const personal = project({ id: 'me', name: 'me', personal: true });
  const shared = project({ id: 'team', name: 'team', myRole: 'VIEWER' });
  const foreign = project({ id: 'other', name: 'other', myRole: null });

  it('goes to the personal project first', () => {
    expect(projectAfterDeletion([foreign, shared, project(), personal], 'p1')).toBe(personal);
  });

  it('else to another project the caller is a member of, else any other', () => {
    expect(projectAfterDeletion([foreign, project(), shared], 'p1')).toBe(shared);
    expect(projectAfterDeletion([project(), foreign], 'p1')).toBe(foreign);
    expect(projectAfterDeletion([project()], 'p1')).toBeNull();
  });

  it('never answers the deleted project, even a personal one owned', () => {
    expect(projectAfterDeletion([personal], 'me')).toBeNull();
  });
});
