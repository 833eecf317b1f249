import type { Metadata } from 'next';
import { PlacementGroupsPage } from '@/features/project/placement-groups-page';

export const metadata: Metadata = { title: 'Placement groups' };

export default function Page() {
  return <PlacementGroupsPage />;
}
