'use client';

import { useSession } from '@/components/auth/session-context';
import { Button, ErrorNote } from '@/components/ui/button';
import { Spinner } from '@/components/ui/status';
import { useOsFix, useSetBios } from '@/hooks/use-host';
import { can } from '@/lib/auth/permissions';
import { FIX_PERMISSION, isActive } from '@/lib/inventory/host-view';
import type { FixAction } from '@/lib/inventory/readiness';
import type { OperationView } from '@/lib/operations/kinds';

/**
 * The button under a failing readiness link, for users whose role may do the fix. A BIOS change or
 * an OS fix is queued at once (nothing goes down); a reboot asks first (onReboot opens the dialog).
 * While such an operation is queued or running, its progress shows instead of the button.
 */
export function FixActionButton({ hostId, action, operations, rebooting, onReboot }: { hostId: string; action: FixAction; operations: readonly OperationView[]; rebooting: boolean; onReboot: () => void }) {
  const session = useSession();
  const setBios = useSetBios(hostId);
  const osFix = useOsFix(hostId);
  if (!session) return null;
  if (!can(session.role, FIX_PERMISSION[action.kind])) {
    return <p className="text-xs text-slate-500">An admin can run “{action.label}” from this page.</p>;
  }

  const active = operations.find((op) => isActive(op) && op.kind === action.kind);
  if (active || (action.kind === 'reset-host' && rebooting)) {
    return (
      <p role="status" className="flex items-center gap-1.5 text-xs font-medium text-sky-900">
        <Spinner />
        {active ? (active.progress ?? (active.status === 'queued' ? 'Queued…' : 'Running…')) : 'Waiting for the host to come back…'}
      </p>
    );
  }

  const mutation = action.kind === 'os-fix' ? osFix : setBios;
  const run = () => {
    if (action.kind === 'reset-host') onReboot();
    else if (action.kind === 'set-bios') setBios.mutate({ attributes: action.attributes });
    else osFix.mutate({ fix: action.fix });
  };
  return (
    <div className="space-y-1.5">
      <Button size="sm" variant={action.kind === 'reset-host' ? 'danger' : 'primary'} onClick={run} disabled={mutation.isPending} className="w-full text-left">
        {mutation.isPending && <Spinner />}
        {action.label}
      </Button>
      {action.kind !== 'reset-host' && mutation.error && <ErrorNote>{mutation.error.message}</ErrorNote>}
    </div>
  );
}
