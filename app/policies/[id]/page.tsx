import type { Metadata } from 'next';
import { PolicyView } from '@/components/policies/policy-view';
import { requireUser } from '@/lib/auth/current-user';

export const metadata: Metadata = { title: 'Policy' };
export const dynamic = 'force-dynamic';

export default async function PolicyPage({ params }: PageProps<'/policies/[id]'>) {
  const { id } = await params;
  await requireUser(`/policies/${id}`);
  return <PolicyView id={id} />;
}
