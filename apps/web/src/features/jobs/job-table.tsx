import Link from 'next/link';
import { JobStateBadge } from '@/components/state-badge';
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

/** Jobs as a table: what each does, on which machine, how far it is, and why it failed. */
export function JobTable({
  jobs,
  label,
  showMachine,
  projectNames = null,
}: {
  jobs: readonly Job[];
  label: string;
  showMachine: boolean;
  /** Given: a Project column, with these names. */
  projectNames?: ReadonlyMap<string, string> | null;
}) {
  return (
    <div className="table-wrap">
      <table className="data" aria-label={label}>
        <thead>
          <tr>
            <th>Requested</th>
            <th>Job</th>
            {projectNames ? <th>Project</th> : null}
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
              {projectNames ? (
                <td>{job.projectId ? (projectNames.get(job.projectId) ?? 'another project') : '—'}</td>
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
  );
}
