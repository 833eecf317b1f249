'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { Splash } from '@/components/feedback';

export default function Home() {
  const router = useRouter();
  useEffect(() => router.replace('/machines'), [router]);
  return <Splash />;
}
