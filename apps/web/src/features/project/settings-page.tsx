'use client';

import { useApolloClient, useMutation } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage, Loading, Notice } from '@/components/feedback';
import { DELETE_PROJECT, PROJECTS, type ProjectSummary, UPDATE_PROJECT } from '@/graphql/identity';
import { readableError } from '@/lib/errors';
import { PROJECT_LIST, useProject } from '@/lib/project';
import { useSession } from '@/lib/session';
import {
  type Caller,
  confirmsDeletion,
  DESCRIPTION_MAX,
  deleteBlocker,
  descriptionProblem,
  editBlocker,
  projectAfterDeletion,
  projectNameProblem,
  renameBlocker,
  updateInput,
} from './project-settings';

interface Deletion {
  readonly name: string;
  readonly nextId: string | null;
}

/** Renames the current project, edits its description, deletes it. */
export function ProjectSettingsPage() {
  const { user } = useSession();
  const { project } = useProject();
  const [deletion, setDeletion] = useState<Deletion | null>(null);
  if (!project) return <Loading />;
  const caller: Caller = { isPlatformAdmin: user?.isAdmin ?? false };
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Project settings</h1>
          <p className="muted">
            Name, description and deletion of <strong data-project-title>{project.name}</strong>.
          </p>
        </div>
      </div>
      {deletion && deletion.nextId === project.id ? (
        <Notice tone="success">
          {deletion.name} was deleted. You are now in {project.name}.
        </Notice>
      ) : null}
      {/* Keyed: another project (switched to, or landed on after a deletion) starts a fresh form. */}
      <DetailsForm key={`details-${project.id}`} project={project} caller={caller} />
      <DangerZone key={`danger-${project.id}`} project={project} caller={caller} onDeleted={setDeletion} />
    </>
  );
}

function DetailsForm({ project, caller }: { project: ProjectSummary; caller: Caller }) {
  const [name, setName] = useState(project.name);
  const [description, setDescription] = useState(project.description);
  const [saved, setSaved] = useState(false);
  const [save, saving] = useMutation(UPDATE_PROJECT);
  const blocker = editBlocker(project, caller);
  const nameLock = renameBlocker(project);
  const server = saving.error ? readableError(saving.error) : null;
  const nameProblem = nameLock || name === project.name ? null : projectNameProblem(name);
  const descriptionIssue = descriptionProblem(description);
  const input = updateInput(project, { name, description });
  const nameError = nameProblem ?? (server?.field === 'name' ? server.message : null);
  const descriptionError = descriptionIssue ?? (server?.field === 'description' ? server.message : null);
  const formError = server && server.field !== 'name' && server.field !== 'description' ? saving.error : null;
  const unsaveable = blocker !== null || input === null || nameProblem !== null || descriptionIssue !== null;

  function edited() {
    setSaved(false);
    saving.reset();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (unsaveable || saving.loading || !input) return;
    setSaved(false);
    try {
      await save({ variables: { input } });
      // The answer updates the project in the cache: the switcher and this page show the new name.
      setSaved(true);
    } catch {
      // Shown from `saving.error`.
    }
  }

  return (
    <form
      className="panel stack settings-panel"
      onSubmit={submit}
      aria-labelledby="project-details-title"
      noValidate
    >
      <h2 id="project-details-title">Name and description</h2>
      {blocker ? (
        <p className="muted small" id="project-details-reason" style={{ margin: 0 }}>
          {blocker}
        </p>
      ) : null}
      {saved ? <Notice tone="success">The changes to {project.name} were saved.</Notice> : null}
      <ErrorMessage error={formError} title="The project was not saved." />
      <label className="field">
        <span>Name</span>
        <input
          name="project-settings-name"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            edited();
          }}
          disabled={blocker !== null || nameLock !== null}
          maxLength={200}
          aria-invalid={nameError !== null}
          aria-describedby="project-settings-name-help"
        />
        <small id="project-settings-name-help" className={nameError ? 'field-error' : 'field-help'}>
          {nameError ??
            nameLock ??
            '2 to 64 characters: letters, digits, spaces, dots, dashes and underscores. Unique on this Levante.'}
        </small>
      </label>
      <label className="field">
        <span>Description</span>
        <textarea
          name="project-settings-description"
          className="plain"
          rows={3}
          value={description}
          onChange={(e) => {
            setDescription(e.target.value);
            edited();
          }}
          disabled={blocker !== null}
          aria-invalid={descriptionError !== null}
          aria-describedby="project-settings-description-help"
        />
        <small
          id="project-settings-description-help"
          className={descriptionError ? 'field-error' : 'field-help'}
        >
          {descriptionError ??
            `Optional, up to ${DESCRIPTION_MAX} characters (${description.trim().length} now).`}
        </small>
      </label>
      <div className="row">
        <span className="action">
          <button
            type="submit"
            className="btn btn-primary"
            aria-disabled={unsaveable || saving.loading}
            aria-describedby={blocker ? 'project-save-reason' : undefined}
          >
            {saving.loading ? 'Saving…' : 'Save changes'}
          </button>
          {blocker ? (
            <span className="reason" id="project-save-reason" role="tooltip">
              {blocker}
            </span>
          ) : null}
        </span>
        {input && !blocker ? (
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => {
              setName(project.name);
              setDescription(project.description);
              edited();
            }}
          >
            Undo changes
          </button>
        ) : null}
      </div>
    </form>
  );
}

function DangerZone({
  project,
  caller,
  onDeleted,
}: {
  project: ProjectSummary;
  caller: Caller;
  onDeleted: (deletion: Deletion) => void;
}) {
  const { projects, select, refetch } = useProject();
  const { cache } = useApolloClient();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [remove, removing] = useMutation(DELETE_PROJECT);
  const blocker = deleteBlocker(project, caller);
  const confirmed = confirmsDeletion(typed, project.name);

  function close() {
    setOpen(false);
    setTyped('');
    removing.reset();
  }

  async function confirm() {
    if (!confirmed || removing.loading) return;
    try {
      await remove({ variables: { input: { id: project.id } } });
    } catch {
      return; // Shown in the dialog from `removing.error`.
    }
    const next = projectAfterDeletion(projects, project.id);
    if (next) select(next.id);
    onDeleted({ name: project.name, nextId: next?.id ?? null });
    // Out of the switcher at once; the list is read again to be sure.
    cache.updateQuery({ query: PROJECTS, variables: PROJECT_LIST }, (data) =>
      data
        ? {
            projects: {
              ...data.projects,
              totalCount: Math.max(0, data.projects.totalCount - 1),
              edges: data.projects.edges.filter((edge) => edge.node.id !== project.id),
            },
          }
        : data,
    );
    refetch();
  }

  return (
    <section className="panel stack settings-panel danger-zone" aria-labelledby="danger-zone-title">
      <h2 id="danger-zone-title">Delete this project</h2>
      <p style={{ margin: 0 }}>
        Everyone loses access to {project.name}: its memberships, quotas and placement groups are deleted with
        it. The activity log keeps its history. This cannot be undone.
      </p>
      <div>
        <span className="action">
          <button
            type="button"
            className="btn btn-danger-outline"
            aria-disabled={blocker !== null}
            aria-describedby={blocker ? 'project-delete-reason' : undefined}
            onClick={() => {
              if (!blocker) setOpen(true);
            }}
          >
            Delete project…
          </button>
          {blocker ? (
            <span className="reason" id="project-delete-reason" role="tooltip">
              {blocker}
            </span>
          ) : null}
        </span>
      </div>
      {blocker ? (
        <p className="muted small" style={{ margin: 0 }}>
          {blocker}
        </p>
      ) : null}
      <ConfirmDialog
        open={open}
        title={`Delete ${project.name}?`}
        confirmLabel={removing.loading ? 'Deleting…' : 'Delete project'}
        danger
        busy={removing.loading || !confirmed}
        onConfirm={() => void confirm()}
        onCancel={close}
      >
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            void confirm();
          }}
        >
          <p style={{ margin: 0 }}>
            This deletes <strong>{project.name}</strong> for everyone. It cannot be undone.
          </p>
          <ErrorMessage error={removing.error} title="The project was not deleted." />
          <label className="field">
            <span>
              Type <strong className="mono">{project.name}</strong> to confirm
            </span>
            <input
              name="confirm-project-name"
              value={typed}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => {
                setTyped(e.target.value);
                removing.reset();
              }}
            />
          </label>
        </form>
      </ConfirmDialog>
    </section>
  );
}
