'use client';

import type { ReactNode } from 'react';
import { ConsoleClientProvider } from '@/lib/console-client';
import { SessionProvider } from '@/lib/session';

export function Providers({ children }: { children: ReactNode }) {
  return (
    <ConsoleClientProvider>
      <SessionProvider>{children}</SessionProvider>
    </ConsoleClientProvider>
  );
}
