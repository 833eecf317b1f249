import type { HostCandidate, HostFilter, PlacementRequest } from '../types.ts';

/** The first required label the host lacks, as `[key, wanted]`, or null when it has them all. */
function missingLabel(host: HostCandidate, request: PlacementRequest): readonly [string, string] | null {
  const required = request.requiredLabels;
  if (!required) return null;
  for (const key in required) {
    const wanted = required[key]!;
    if (!Object.hasOwn(host.labels, key) || host.labels[key] !== wanted) return [key, wanted];
  }
  return null;
}

/** Every label the request requires, with the same value. */
export const LabelFilter: HostFilter = {
  name: 'LabelFilter',
  rejects: { one: 'lacks the required labels', many: 'lack the required labels' },
  accepts: (host, request) => missingLabel(host, request) === null,
  passes(host, request) {
    const missing = missingLabel(host, request);
    if (!missing) return true;
    const [key, wanted] = missing;
    const actual = Object.hasOwn(host.labels, key) ? host.labels[key] : undefined;
    return actual === undefined
      ? `no label ${key} (${key}=${wanted} required)`
      : `${key}=${actual}, not ${wanted}`;
  },
};
