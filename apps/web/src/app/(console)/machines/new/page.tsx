import type { Metadata } from 'next';
import { CreateMachineWizard } from '@/features/wizard/wizard';

export const metadata: Metadata = { title: 'Create machine' };

export default function NewMachinePage() {
  return <CreateMachineWizard />;
}
