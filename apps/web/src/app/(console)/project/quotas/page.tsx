import type { Metadata } from 'next';
import { QuotasPage } from '@/features/admin/quotas-page';

export const metadata: Metadata = { title: 'Quotas' };

export default function Page() {
  return <QuotasPage />;
}
