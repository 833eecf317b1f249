import { type LevanteEvent, toGlobalId } from '@levante/domain';
import type { PlacementChangeNode } from './host.types.ts';

export const MACHINE_EVENT_TYPES = [
  'machine.created',
  'machine.state_changed',
  'machine.renamed',
  'machine.labels_changed',
  'machine.addresses_changed',
  'machine.migrating',
  'machine.moved',
  'machine.migration_failed',
];

const hostOf = (side: Record<string, unknown> | null): string | null =>
  typeof side?.hostId === 'string' ? side.hostId : null;

/** Reads a placement change out of a machine event; null for machines without a host. */
export function toPlacementChange(
  event: LevanteEvent,
  locationId: string | null,
): PlacementChangeNode | null {
  const after = event.after ?? {};
  const hostId = hostOf(after);
  if (!hostId || !event.projectId) return null;
  if (locationId && after.locationId !== locationId) return null;
  const state = String(after.state);
  // A live migration ends with `machine.moved`, from the host before to the host after.
  const from = event.type === 'machine.moved' ? hostOf(event.before) : null;
  const kind =
    event.type === 'machine.created'
      ? 'placed'
      : state === 'DELETED' || state === 'ERROR'
        ? 'removed'
        : from && from !== hostId
          ? 'moved'
          : 'changed';
  return {
    kind,
    machineId: toGlobalId('Machine', event.subjectId),
    machineName: String(after.name),
    state,
    hostId: toGlobalId('Host', hostId),
    previousHostId: kind === 'moved' && from ? toGlobalId('Host', from) : null,
    projectId: toGlobalId('Project', event.projectId),
    vcpus: Number(after.vcpus ?? 0),
    memoryMiB: Number(after.memoryMiB ?? 0),
    at: event.at,
  };
}

/** Maps an event stream lazily, closing the source when the consumer stops. */
export async function* mapStream<T>(
  source: AsyncIterableIterator<LevanteEvent>,
  map: (event: LevanteEvent) => Promise<T | null> | T | null,
): AsyncGenerator<T> {
  try {
    for await (const event of source) {
      const value = await map(event);
      if (value !== null) yield value;
    }
  } finally {
    await source.return?.();
  }
}
