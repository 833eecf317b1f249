import type { Metadata } from 'next';
import { Inventory } from '@/features/inventory/inventory';

export const metadata: Metadata = { title: 'Machines' };

export default function MachinesPage() {
  return <Inventory />;
}
