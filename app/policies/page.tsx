import type { Metadata } from 'next';
import Link from 'next/link';
import { ImportPolicies } from '@/components/policies/import-dialog';
import { PolicyList } from '@/components/policies/policy-list';
import { requireUser } from '@/lib/auth/current-user';
import { can } from '@/lib/auth/permissions';

export const metadata: Metadata = { title: 'Policies' };
export const dynamic = 'force-dynamic';

export default async function PoliciesPage() {
  const principal = await requireUser('/policies');
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Policies</h1>
          <p className="text-sm text-slate-600">What groups of hosts should have, said once: a plan shows every change and its cost before anything moves.</p>
        </div>
        <div className="flex gap-2">
          <a href="/api/policies/export" download className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold text-slate-800 shadow-xs hover:bg-slate-50">
            Export as JSON
          </a>
          {can(principal.role, 'policy:edit') && <ImportPolicies />}
          {can(principal.role, 'policy:edit') && (
            <Link href="/policies/new" className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white shadow-xs hover:bg-slate-700">
              New policy
            </Link>
          )}
        </div>
      </div>
      <PolicyList />
    </div>
  );
}
