import type { LevanteEvent } from '@levante/domain';
import { JOB_CANCEL_REQUESTED } from './job.commands.ts';

/**
 * Event types committed together with new jobs (a create, a migration, an
 * adoption, a person's action, new provider settings, a cancellation). Their enqueuing process
 * wakes its own worker directly; a `levante worker` in another process hears
 * them on the bus and looks for work at once, instead of at its next poll.
 */
const JOB_EVENT_TYPES: ReadonlySet<string> = new Set([
  'machine.created',
  'machine.migrating',
  'machine.adopted',
  'provider.updated',
  // A cancelled job is due at once, for a worker to give up on it.
  JOB_CANCEL_REQUESTED,
]);

/** Whether `event` may have come with jobs to run. A false yes costs an idle worker one look. */
export function bringsJobs(event: LevanteEvent): boolean {
  // A state Levante records from a provider comes from a job; one a person asked for starts one.
  if (event.type === 'machine.state_changed') return event.actorId !== null;
  return JOB_EVENT_TYPES.has(event.type);
}
