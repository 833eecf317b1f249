'use client';

import { usePathname, useRouter } from 'next/navigation';
import { type ReactNode, useEffect } from 'react';
import { ErrorMessage, Splash } from '@/components/feedback';
import { ConsoleShell } from '@/components/shell';
import { loginPathFor } from '@/features/session/return-path';
import { ProjectProvider } from '@/lib/project';
import { useSession } from '@/lib/session';

/** Every console page: logged in, password chosen, a current project. */
export default function ConsoleLayout({ children }: { children: ReactNode }) {
  const { status, user, error } = useSession();
  const router = useRouter();
  const pathname = usePathname();
  useEffect(() => {
    // Back to this very page after login: its query too (e.g. the placement map's location).
    if (status === 'anonymous')
      router.replace(loginPathFor({ pathname, search: window.location.search, hash: window.location.hash }));
    else if (user?.mustChangePassword) router.replace('/password');
  }, [status, user, router, pathname]);
  if (status === 'error')
    return (
      <main className="auth">
        <div className="auth-card">
          <ErrorMessage error={error} title="The console cannot start." />
        </div>
      </main>
    );
  if (!user || user.mustChangePassword) return <Splash />;
  return (
    <ProjectProvider>
      <ConsoleShell>{children}</ConsoleShell>
    </ProjectProvider>
  );
}
