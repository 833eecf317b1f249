'use client';

import { useMutation } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { projectNameProblem } from '@/features/project/project-settings';
import { CREATE_PROJECT } from '@/graphql/identity';
import { readableError } from '@/lib/errors';
import { useProject } from '@/lib/project';
import { useSession } from '@/lib/session';
import { ConfirmDialog } from './confirm-dialog';
import { ErrorMessage } from './feedback';

export function ProjectSwitcher() {
  const { user } = useSession();
  const { projects, project, select, refetch, loading } = useProject();
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [create, { loading: saving, error, reset }] = useMutation(CREATE_PROJECT);
  const mine = projects.filter((p) => p.myRole !== null);
  const others = projects.filter((p) => p.myRole === null);
  // The API's rules, checked as one types; an empty name is not an error yet.
  const nameProblem = name.trim().length > 0 ? projectNameProblem(name) : null;
  const nameError =
    nameProblem ?? (error && readableError(error).field === 'name' ? readableError(error).message : null);

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    if (projectNameProblem(name)) return;
    try {
      const result = await create({
        variables: { input: { name: name.trim(), description: description.trim() || null } },
      });
      const created = result.data?.createProject.project;
      refetch();
      if (created) select(created.id);
      setCreating(false);
      setName('');
      setDescription('');
    } catch {
      // Shown from `error`.
    }
  }

  return (
    <div className="project-switcher">
      <label htmlFor="project-select" className="sr-only">
        Project
      </label>
      <select
        id="project-select"
        value={project?.id ?? ''}
        onChange={(e) => select(e.target.value)}
        disabled={loading || projects.length === 0}
      >
        {project === null ? <option value="">{loading ? 'Loading projects…' : 'No project'}</option> : null}
        <optgroup label="Your projects">
          {mine.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
              {p.personal ? ' (personal)' : ''} · {p.myRole?.toLowerCase()}
            </option>
          ))}
        </optgroup>
        {user?.isAdmin && others.length > 0 ? (
          <optgroup label="Other projects (platform admin)">
            {others.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </optgroup>
        ) : null}
      </select>
      <button
        type="button"
        className="btn btn-ghost"
        aria-label="New project"
        onClick={() => {
          reset();
          setCreating(true);
        }}
      >
        +<span className="hide-narrow"> New project</span>
      </button>
      <ConfirmDialog
        open={creating}
        title="New project"
        confirmLabel={saving ? 'Creating…' : 'Create project'}
        busy={saving || projectNameProblem(name) !== null}
        onConfirm={() => void submit()}
        onCancel={() => setCreating(false)}
      >
        <form onSubmit={submit} className="stack">
          <ErrorMessage error={error && readableError(error).field !== 'name' ? error : null} />
          <label className="field">
            <span>Name</span>
            <input
              name="project-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={nameError !== null}
              aria-describedby="project-name-help"
            />
            <small id="project-name-help" className={nameError ? 'field-error' : 'field-help'}>
              {nameError ?? '2 to 64 characters, unique. You become its owner.'}
            </small>
          </label>
          <label className="field">
            <span>Description (optional)</span>
            <input value={description} onChange={(e) => setDescription(e.target.value)} />
          </label>
        </form>
      </ConfirmDialog>
    </div>
  );
}
