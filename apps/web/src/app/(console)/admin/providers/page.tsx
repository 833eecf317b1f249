import type { Metadata } from 'next';
import { ProvidersPage } from '@/features/admin/providers-page';

export const metadata: Metadata = { title: 'Providers' };

export default function Page() {
  return <ProvidersPage />;
}
