import type { Metadata } from 'next';
import { RegisterHostForm } from '@/components/host/register-form';
import { requireUser } from '@/lib/auth/current-user';
import { can } from '@/lib/auth/permissions';
import { Refusal } from '@/components/auth/refusal';

export const metadata: Metadata = { title: 'Register a host' };
export const dynamic = 'force-dynamic';

export default async function RegisterHostPage() {
  const principal = await requireUser('/hosts/new');
  if (!can(principal.role, 'host:manage')) {
    return <Refusal name={principal.name} role={principal.role} action="host:manage" />;
  }
  return (
    <div className="mx-auto max-w-xl space-y-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Register a host</h1>
        <p className="text-sm text-slate-600">The iLO is asked for the server’s model, serial number and BIOS before the host is added. Passwords and tokens are stored encrypted and never shown again.</p>
      </div>
      <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-xs">
        <RegisterHostForm />
      </div>
    </div>
  );
}
