'use client';

import { useState } from 'react';
import { EmptyState, ErrorMessage, Loading } from '@/components/feedback';
import { PlatformScopeSelect, usePlatformScope } from '@/components/platform-scope';
import type { JobState } from '@/graphql/types';
import { useProject } from '@/lib/project';
import { JobTable } from './job-table';
import { useLiveJobs } from './use-live-jobs';

const VIEWS: Record<string, readonly JobState[] | null> = {
  All: null,
  'In progress': ['queued', 'running'],
  'Failed or cancelled': ['failed', 'cancelled'],
  Succeeded: ['succeeded'],
};

/** The project's jobs: what Levante is doing for it at its providers, and what it did. */
export function JobsPage() {
  const { project, canWrite } = useProject();
  const [view, setView] = useState('All');
  // Platform admins may follow the jobs of every project at once.
  const [wholePlatform, setPlatform] = usePlatformScope();
  const states = VIEWS[view] ?? null;
  const { jobs, totalCount, loading, error, hasMore, loadMore } = useLiveJobs(
    { projectId: wholePlatform ? null : (project?.id ?? null), states: states ? [...states] : null },
    !project,
  );

  if (!project) return <Loading />;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Jobs</h1>
          <p className="muted">
            The work Levante does at the providers for {wholePlatform ? 'every project' : project.name},
            newest first: creates, actions, moves. A failed attempt is tried again later; the list follows
            each job live.
          </p>
        </div>
      </div>
      <div className="toolbar">
        <PlatformScopeSelect
          name="jobs-scope"
          platformLabel="Every project"
          platform={wholePlatform}
          onChange={setPlatform}
        />
        <label className="field">
          <span>Show</span>
          <select value={view} onChange={(e) => setView(e.target.value)}>
            {Object.keys(VIEWS).map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </label>
        {totalCount !== null ? <span className="muted small">{totalCount} jobs</span> : null}
      </div>
      <ErrorMessage error={error} title="The jobs could not be read." />
      {loading ? <Loading /> : null}
      {!loading && !error && jobs.length === 0 ? (
        <EmptyState title={states ? 'No job matches.' : 'No job yet.'}>
          {states ? 'Show all jobs.' : 'Jobs appear when machines are created or acted on.'}
        </EmptyState>
      ) : null}
      {jobs.length > 0 ? (
        <section className="panel">
          <JobTable jobs={jobs} label="Jobs" showMachine showProject={wholePlatform} canCancel={canWrite} />
          {hasMore ? (
            <button type="button" className="btn" style={{ marginTop: 12 }} onClick={() => void loadMore()}>
              Load older jobs
            </button>
          ) : null}
        </section>
      ) : null}
    </>
  );
}
