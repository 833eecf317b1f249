import type { Metadata } from 'next';
import { Suspense } from 'react';
import { Loading } from '@/components/feedback';
import { PlacementMap } from '@/features/placement/placement-map';

export const metadata: Metadata = { title: 'Placement map' };

export default function PlacementPage() {
  return (
    <Suspense fallback={<Loading />}>
      <PlacementMap />
    </Suspense>
  );
}
