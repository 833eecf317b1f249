'use client';

import { useParams } from 'next/navigation';
import { MachineDetails } from '@/features/machine/machine-details';

export default function MachinePage() {
  const params = useParams<{ id: string }>();
  return <MachineDetails key={params.id} machineId={decodeURIComponent(params.id)} />;
}
