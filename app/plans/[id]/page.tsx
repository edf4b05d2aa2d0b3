import type { Metadata } from 'next';
import { PlanView } from '@/components/plans/plan-view';
import { requireUser } from '@/lib/auth/current-user';

export const metadata: Metadata = { title: 'Plan' };
export const dynamic = 'force-dynamic';

export default async function PlanPage({ params }: PageProps<'/plans/[id]'>) {
  const { id } = await params;
  await requireUser(`/plans/${id}`);
  return <PlanView id={id} />;
}
