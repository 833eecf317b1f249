'use client';

import { useQuery } from '@apollo/client/react';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useSyncExternalStore } from 'react';
import { PROJECTS, type ProjectSummary } from '@/graphql/identity';
import type { ProjectRole } from '@/graphql/types';
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

/** The page of projects the switcher reads (a deletion edits it in the cache). */
export const PROJECT_LIST = { first: 100 } as const;

const WRITERS: readonly ProjectRole[] = ['OWNER', 'ADMIN', 'MEMBER'];
const MANAGERS: readonly ProjectRole[] = ['OWNER', 'ADMIN'];

export function ProjectProvider({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const storageKey = `levante.project.${user?.id ?? 'anonymous'}`;
  const { data, loading, error, refetch } = useQuery(PROJECTS, { variables: PROJECT_LIST });
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
    const projects = data?.projects.edges.map((e) => e.node) ?? [];
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
  }, [data, loading, error, stored, select, user, refetch]);
  return <ProjectContext.Provider value={value}>{children}</ProjectContext.Provider>;
}
