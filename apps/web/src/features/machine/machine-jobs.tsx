'use client';

import { EmptyState, ErrorMessage, Loading } from '@/components/feedback';
import { JobTable } from '../jobs/job-table';
import { useLiveJobs } from '../jobs/use-live-jobs';

/** The jobs of one machine, newest first, live; `canWrite` in its project: unfinished ones can be cancelled. */
export function MachineJobs({
  machineId,
  projectId,
  canWrite,
}: {
  machineId: string;
  projectId: string;
  canWrite: boolean;
}) {
  const { jobs, loading, error, hasMore, loadMore } = useLiveJobs({ projectId, machineId });
  if (loading) return <Loading label="Loading jobs…" />;
  return (
    <>
      <ErrorMessage error={error} title="The jobs could not be read." />
      {!error && jobs.length === 0 ? <EmptyState title="No job for this machine." /> : null}
      {jobs.length > 0 ? (
        <JobTable jobs={jobs} label="Machine jobs" showMachine={false} canCancel={canWrite} />
      ) : null}
      {hasMore ? (
        <button type="button" className="btn" style={{ marginTop: 12 }} onClick={() => void loadMore()}>
          Load older jobs
        </button>
      ) : null}
    </>
  );
}
