import type { Metadata } from 'next';
import { RolloutList } from '@/components/rollouts/rollout-list';
import { requireUser } from '@/lib/auth/current-user';

export const metadata: Metadata = { title: 'Rollouts' };
export const dynamic = 'force-dynamic';

export default async function RolloutsPage() {
  await requireUser('/rollouts');
  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Rollouts</h1>
        <p className="text-sm text-slate-600">Plans applied to the fleet: a canary first, then waves, halted by themselves when too many hosts fail.</p>
      </div>
      <RolloutList />
    </div>
  );
}
