import type { HostCandidate, HostFilter } from '../types.ts';

/** Only hosts that are enabled, out of maintenance and up take new machines. */
export const EnabledFilter: HostFilter = {
  name: 'EnabledFilter',
  rejects: { one: 'is disabled, in maintenance or down', many: 'are disabled, in maintenance or down' },
  accepts: (host: HostCandidate) => host.enabled && !host.maintenance && host.up,
  passes(host) {
    if (!host.enabled) return 'disabled by an administrator';
    if (host.maintenance) return 'in maintenance';
    if (!host.up) return 'down: its agent is not reporting';
    return true;
  },
};
