import type { JobRow } from '@levante/db';
import { MACHINE_ACTION_JOB } from '../machines/machine.commands.ts';
import { CREATE_MACHINE_JOB } from '../machines/machine-creation.ts';
import { MIGRATE_MACHINE_JOB } from '../machines/machine-migration.commands.ts';
import { MARK_MANAGED_JOB } from '../machines/mark-managed.job.ts';
import { REFRESH_CATALOG_JOB } from '../providers/refresh-catalog.job.ts';

type Payload = Readonly<Record<string, unknown>>;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

const SUMMARIES: Readonly<Record<string, (payload: Payload) => string>> = {
  [CREATE_MACHINE_JOB]: () => 'Create the machine',
  [MACHINE_ACTION_JOB]: (payload) => {
    const action = text(payload.action) ?? 'act on';
    return `${action.charAt(0).toUpperCase()}${action.slice(1)} the machine`;
  },
  [MIGRATE_MACHINE_JOB]: (payload) => `Move the machine to ${text(payload.hostName) ?? 'another host'}`,
  [MARK_MANAGED_JOB]: () => 'Tag the machine at its provider as managed by Levante',
  [REFRESH_CATALOG_JOB]: () => "Read the account's images and configurations again",
};

/** What a job does, said for a person. */
export function jobSummary(job: Pick<JobRow, 'kind' | 'payload'>): string {
  return SUMMARIES[job.kind]?.(job.payload) ?? job.kind;
}
