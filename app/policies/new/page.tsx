import type { Metadata } from 'next';
import { Refusal } from '@/components/auth/refusal';
import { PolicyForm } from '@/components/policies/policy-form';
import { requireUser } from '@/lib/auth/current-user';
import { can } from '@/lib/auth/permissions';

export const metadata: Metadata = { title: 'New policy' };
export const dynamic = 'force-dynamic';

export default async function NewPolicyPage() {
  const principal = await requireUser('/policies/new');
  if (!can(principal.role, 'policy:edit')) return <Refusal name={principal.name} role={principal.role} action="policy:edit" />;
  return (
    <div className="mx-auto max-w-5xl space-y-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">New policy</h1>
        <p className="text-sm text-slate-600">Saving changes no host: a plan shows what the policy would do, and a rollout applies it.</p>
      </div>
      <PolicyForm />
    </div>
  );
}
