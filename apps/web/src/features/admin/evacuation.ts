import type { Evacuation } from '../../graphql/admin';

/** What an evacuation did, in a sentence: who moves, who stays and why. */
export function evacuationSummary(hostName: string, { moving, left }: Evacuation): string {
  const moves =
    moving.length === 0
      ? `No machine is moving off ${hostName}.`
      : `${moving.length} machine${moving.length === 1 ? ' is' : 's are'} moving off ${hostName}: ${moving.map((m) => m.machine.name).join(', ')}.`;
  const stays = left.map((l) => `${l.machine.name} stays (${l.reason})`).join(' ');
  return stays ? `${moves} ${stays}` : moves;
}
