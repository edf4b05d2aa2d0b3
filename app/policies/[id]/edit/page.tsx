import type { Metadata } from 'next';
import { Refusal } from '@/components/auth/refusal';
import { EditPolicy } from '@/components/policies/edit-policy';
import { requireUser } from '@/lib/auth/current-user';
import { can } from '@/lib/auth/permissions';

export const metadata: Metadata = { title: 'Edit policy' };
export const dynamic = 'force-dynamic';

export default async function EditPolicyPage({ params }: PageProps<'/policies/[id]/edit'>) {
  const { id } = await params;
  const principal = await requireUser(`/policies/${id}/edit`);
  if (!can(principal.role, 'policy:edit')) return <Refusal name={principal.name} role={principal.role} action="policy:edit" />;
  return <EditPolicy id={id} />;
}
