/** TypeScript shapes of the schema's enums and shared objects (schema/schema.graphql is the authority). */

export const MACHINE_STATES = [
  'CREATING',
  'STARTING',
  'STARTED',
  'STOPPING',
  'STOPPED',
  'PAUSING',
  'PAUSED',
  'SUSPENDING',
  'SUSPENDED',
  'CAPTURING',
  'RESTARTING',
  'DELETING',
  'DELETED',
  'ERROR',
] as const;
export type MachineState = (typeof MACHINE_STATES)[number];

export const MACHINE_ACTIONS = [
  'START',
  'STOP',
  'RESTART',
  'PAUSE',
  'UNPAUSE',
  'SUSPEND',
  'RESUME',
  'DELETE',
] as const;
export type MachineAction = (typeof MACHINE_ACTIONS)[number];

export type ProjectRole = 'OWNER' | 'ADMIN' | 'MEMBER' | 'VIEWER';
export type ProviderVisibility = 'ALL' | 'PROJECTS';
export type Hypervisor = 'KVM' | 'XEN' | 'ESX';
export type PlacementPolicy = 'AFFINITY' | 'ANTI_AFFINITY';
export type JsonObject = Record<string, unknown>;

export interface PageInfo {
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface Connection<T> {
  totalCount: number;
  pageInfo: PageInfo;
  edges: { cursor: string; node: T }[];
}

export interface Capabilities {
  capture: boolean;
  hosts: boolean;
  /** Moves running machines between hosts; may depend on the provider's settings. */
  migrate: boolean;
  nativeSystems: boolean;
  pause: boolean;
  restart: boolean;
  suspend: boolean;
}

export interface Location {
  id: string;
  kind: string;
  name: string;
  ref: string;
}

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface Job {
  id: string;
  kind: string;
  /** What it does, said for a person. */
  summary: string;
  state: JobState;
  progress: number;
  attempts: number;
  maxAttempts: number;
  error: string | null;
  projectId: string | null;
  /** Null once the project is deleted. */
  projectName: string | null;
  machineId: string | null;
  machineName: string | null;
  /** Who asked for it; null for work Levante started itself. */
  requestedBy: string | null;
  /** Someone cancelled it while it waited: a worker gives up on it and finishes it cancelled. */
  cancelRequested: boolean;
  /** When a queued job runs next. */
  nextAttemptAt: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface QuotaFigures {
  machines: number;
  vcpus: number;
  memoryMiB: number;
  storageGiB: number;
}

export interface Quota {
  limits: { [K in keyof QuotaFigures]: number | null };
  usage: QuotaFigures;
}

export interface Event {
  id: string;
  type: string;
  at: string;
  summary: string;
  actorId: string | null;
  actorName: string | null;
  projectId: string | null;
  /** Null for platform-wide events, or once the project is deleted. */
  projectName: string | null;
  subjectId: string;
  subjectType: string;
}
