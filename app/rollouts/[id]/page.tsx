import type { Metadata } from 'next';
import { RolloutDetail } from '@/components/rollouts/rollout-view';
import { requireUser } from '@/lib/auth/current-user';

export const metadata: Metadata = { title: 'Rollout' };
export const dynamic = 'force-dynamic';

export default async function RolloutPage({ params }: PageProps<'/rollouts/[id]'>) {
  const { id } = await params;
  await requireUser(`/rollouts/${id}`);
  return <RolloutDetail id={id} />;
}
