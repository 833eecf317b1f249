export {
  configuredFilters,
  configuredWeighers,
  DEFAULT_SCHEDULER_CONFIG,
  type WeigherPlan,
} from './config.ts';
export { describeRequest } from './explanation.ts';
export * from './filters/index.ts';
export { HostIndex } from './host-index/host-index.ts';
export { placeMachine } from './pipeline.ts';
export type * from './types.ts';
export * from './weighers/index.ts';
