import type { Metadata } from 'next';
import { TemplatesPage } from '@/features/project/templates-page';

export const metadata: Metadata = { title: 'Machine templates' };

export default function Page() {
  return <TemplatesPage />;
}
