'use client';

import { useQuery, useSubscription } from '@apollo/client/react';
import Link from 'next/link';
import { ErrorMessage } from '@/components/feedback';
import { StateBadge } from '@/components/state-badge';
import { JOB_UPDATED, MACHINE } from '@/graphql/machines';
import type { Job } from '@/graphql/types';
import { useMachineChanges } from '@/lib/hooks';

/** A job's progress bar, live from `jobUpdated`. */
export function JobProgress({ job: initial }: { job: Job }) {
  const { data, error } = useSubscription(JOB_UPDATED, { variables: { id: initial.id } });
  const job = data?.jobUpdated ?? initial;
  const done = job.state === 'succeeded';
  const failed = job.state === 'failed' || job.state === 'cancelled';
  return (
    <div className="stack" data-job-state={job.state}>
      <div className="row">
        <strong>{job.summary}</strong>
        <span className="muted">
          {job.state} · {job.progress}%{job.attempts > 1 ? ` · attempt ${job.attempts}` : ''}
        </span>
      </div>
      <div
        className={`progress${done ? ' progress-done' : ''}${failed ? ' progress-failed' : ''}`}
        role="progressbar"
        aria-label={job.summary}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={job.progress}
      >
        <span style={{ width: `${done ? 100 : job.progress}%` }} />
      </div>
      {job.error ? <p className="field-error">{job.error}</p> : null}
      <ErrorMessage error={error} title="Progress could not be followed." />
    </div>
  );
}

/** After submit: the machine's state and its job, both live, until it is STARTED. */
export function CreationProgress(props: {
  machineId: string;
  projectId: string;
  job: Job;
  onAnother: () => void;
}) {
  const { data } = useQuery(MACHINE, { variables: { id: props.machineId } });
  useMachineChanges(props.projectId);
  const machine = data?.machine;
  return (
    <div className="panel stack" aria-live="polite">
      <h2>
        Creating {machine?.name ?? 'the machine'} {machine ? <StateBadge state={machine.state} /> : null}
      </h2>
      <JobProgress job={props.job} />
      {machine?.state === 'STARTED' ? (
        <p className="alert alert-success">
          {machine.name} is running{machine.host ? ` on ${machine.host.name}` : ''}
          {machine.addresses.length > 0 ? ` at ${machine.addresses.join(', ')}` : ''}.
        </p>
      ) : null}
      {machine?.state === 'ERROR' ? (
        <p className="alert alert-error">{machine.error ?? 'The provider could not create the machine.'}</p>
      ) : null}
      <div className="row">
        <Link className="btn btn-primary" href={`/machines/${encodeURIComponent(props.machineId)}`}>
          Open machine
        </Link>
        <Link className="btn" href="/machines">
          Back to machines
        </Link>
        <button type="button" className="btn btn-ghost" onClick={props.onAnother}>
          Create another
        </button>
      </div>
    </div>
  );
}

function CreatedRow({ machineId }: { machineId: string }) {
  const { data } = useQuery(MACHINE, { variables: { id: machineId } });
  const machine = data?.machine;
  return (
    <tr data-machine={machine?.name}>
      <td>
        <Link href={`/machines/${encodeURIComponent(machineId)}`}>{machine?.name ?? '…'}</Link>
      </td>
      <td>{machine ? <StateBadge state={machine.state} /> : null}</td>
      <td>{machine?.host?.name ?? '—'}</td>
      <td className={machine?.error ? 'field-error' : 'mono'}>
        {machine?.error ?? (machine?.addresses.join(', ') || '—')}
      </td>
    </tr>
  );
}

/** After submit of several machines: each one's state, live, until they have all settled. */
export function CreationsProgress(props: {
  machineIds: readonly string[];
  projectId: string;
  onAnother: () => void;
}) {
  useMachineChanges(props.projectId);
  return (
    <div className="panel stack" aria-live="polite">
      <h2>Creating {props.machineIds.length} machines</h2>
      <p className="muted">Each has its own job; their states change here as the provider reports them.</p>
      <div className="table-wrap">
        <table className="data" aria-label="Created machines">
          <thead>
            <tr>
              <th>Machine</th>
              <th>State</th>
              <th>Host</th>
              <th>Addresses</th>
            </tr>
          </thead>
          <tbody>
            {props.machineIds.map((id) => (
              <CreatedRow key={id} machineId={id} />
            ))}
          </tbody>
        </table>
      </div>
      <div className="row">
        <Link className="btn btn-primary" href="/machines">
          Back to machines
        </Link>
        <button type="button" className="btn btn-ghost" onClick={props.onAnother}>
          Create more
        </button>
      </div>
    </div>
  );
}
