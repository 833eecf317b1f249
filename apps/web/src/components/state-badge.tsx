import type { JobState, MachineState } from '@/graphql/types';

export type StateTone = 'ok' | 'off' | 'busy' | 'bad' | 'rest';

const TONES: Record<MachineState, StateTone> = {
  STARTED: 'ok',
  STOPPED: 'off',
  DELETED: 'off',
  ERROR: 'bad',
  PAUSED: 'rest',
  SUSPENDED: 'rest',
  CREATING: 'busy',
  STARTING: 'busy',
  STOPPING: 'busy',
  PAUSING: 'busy',
  SUSPENDING: 'busy',
  CAPTURING: 'busy',
  RESTARTING: 'busy',
  DELETING: 'busy',
};

/** STARTED green, STOPPED grey, transitional amber (animated), ERROR red, PAUSED/SUSPENDED blue. */
export function stateTone(state: MachineState): StateTone {
  return TONES[state] ?? 'off';
}

export function StateBadge({ state }: { state: MachineState }) {
  return (
    <span className={`state state-${stateTone(state)}`} data-state={state}>
      <span className="state-dot" aria-hidden="true" />
      {state}
    </span>
  );
}

const JOB_TONES: Record<JobState, StateTone> = {
  queued: 'rest',
  running: 'busy',
  succeeded: 'ok',
  failed: 'bad',
  cancelled: 'off',
};

export function JobStateBadge({ state }: { state: JobState }) {
  return (
    <span className={`state state-${JOB_TONES[state] ?? 'off'}`} data-job-state={state}>
      <span className="state-dot" aria-hidden="true" />
      {state}
    </span>
  );
}
