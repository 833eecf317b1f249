'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import Link from 'next/link';
import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage, Loading, Notice } from '@/components/feedback';
import { StateBadge } from '@/components/state-badge';
import { MACHINE, MACHINE_ACTION, PROVIDER_ACCOUNTS, PROVIDER_CAPABILITIES } from '@/graphql/machines';
import { type Job, MACHINE_ACTIONS, type MachineAction } from '@/graphql/types';
import { errorCode } from '@/lib/errors';
import { formatDateTime, formatMemory, formatStorage } from '@/lib/format';
import { useMachineChanges } from '@/lib/hooks';
import { labelTags } from '@/lib/labels';
import { useProject } from '@/lib/project';
import { useSession } from '@/lib/session';
import { JobProgress } from '../wizard/creation-progress';
import { SaveTemplateDialog } from '../wizard/save-template-dialog';
import { choicesFromMachine } from '../wizard/template-choices';
import { ACTION_LABELS, actionBlocker, migrateBlocker } from './actions';
import { LabelsDialog } from './labels-dialog';
import { MachineEvents } from './machine-events';
import { MachineJobs } from './machine-jobs';
import { MigrateDialog } from './migrate-dialog';
import { RenameDialog } from './rename-dialog';

export function MachineDetails({ machineId }: { machineId: string }) {
  const { project, projects, canWrite: canWriteCurrent, select } = useProject();
  const { data, loading, error } = useQuery(MACHINE, { variables: { id: machineId } });
  const machine = data?.machine;
  const capabilities = useQuery(PROVIDER_CAPABILITIES, {
    variables: { id: machine?.provider.id ?? '' },
    skip: !machine,
  });
  const accounts = useQuery(PROVIDER_ACCOUNTS, {
    variables: { projectId: machine?.projectId ?? '' },
    skip: !machine,
  });
  useMachineChanges(machine?.projectId ?? null);
  const [act, action] = useMutation(MACHINE_ACTION);
  const [job, setJob] = useState<Job | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [choosingHost, setChoosingHost] = useState(false);
  const [renaming, setRenaming] = useState(false);
  const [editingLabels, setEditingLabels] = useState(false);
  const [savingTemplate, setSavingTemplate] = useState(false);
  const [savedTemplate, setSavedTemplate] = useState<{ id: string; name: string } | null>(null);
  const { user } = useSession();

  if (loading && !machine) return <Loading label="Loading machine…" />;
  if (!machine)
    return (
      <>
        <ErrorMessage error={error} title="This machine cannot be shown." />
        {errorCode(error) === 'NOT_FOUND' ? (
          <p>
            It may have been deleted, or belong to a project you are not in.{' '}
            <Link href="/machines">Back to machines</Link>
          </p>
        ) : null}
      </>
    );

  const machineProject = projects.find((p) => p.id === machine.projectId);
  // The machine's own project decides what the caller may do, not the project picked in the switcher.
  const canWrite =
    machine.projectId === project?.id
      ? canWriteCurrent
      : machineProject
        ? machineProject.myRole !== 'VIEWER'
        : canWriteCurrent;
  const account = accounts.data?.providerAccounts.find((a) => a.id === machine.accountId);
  const context = { canWrite, capabilities: capabilities.data?.provider.capabilities ?? null };
  const templateChoices = choicesFromMachine(machine);
  // Live migration is for platform admins, on providers that can do it.
  const canMigrate = Boolean(user?.isAdmin && machine.host && context.capabilities?.migrate);
  const migrationBlocker = migrateBlocker(machine, context.capabilities);

  async function run(actionName: MachineAction) {
    setConfirmDelete(false);
    try {
      const result = await act({ variables: { input: { machineId, action: actionName } } });
      if (result.data) setJob(result.data.machineAction.job);
    } catch {
      // Shown from `action.error`.
    }
  }

  return (
    <>
      <div className="page-head">
        <div>
          <p className="muted small">
            <Link href="/machines">Machines</Link> / {machineProject?.name ?? 'project'}
          </p>
          <h1 className="row">
            {machine.name} <StateBadge state={machine.state} />
            {canWrite && machine.state !== 'DELETED' ? (
              <button
                type="button"
                className="btn btn-small btn-ghost"
                aria-label={`Rename ${machine.name}`}
                onClick={() => setRenaming(true)}
              >
                Rename…
              </button>
            ) : null}
          </h1>
        </div>
        {canWrite && machine.state !== 'DELETED' && templateChoices ? (
          <button type="button" className="btn" onClick={() => setSavingTemplate(true)}>
            Save as template…
          </button>
        ) : null}
        {machine.projectId !== project?.id && machineProject ? (
          <button type="button" className="btn btn-ghost" onClick={() => select(machine.projectId)}>
            Switch to {machineProject.name}
          </button>
        ) : null}
      </div>
      {savedTemplate ? (
        <Notice tone="success">
          Template {savedTemplate.name} saved.{' '}
          <Link href={`/machines/new?template=${encodeURIComponent(savedTemplate.id)}`}>
            Create machines from it
          </Link>
        </Notice>
      ) : null}
      <section className="panel" aria-label="Actions">
        <div className="action-bar" role="toolbar" aria-label="Machine actions">
          {MACHINE_ACTIONS.map((name) => {
            const blocker = actionBlocker(name, machine, context);
            const reasonId = `reason-${name}`;
            return (
              <span className="action" key={name}>
                <button
                  type="button"
                  className={name === 'DELETE' ? 'btn btn-danger-outline' : 'btn'}
                  aria-disabled={blocker !== null || action.loading}
                  aria-describedby={blocker ? reasonId : undefined}
                  data-action={name}
                  onClick={() => {
                    if (blocker || action.loading) return;
                    if (name === 'DELETE') setConfirmDelete(true);
                    else void run(name);
                  }}
                >
                  {ACTION_LABELS[name]}
                </button>
                {blocker ? (
                  <span className="reason" id={reasonId} role="tooltip">
                    {blocker}
                  </span>
                ) : null}
              </span>
            );
          })}
          {canMigrate ? (
            <span className="action">
              <button
                type="button"
                className="btn"
                aria-disabled={migrationBlocker !== null || action.loading}
                aria-describedby={migrationBlocker ? 'reason-MIGRATE' : undefined}
                data-action="MIGRATE"
                onClick={() => {
                  if (!migrationBlocker && !action.loading) setChoosingHost(true);
                }}
              >
                Migrate…
              </button>
              {migrationBlocker ? (
                <span className="reason" id="reason-MIGRATE" role="tooltip">
                  {migrationBlocker}
                </span>
              ) : null}
            </span>
          ) : null}
        </div>
        {!canWrite ? (
          <p className="muted small" style={{ marginBottom: 0 }}>
            Your role is viewer: actions are disabled. Owners and admins of the project can make you a member.
          </p>
        ) : null}
        {action.error || job ? (
          <div style={{ marginTop: 12 }}>
            <ErrorMessage error={action.error} title="The action was refused." />
            {job ? <JobProgress key={job.id} job={job} /> : null}
          </div>
        ) : null}
      </section>
      <div className="grid-2" style={{ marginTop: 16 }}>
        <section className="panel" aria-labelledby="history-title">
          <h2 id="history-title">History</h2>
          <MachineEvents machineId={machine.id} projectId={machine.projectId} />
        </section>
        <section className="panel" aria-labelledby="details-title">
          <h2 id="details-title">Details</h2>
          <dl className="details compact">
            <dt>State</dt>
            <dd>
              <StateBadge state={machine.state} />
            </dd>
            {machine.error ? (
              <>
                <dt>Error</dt>
                <dd className="field-error">{machine.error}</dd>
              </>
            ) : null}
            <dt>Provider</dt>
            <dd>
              {machine.provider.name} <span className="muted">({machine.provider.kind})</span>
            </dd>
            <dt>Account</dt>
            <dd>{account?.name ?? '—'}</dd>
            <dt>Location</dt>
            <dd>{machine.location.name}</dd>
            <dt>Host</dt>
            <dd>
              {machine.host ? (
                <Link
                  data-host-link={machine.host.name}
                  href={`/placement?location=${encodeURIComponent(machine.location.id)}&machine=${encodeURIComponent(machine.id)}`}
                >
                  {machine.host.name}
                  {machine.host.cluster ? ` (${machine.host.cluster})` : ''}
                </Link>
              ) : (
                '—'
              )}
            </dd>
            <dt>vCPUs</dt>
            <dd>{machine.vcpus}</dd>
            <dt>Memory</dt>
            <dd>{formatMemory(machine.memoryMiB)}</dd>
            <dt>Disk</dt>
            <dd>{formatStorage(machine.diskGiB)}</dd>
            <dt>Labels</dt>
            <dd data-machine-labels>
              {labelTags(machine.labels).map((tag) => (
                <span key={tag} className="tag tag-grey" style={{ margin: '1px 4px 1px 0' }}>
                  {tag}
                </span>
              ))}
              {Object.keys(machine.labels).length === 0 ? <span className="muted">none </span> : null}
              {canWrite && machine.state !== 'DELETED' ? (
                <button
                  type="button"
                  className="btn btn-small btn-ghost"
                  aria-label={`Edit the labels of ${machine.name}`}
                  onClick={() => setEditingLabels(true)}
                >
                  Edit…
                </button>
              ) : null}
            </dd>
            <dt>IP addresses</dt>
            <dd className="mono">{machine.addresses.length > 0 ? machine.addresses.join(', ') : '—'}</dd>
            <dt>Provider ref</dt>
            <dd className="mono">{machine.providerRef ?? '—'}</dd>
            <dt>Created</dt>
            <dd>{formatDateTime(machine.createdAt)}</dd>
            <dt>Updated</dt>
            <dd>{formatDateTime(machine.updatedAt)}</dd>
            <dt>ID</dt>
            <dd className="mono">{machine.id}</dd>
          </dl>
        </section>
      </div>
      <section className="panel" aria-labelledby="jobs-title" style={{ marginTop: 16 }}>
        <h2 id="jobs-title">Jobs</h2>
        <MachineJobs machineId={machine.id} projectId={machine.projectId} canWrite={canWrite} />
      </section>
      <ConfirmDialog
        open={confirmDelete}
        title={`Delete ${machine.name}?`}
        confirmLabel="Delete machine"
        danger
        busy={action.loading}
        onConfirm={() => void run('DELETE')}
        onCancel={() => setConfirmDelete(false)}
      >
        <p>
          The provider deletes the machine and its disk. This cannot be undone; its history stays in the
          activity log.
        </p>
      </ConfirmDialog>
      {renaming ? <RenameDialog open machine={machine} onClose={() => setRenaming(false)} /> : null}
      {editingLabels ? <LabelsDialog machine={machine} onClose={() => setEditingLabels(false)} /> : null}
      {savingTemplate && templateChoices ? (
        <SaveTemplateDialog
          projectId={machine.projectId}
          choices={templateChoices}
          keeps={`${machine.name}'s account, location, image and configuration, with its placement group and labels: machines like it can then be created from the template. Its user data is not kept by Levante, so the template has none.`}
          onClose={() => setSavingTemplate(false)}
          onSaved={(saved) => {
            setSavingTemplate(false);
            setSavedTemplate(saved);
          }}
        />
      ) : null}
      {canMigrate ? (
        <MigrateDialog
          open={choosingHost}
          machine={machine}
          onStarted={(started) => {
            setChoosingHost(false);
            setJob(started);
          }}
          onClose={() => setChoosingHost(false)}
        />
      ) : null}
    </>
  );
}
