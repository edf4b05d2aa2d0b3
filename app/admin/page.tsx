import type { Metadata } from 'next';
import { TokensPanel } from '@/components/admin/tokens-panel';
import { UsersPanel } from '@/components/admin/users-panel';
import { requireUser } from '@/lib/auth/current-user';
import { can } from '@/lib/auth/permissions';
import { Refusal } from '@/components/auth/refusal';

export const metadata: Metadata = { title: 'Users and API tokens' };
export const dynamic = 'force-dynamic';

export default async function AdminPage() {
  const principal = await requireUser('/admin');
  if (!can(principal.role, 'user:manage')) {
    return <Refusal name={principal.name} role={principal.role} action="user:manage" />;
  }
  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Users and API tokens</h1>
        <p className="text-sm text-slate-600">Viewers read; operators change VFs; admins also change BIOS, reset servers and manage access. Changing a role or disabling a user ends their sessions.</p>
      </div>
      <UsersPanel self={principal.name} />
      <TokensPanel />
    </div>
  );
}
