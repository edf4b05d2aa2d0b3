'use client';

import { useState, type FormEvent } from 'react';
import { Button, ErrorNote } from '@/components/ui/button';
import { Dialog, DialogBody, DialogFooter, DialogForm } from '@/components/ui/dialog';
import { Spinner } from '@/components/ui/status';
import { useSetNumVfs } from '@/hooks/use-host';
import type { PfView } from '@/lib/inventory/host-view';
import type { OperationView } from '@/lib/operations/kinds';

/** sriov_numvfs for one PF: a bounded number, Apply, and what is enabled against what was asked. */
export function VfCountControl({ hostId, pf, operation, canConfigure }: { hostId: string; pf: PfView; operation: OperationView | null; canConfigure: boolean }) {
  const setNumVfs = useSetNumVfs(hostId);
  const target = pf.desiredVfs ?? pf.currentVfs;
  const [value, setValue] = useState(String(target));
  const [shownTarget, setShownTarget] = useState(target);
  const [confirming, setConfirming] = useState(false);
  // The count changed under us (another user, the agent): show the new one.
  if (target !== shownTarget) {
    setShownTarget(target);
    setValue(String(target));
  }
  const numVfs = Number(value);
  const valid = value.trim() !== '' && Number.isInteger(numVfs) && numVfs >= 0 && numVfs <= pf.totalVfs;
  const busy = setNumVfs.isPending || operation !== null;

  const apply = () => setNumVfs.mutate({ pfId: pf.id, numVfs }, { onSuccess: () => setConfirming(false) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!valid || busy) return;
    // Creating or removing VFs is never a surprise: the dialog says what happens and which VMs it
    // touches. Asking again for the count the host already has changes nothing and needs no question.
    if (numVfs !== pf.currentVfs) setConfirming(true);
    else apply();
  };

  const drifted = pf.desiredVfs !== null && pf.desiredVfs !== pf.currentVfs;
  const holders = vmsHoldingVfs(pf);
  return (
    <div className="border-t border-slate-200 px-4 py-2.5 text-sm">
      <form onSubmit={submit} aria-label={`VF count of ${pf.pciAddress}`} className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <label className="flex items-center gap-2 font-medium text-slate-700">
          VF count
          <input
            type="number"
            inputMode="numeric"
            min={0}
            max={pf.totalVfs}
            step={1}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            disabled={!canConfigure || busy}
            aria-label={`VF count of ${pf.pciAddress}`}
            aria-invalid={!valid}
            className="w-20 rounded-md border border-slate-300 bg-white px-2 py-1 text-right font-normal tabular-nums shadow-xs disabled:bg-slate-100 disabled:text-slate-500 aria-invalid:border-rose-400"
          />
        </label>
        <span className="text-slate-500">of {pf.totalVfs} possible</span>
        {canConfigure && (
          // Enabled for a new count, and to ask again for a desired count the host has not reached.
          <Button type="submit" size="sm" variant="primary" disabled={!valid || busy || (numVfs === target && target === pf.currentVfs)}>
            Apply
          </Button>
        )}
        <span className="text-slate-600">
          {pf.currentVfs} enabled now
          {pf.desiredVfs !== null && <> · desired {pf.desiredVfs}</>}
          {drifted && !operation && <span className="font-medium text-amber-800"> (not reached)</span>}
        </span>
        {operation && (
          <span role="status" className="flex items-center gap-1.5 font-medium text-sky-900">
            <Spinner />
            {operation.progress ?? (operation.status === 'queued' ? 'Count change queued…' : 'Changing the count…')}
          </span>
        )}
        {!valid && <span className="text-rose-700">A whole number from 0 to {pf.totalVfs}.</span>}
        {!canConfigure && <span className="text-xs text-slate-500">Changing the count needs the operator or admin role.</span>}
      </form>
      {setNumVfs.error && !confirming && (
        <div className="mt-2">
          <ErrorNote>{setNumVfs.error.message}</ErrorNote>
        </div>
      )}
      <Dialog open={confirming} onClose={() => setConfirming(false)} title={`Change the VF count of ${pf.pciAddress}`}>
        <DialogForm onSubmit={(e) => (e.preventDefault(), apply())}>
          <DialogBody>
            <p>
              From <strong>{pf.currentVfs}</strong> to <strong>{numVfs}</strong> VFs.{' '}
              {pf.currentVfs === 0
                ? `Creates ${numVfs} VF${numVfs === 1 ? '' : 's'} on this PF.`
                : `The kernel changes a non-zero count only through 0, so all ${pf.currentVfs} VFs of this PF are removed${numVfs > 0 ? `, then ${numVfs} created again` : ''}.`}
            </p>
            <AffectedVms holders={holders} />
            {pf.currentVfs > 0 && holders.length === 0 && (
              <p className="text-slate-600">Settings made on the VFs removed (MAC, VLAN, trust, vfio-pci binding) go with them; a MAC the dashboard gave a VF comes back when that VF is next assigned.</p>
            )}
            {pf.driver && PORT_RESETTING_DRIVERS.has(pf.driver) && (
              <p className="text-slate-600">
                The {pf.driver} driver resets the port while it creates or removes VFs: traffic through {pf.netdev ?? 'the PF'} pauses for a few seconds.
              </p>
            )}
            {setNumVfs.error && <ErrorNote>{setNumVfs.error.message}</ErrorNote>}
          </DialogBody>
          <DialogFooter>
            <Button onClick={() => setConfirming(false)} data-autofocus="">
              {holders.length > 0 ? `Keep ${pf.currentVfs} VFs` : 'Cancel'}
            </Button>
            {holders.length === 0 && (
              <Button type="submit" variant={pf.currentVfs > 0 ? 'danger' : 'primary'} disabled={setNumVfs.isPending}>
                {setNumVfs.isPending && <Spinner />}
                Set {numVfs} VFs
              </Button>
            )}
          </DialogFooter>
        </DialogForm>
      </Dialog>
    </div>
  );
}

/** PF drivers that reset the port when VFs are created or removed (ixgbe_sriov_reinit, i40e's PF reset). */
const PORT_RESETTING_DRIVERS: ReadonlySet<string> = new Set(['ixgbe', 'i40e']);

/** The VMs holding VFs of this PF, with the VFs each holds. */
function vmsHoldingVfs(pf: PfView): { vm: string; indexes: number[] }[] {
  const holders = new Map<string, number[]>();
  for (const vf of pf.virtualFunctions) {
    if (vf.assignment) holders.set(vf.assignment.vm.name, [...(holders.get(vf.assignment.vm.name) ?? []), vf.index]);
  }
  return [...holders].map(([vm, indexes]) => ({ vm, indexes }));
}

/** Which VMs the change touches, always said, even when none. */
function AffectedVms({ holders }: { holders: { vm: string; indexes: number[] }[] }) {
  if (holders.length === 0) {
    return (
      <div>
        <h3 className="mb-1 font-semibold">VMs affected</h3>
        <p className="text-slate-700">None: no VM holds a VF of this PF, so no VM loses an interface.</p>
      </div>
    );
  }
  return (
    <div className="rounded border border-rose-200 bg-rose-50 px-3 py-2 text-rose-950">
      <h3 className="mb-1 font-semibold">VMs affected: they hold VFs of this PF</h3>
      <ul className="space-y-0.5">
        {holders.map(({ vm, indexes }) => (
          <li key={vm}>
            <span className="font-medium">{vm}</span> (VF {indexes.join(', ')})
          </li>
        ))}
      </ul>
      <p className="mt-1">Release them first: the count cannot change while VMs hold VFs, since every VF of the PF would be taken from them.</p>
    </div>
  );
}
