'use client';

import type { ReactNode } from 'react';
import { EmptyState } from '@/components/feedback';
import { useSession } from '@/lib/session';

export function AdminOnly({ children }: { children: ReactNode }) {
  const { user } = useSession();
  if (!user?.isAdmin)
    return (
      <EmptyState title="Platform admins only.">
        Ask a platform admin to manage providers, hosts and users.
      </EmptyState>
    );
  return <>{children}</>;
}
