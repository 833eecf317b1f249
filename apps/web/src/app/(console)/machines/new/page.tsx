import type { Metadata } from 'next';
import { Suspense } from 'react';
import { Loading } from '@/components/feedback';
import { CreateMachineWizard } from '@/features/wizard/wizard';

export const metadata: Metadata = { title: 'Create machine' };

export default function NewMachinePage() {
  // The wizard reads `?template=` (a template to start from): rendered in the browser only.
  return (
    <Suspense fallback={<Loading />}>
      <CreateMachineWizard />
    </Suspense>
  );
}
