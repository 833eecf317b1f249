'use client';

import { useApolloClient, useQuery } from '@apollo/client/react';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
} from 'react';
import { PROJECTS, type ProjectSummary } from '@/graphql/identity';
import type { Connection, ProjectRole } from '@/graphql/types';
import { usePlatformEvents } from './hooks';
import { useSession } from './session';

export interface ProjectContextValue {
  readonly projects: readonly ProjectSummary[];
  readonly project: ProjectSummary | null;
  readonly loading: boolean;
  readonly error: unknown;
  /** Remembers the choice in this browser, per user. */
  readonly select: (projectId: string) => void;
  /** Owners, admins and members (and platform admins) create and act on resources. */
  readonly canWrite: boolean;
  /** Owners and admins (and platform admins) manage members and the project. */
  readonly canManage: boolean;
  readonly refetch: () => void;
}

const ProjectContext = createContext<ProjectContextValue | null>(null);

export function useProject(): ProjectContextValue {
  const value = useContext(ProjectContext);
  if (!value) throw new Error('useProject outside ProjectProvider');
  return value;
}

const listeners = new Set<() => void>();
function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener('storage', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', listener);
  };
}

/** The first page of projects the switcher reads (a deletion edits it in the cache). */
export const PROJECT_LIST = { first: 100 } as const;

/**
 * The projects after the first page: a platform admin sees every project, and every user has a
 * personal one, so a platform of a few hundred people has more than a page. Read again whenever the
 * first page changes (a project created or deleted).
 */
function useLaterPages(first: Connection<ProjectSummary> | undefined) {
  const client = useApolloClient();
  const [later, setLater] = useState<{ after: string; projects: ProjectSummary[] } | null>(null);
  const after = first?.pageInfo.hasNextPage ? first.pageInfo.endCursor : null;
  const total = first?.totalCount;
  useEffect(() => {
    // Read again when the count changes: a project created or deleted on a later page moves no
    // cursor of the first.
    if (!after || total === undefined) return;
    let stale = false;
    (async () => {
      const projects: ProjectSummary[] = [];
      for (let cursor: string | null = after; cursor && !stale; ) {
        const { data }: { data?: { projects: Connection<ProjectSummary> } } = await client.query({
          query: PROJECTS,
          variables: { ...PROJECT_LIST, after: cursor },
          fetchPolicy: 'network-only',
        });
        if (!data) return;
        projects.push(...data.projects.edges.map((e) => e.node));
        cursor = data.projects.pageInfo.hasNextPage ? data.projects.pageInfo.endCursor : null;
      }
      if (!stale) setLater({ after, projects });
    })().catch(() => {
      // The first page still shows; the next change of the list tries again.
    });
    return () => {
      stale = true;
    };
  }, [client, after, total]);
  return later && later.after === after ? later.projects : [];
}

/**
 * What changes the list of projects or one's role in them, done elsewhere: the switcher, the
 * pages' names and what one may do follow at once.
 */
const PROJECT_EVENTS = [
  'project.created',
  'project.updated',
  'project.deleted',
  'membership.added',
  'membership.role_changed',
  'membership.removed',
];

const WRITERS: readonly ProjectRole[] = ['OWNER', 'ADMIN', 'MEMBER'];
const MANAGERS: readonly ProjectRole[] = ['OWNER', 'ADMIN'];

export function ProjectProvider({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const storageKey = `levante.project.${user?.id ?? 'anonymous'}`;
  const { data, loading, error, refetch } = useQuery(PROJECTS, { variables: PROJECT_LIST });
  usePlatformEvents(PROJECT_EVENTS, () => void refetch());
  const later = useLaterPages(data?.projects);
  const stored = useSyncExternalStore(
    subscribe,
    () => window.localStorage.getItem(storageKey),
    () => null,
  );
  const select = useCallback(
    (projectId: string) => {
      window.localStorage.setItem(storageKey, projectId);
      for (const listener of listeners) listener();
    },
    [storageKey],
  );
  const value = useMemo<ProjectContextValue>(() => {
    const projects = [...(data?.projects.edges.map((e) => e.node) ?? []), ...later];
    const project =
      projects.find((p) => p.id === stored) ??
      projects.find((p) => p.personal && p.myRole === 'OWNER') ??
      projects.find((p) => p.myRole !== null) ??
      projects[0] ??
      null;
    const role = project?.myRole ?? null;
    const admin = user?.isAdmin ?? false;
    return {
      projects,
      project,
      loading: loading && !data,
      error,
      select,
      canWrite: admin || (role !== null && WRITERS.includes(role)),
      canManage: admin || (role !== null && MANAGERS.includes(role)),
      refetch: () => void refetch(),
    };
  }, [data, later, loading, error, stored, select, user, refetch]);
  return <ProjectContext.Provider value={value}>{children}</ProjectContext.Provider>;
}
