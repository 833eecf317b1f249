'use client';

import { useMutation } from '@apollo/client/react';
import Link from 'next/link';
import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/feedback';
import { JobStateBadge } from '@/components/state-badge';
import { CANCEL_JOB } from '@/graphql/machines';
import type { Job } from '@/graphql/types';
import { formatDateTime } from '@/lib/format';

function Attempts({ job }: { job: Job }) {
  // A queued job that has tried already is waiting for its retry.
  const retrying = job.state === 'queued' && job.attempts > 0;
  return (
    <>
      {job.attempts} of {job.maxAttempts}
      {retrying && job.nextAttemptAt ? (
        <span className="cell-sub">next at {formatDateTime(job.nextAttemptAt)}</span>
      ) : null}
    </>
  );
}

/**
 * Jobs as a table: what each does, on which machine, how far it is, and why it failed. A job that
 * waits can be cancelled; the worker that then gives up on it finishes it, and the list hears of it.
 */
export function JobTable({
  jobs,
  label,
  showMachine,
  showProject = false,
  canCancel = false,
}: {
  jobs: readonly Job[];
  label: string;
  showMachine: boolean;
  /** A Project column, for lists of several projects. */
  showProject?: boolean;
  /** Whether the caller may write in the jobs' projects: a Cancel button on each unfinished job. */
  canCancel?: boolean;
}) {
  const [cancel, cancelling] = useMutation(CANCEL_JOB);
  const [confirming, setConfirming] = useState<Job | null>(null);
  return (
    <>
      <ErrorMessage error={cancelling.error} title="The job was not cancelled." />
      <div className="table-wrap">
        <table className="data" aria-label={label}>
          <thead>
            <tr>
              <th>Requested</th>
              <th>Job</th>
              {showProject ? <th>Project</th> : null}
              {showMachine ? <th>Machine</th> : null}
              <th>State</th>
              <th>Attempts</th>
              <th>Finished</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr key={job.id} data-job={job.summary}>
                <td className="muted small">
                  {formatDateTime(job.createdAt)}
                  <span className="cell-sub">by {job.requestedBy ?? 'Levante'}</span>
                </td>
                <td>
                  {job.summary}
                  <span className="cell-sub">
                    <span className="type">{job.kind}</span>
                  </span>
                  {job.error ? <span className="field-error cell-sub">{job.error}</span> : null}
                </td>
                {showProject ? (
                  <td>{job.projectId ? (job.projectName ?? 'a deleted project') : '—'}</td>
                ) : null}
                {showMachine ? (
                  <td>
                    {job.machineId ? (
                      <Link href={`/machines/${encodeURIComponent(job.machineId)}`}>{job.machineName}</Link>
                    ) : (
                      '—'
                    )}
                  </td>
                ) : null}
                <td>
                  <JobStateBadge state={job.state} />
                  {job.state === 'running' ? <span className="cell-sub">{job.progress}%</span> : null}
                  {unfinished(job) && job.cancelRequested ? (
                    <span className="cell-sub" data-job-cancelling>
                      Cancelling…
                    </span>
                  ) : null}
                  {unfinished(job) && !job.cancelRequested && canCancel ? (
                    <span className="cell-sub">
                      <button
                        type="button"
                        className="btn btn-small btn-danger-outline"
                        aria-label={`Cancel the job "${job.summary}"${job.machineName ? ` of ${job.machineName}` : ''}`}
                        onClick={() => {
                          cancelling.reset();
                          setConfirming(job);
                        }}
                      >
                        Cancel
                      </button>
                    </span>
                  ) : null}
                </td>
                <td>
                  <Attempts job={job} />
                </td>
                <td className="muted small">{formatDateTime(job.finishedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        open={confirming !== null}
        title={`Cancel the job "${confirming?.summary ?? ''}"?`}
        confirmLabel="Cancel the job"
        dismissLabel="Keep it"
        danger
        busy={cancelling.loading}
        onCancel={() => setConfirming(null)}
        onConfirm={() => {
          setConfirming(null);
          if (confirming)
            void cancel({ variables: { id: confirming.id } }).catch(() => {
              // Shown from `cancelling.error`.
            });
        }}
      >
        <p>
          {confirming?.state === 'running'
            ? 'It stops at its next look at the provider (if it finishes first, it ends as it would have).'
            : 'It will not run again.'}
          {confirming?.machineName ? ` ${cancelOutcome(confirming)}` : null}
        </p>
      </ConfirmDialog>
    </>
  );
}

const unfinished = (job: Job) => job.state === 'queued' || job.state === 'running';

/**
 * What cancelling does to the job's machine. For a waiting job both cases are told: whether an
 * attempt has been made is known for sure only to the worker that takes it (a retry records no event).
 */
function cancelOutcome({ kind, machineName, state }: Job): string {
  const afterAttempt = `${machineName} goes to ERROR, with who cancelled it, until Levante has read its real state from the provider.`;
  if (state === 'running') return `The provider may have acted: ${afterAttempt}`;
  const untried =
    kind === 'machine.create'
      ? `${machineName} is removed, as if never asked for`
      : `${machineName} stays as it was`;
  return `If no attempt has been made yet, ${untried}; otherwise ${afterAttempt}`;
}
