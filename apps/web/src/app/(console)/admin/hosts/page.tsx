import type { Metadata } from 'next';
import { HostsPage } from '@/features/admin/hosts-page';

export const metadata: Metadata = { title: 'Hosts' };

export default function Page() {
  return <HostsPage />;
}
