import type { Metadata } from 'next';
import { AccountsPage } from '@/features/admin/accounts-page';

export const metadata: Metadata = { title: 'Provider accounts' };

export default function Page() {
  return <AccountsPage />;
}
