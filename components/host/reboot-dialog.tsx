'use client';

import { useId, useState, type FormEvent } from 'react';
import { usePowerHost, type ResetType } from '@/hooks/use-host';
import { runningVms, type HostView } from '@/lib/inventory/host-view';
import { Button, ErrorNote } from '@/components/ui/button';
import { Dialog, DialogBody, DialogFooter, DialogForm } from '@/components/ui/dialog';
import { Spinner } from '@/components/ui/status';

const RESET_TYPES: { value: ResetType; label: string; hint: string }[] = [
  { value: 'GracefulRestart', label: 'Graceful restart', hint: 'The OS shuts down cleanly first (libvirt stops or suspends its VMs).' },
  { value: 'ForceRestart', label: 'Force restart', hint: 'Immediate, like pressing the reset button: VMs stop without shutting down.' },
];

/** Confirms a reset through the iLO, naming what it takes down and what it applies. */
export function RebootDialog({ host, open, onClose }: { host: HostView; open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title={`Reboot ${host.name} through iLO`}>
      <RebootForm host={host} onCancel={onClose} />
    </Dialog>
  );
}

function RebootForm({ host, onCancel }: { host: HostView; onCancel: () => void }) {
  const power = usePowerHost(host.id);
  const [resetType, setResetType] = useState<ResetType>('GracefulRestart');
  const vmsId = useId();
  const running = runningVms(host.virtualMachines);
  const pending = host.biosRead ? host.bios.filter((s) => s.pending !== null && s.pending !== s.current) : [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    power.mutate({ action: 'reset', resetType }, { onSuccess: onCancel });
  };

  return (
    <DialogForm onSubmit={submit}>
      <DialogBody>
        <p className="text-slate-700">
          Resets the server through its iLO{host.bmc ? ` (${host.bmc.address})` : ''}. The page follows the host until its agent reports again.
        </p>
        {pending.length > 0 && (
          <div>
            <h3 className="mb-1 font-semibold">Applies the pending BIOS settings</h3>
            <ul className="space-y-0.5">
              {pending.map((s) => (
                <li key={s.name}>
                  <span className="font-mono text-xs">{s.name}</span>: {s.current ?? '—'} → <span className="font-medium">{s.pending}</span>
                </li>
              ))}
            </ul>
          </div>
        )}
        <div>
          <h3 id={vmsId} className="mb-1 font-semibold">
            VMs that will go down
          </h3>
          {running.length === 0 ? (
            <p className="text-slate-600">No running VMs.</p>
          ) : (
            <ul aria-labelledby={vmsId} className="flex flex-wrap gap-1.5">
              {running.map((vm) => (
                <li key={vm.id} className="rounded border border-rose-200 bg-rose-50 px-2 py-0.5 font-medium text-rose-900">
                  {vm.name}
                </li>
              ))}
            </ul>
          )}
        </div>
        <fieldset className="space-y-2">
          <legend className="mb-1 font-semibold">Reset type</legend>
          {RESET_TYPES.map((t) => (
            <label key={t.value} className="flex items-start gap-2 rounded-md border border-slate-200 px-3 py-2 has-checked:border-sky-400 has-checked:bg-sky-50">
              <input type="radio" name="resetType" value={t.value} checked={resetType === t.value} onChange={() => setResetType(t.value)} className="mt-1" data-autofocus={t.value === 'GracefulRestart' ? '' : undefined} />
              <span>
                <span className="font-medium">{t.label}</span>
                <span className="block text-xs text-slate-600">{t.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {power.error && <ErrorNote>{power.error.message}</ErrorNote>}
      </DialogBody>
      <DialogFooter>
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="danger" disabled={power.isPending}>
          {power.isPending && <Spinner />}
          {power.isPending ? 'Asking the iLO…' : 'Reboot'}
        </Button>
      </DialogFooter>
    </DialogForm>
  );
}
