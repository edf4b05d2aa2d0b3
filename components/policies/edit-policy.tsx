'use client';

import { usePolicy } from '@/hooks/use-policies';
import { ErrorNote } from '@/components/ui/button';
import { PolicyForm } from './policy-form';

/** The form opened on the policy's current version. */
export function EditPolicy({ id }: { id: string }) {
  const { data: policy, error } = usePolicy(id);
  if (error) return <ErrorNote>{error.message}</ErrorNote>;
  if (!policy) return <p className="text-sm text-slate-600">Loading…</p>;
  return (
    <div className="mx-auto max-w-5xl space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">Edit {policy.name}</h1>
      <PolicyForm existing={{ id: policy.id, name: policy.name, description: policy.description, version: policy.currentVersion, document: policy.document }} />
    </div>
  );
}
