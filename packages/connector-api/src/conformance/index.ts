export { collect, expectConnectorError, rejectionOf } from './assertions.ts';
export { describeConformance } from './describe-conformance.ts';
export { describeStateMap } from './describe-state-map.ts';
export { LIFECYCLE_ORDER, type LifecycleStep, lifecyclePlan } from './lifecycle-plan.ts';
export type { ConformanceSubject } from './subject.ts';
export {
  ConvergenceTimeoutError,
  describeMachine,
  type PollOptions,
  type PollUntilOptions,
  pollUntil,
  type WaitForStateOptions,
  waitForState,
} from './wait-for-state.ts';
