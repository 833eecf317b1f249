export { EMBEDDED_SITE_EXISTING, EMBEDDED_SITE_HOSTS } from './bootstrap/embedded-site.ts';
export type { FirstAdmin } from './bootstrap/first-admin.ts';
export { createEngine, type Engine, type EngineOptions } from './engine.ts';
export { type Channel, LocalChannel } from './event-bus/channel.ts';
export type { EventBus, EventListener } from './event-bus/event-bus.ts';
export { InProcessEventBus } from './event-bus/in-process-event-bus.ts';
export { RedisChannel } from './event-bus/redis-channel.ts';
export { RedisEventBus } from './event-bus/redis-event-bus.ts';
export type { SubscriptionFilter } from './events/event.subscriptions.ts';
export type { HostPlacementView } from './hosts/host.queries.ts';
export type { HostNews } from './hosts/host-index-cache.ts';
export type { CreatedApiToken } from './identity/api-token.commands.ts';
export { type Authenticated, SESSION_TTL_MS, type UserProfile } from './identity/authentication.ts';
export { type LoginThrottle, MemoryLoginThrottle } from './identity/login-throttle.ts';
export { RedisLoginThrottle } from './identity/redis-login-throttle.ts';
export type { CreatedUser } from './identity/user.commands.ts';
export type { JobFilter, JobView } from './jobs/job.queries.ts';
export { jobSummary } from './jobs/job-summary.ts';
export type { WorkerOptions } from './jobs/worker.ts';
export type { InventoryFilter, InventoryItem } from './machines/machine.queries.ts';
export type { AdoptMachineInput, UnmanagedMachine } from './machines/machine-adoption.ts';
export type { CreatedMachine, CreateMachineInput, MachineWithJob } from './machines/machine-creation.ts';
export type { Evacuation, MigrationStarted } from './machines/machine-migration.commands.ts';
export type { Reconciliation } from './machines/machine-reconciler.ts';
export type {
  CreateFromTemplateInput,
  MachineTemplateInput,
  MachineTemplateView,
} from './machines/machine-template.commands.ts';
export type { PlacementGroupWithMembers } from './machines/placement-group.commands.ts';
export type { Edge, Page, PageArgs } from './pagination.ts';
export type { Member } from './projects/membership.queries.ts';
export type { VisibleProject } from './projects/project.queries.ts';
export type { AddAccountInput } from './providers/account.commands.ts';
export type { ProviderKind, VisibleAccount } from './providers/provider.queries.ts';
export type { QuotaView } from './quotas/quota.commands.ts';
export type { Limits, Usage } from './quotas/quota-usage.ts';
export { connectRedis, type RedisClient, redisNamespaceFor } from './redis/connect-redis.ts';
export { ENDED_WINDOW_MINUTES, type PlatformSnapshot } from './statistics/platform-statistics.ts';
