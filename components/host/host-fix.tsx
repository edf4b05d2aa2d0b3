'use client';

import { useId, useState, type FormEvent } from 'react';
import { useSession } from '@/hooks/use-session';
import { useFixHost, type ResetType } from '@/hooks/use-host';
import { can } from '@/lib/auth/permissions';
import { automaticChanges, rebootWords, type HostChange, type HostChangeSet } from '@/lib/inventory/change-set';
import { isActive, runningVms, type HostView } from '@/lib/inventory/host-view';
import { LINK_LABELS } from '@/lib/inventory/readiness';
import type { OperationView } from '@/lib/operations/kinds';
import { Button, ErrorNote } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Dialog, DialogBody, DialogFooter, DialogForm } from '@/components/ui/dialog';
import { Badge, Spinner } from '@/components/ui/status';

const FIX_KINDS = new Set(['set-bios', 'os-fix', 'reset-host']);

/** How a change is made and when it takes effect, in a sentence. */
function howText(change: HostChange): string {
  switch (change.kind) {
    case 'set-bios':
      return `Through the iLO: ${Object.entries(change.attributes)
        .map(([name, value]) => `${name} ${change.from[name] ?? 'unset'} → ${value}`)
        .join(', ')}. Takes effect at the reboot.`;
    case 'os-fix':
      return change.fix === 'iommu-args'
        ? `Through the agent: grubby adds “${change.args}” to the kernel command line. Takes effect at the reboot.`
        : 'Through the agent: modprobe vfio-pci now, and /etc/modules-load.d/ for every boot. No reboot.';
    case 'manual':
      return `${change.how}${change.needsReboot ? ' It takes effect at the next boot: do it before the reboot.' : ''}`;
  }
}

function fixesText(change: HostChange): string {
  return `Fixes ${change.fixes.map((id) => LINK_LABELS[id]).join(', ')}`;
}

/** What the reboot applies, in words: "the BIOS change, the kernel arguments and the pending IntelProcVtd=Enabled". */
function rebootApplies(set: HostChangeSet): string {
  const parts = [
    ...set.changes.filter((c) => c.needsReboot).map((c) => (c.kind === 'set-bios' ? 'the BIOS change' : c.kind === 'os-fix' ? 'the kernel arguments' : 'what you set by hand')),
    ...set.pendingBios.map((b) => `the pending ${b.name}=${b.value}`),
  ];
  return parts.length <= 1 ? (parts[0] ?? 'nothing staged') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** "One change through the dashboard, then 1 reboot that applies it." */
function summaryText(set: HostChangeSet): string {
  const automatic = automaticChanges(set).length;
  const manual = set.changes.length - automatic;
  const count = (n: number, one: string, many: string) => (n === 1 ? `One ${one}` : `${n} ${many}`);
  const parts: string[] = [];
  if (automatic > 0) parts.push(`${count(automatic, 'change', 'changes')} the dashboard makes`);
  if (manual > 0) parts.push(`${automatic > 0 ? (manual === 1 ? 'one step' : `${manual} steps`) : count(manual, 'step', 'steps')} only a person at the server can do`);
  if (parts.length === 0) return `Nothing to change: the fix is ${rebootWords(set.reboots)}, which applies what is already pending.`;
  const what = parts.join(' and ');
  if (set.reboots === 0) return `${what}; the fix needs no reboot.`;
  return `${what}; then the fix needs ${rebootWords(set.reboots)}, which applies everything staged at once.`;
}

function VmsGoingDown({ host }: { host: HostView }) {
  const running = runningVms(host.virtualMachines);
  const id = useId();
  return (
    <div>
      <h3 id={id} className="mb-1 font-semibold">
        VMs that will go down
      </h3>
      {running.length === 0 ? (
        <p className="text-slate-600">No running VMs.</p>
      ) : (
        <ul aria-labelledby={id} className="flex flex-wrap gap-1.5">
          {running.map((vm) => (
            <li key={vm.id} className="rounded border border-rose-200 bg-rose-50 px-2 py-0.5 font-medium text-rose-900">
              {vm.name}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * The host's fix: one change set (lib/inventory/change-set.ts) in the order it is made, what only a
 * person can do, and the one reboot it all waits for; admins apply it in one go.
 */
export function HostFix({ host, operations }: { host: HostView; operations: readonly OperationView[] }) {
  const session = useSession();
  const [open, setOpen] = useState(false);
  const set = host.fix;
  // A read that finds nothing left to fix removes the card, but never a dialog someone has open.
  if (set.changes.length === 0 && set.reboots === 0) return open ? <FixDialog host={host} open onClose={() => setOpen(false)} /> : null;
  const automatic = automaticChanges(set);
  const doable = automatic.length > 0 || set.reboots > 0;
  const mayFix = session !== null && can(session.role, 'host:fix');
  const running = operations.filter((op) => isActive(op) && FIX_KINDS.has(op.kind)).reverse();
  const running0 = running[0];

  return (
    <Card
      title={`Fix: what makes ${host.name} SR-IOV ready`}
      actions={
        set.reboots > 0 ? (
          <Badge tone="warn" icon="⟳">
            {rebootWords(set.reboots)}
          </Badge>
        ) : (
          <Badge tone="good" icon="✓">
            no reboot
          </Badge>
        )
      }
    >
      <div className="space-y-3 px-4 py-3 text-sm">
        <p className="text-slate-700">{summaryText(set)}</p>
        <ol aria-label="Steps of the fix" className="space-y-2">
          {set.changes.map((change, i) => (
            <li key={`${change.kind}-${i}`} aria-label={`Step ${i + 1}: ${change.label}`} className="flex gap-3">
              <span aria-hidden className="grid size-6 shrink-0 place-items-center rounded-full bg-slate-100 text-xs font-semibold text-slate-700">
                {i + 1}
              </span>
              <div className="min-w-0 space-y-0.5">
                <p className="font-medium text-slate-900">
                  {change.label}
                  {change.kind === 'manual' && (
                    <span className="ml-2">
                      <Badge tone="neutral" icon="✋">
                        by hand
                      </Badge>
                    </span>
                  )}
                </p>
                <p className="text-slate-600">{howText(change)}</p>
                <p className="text-xs text-slate-500">{fixesText(change)}</p>
              </div>
            </li>
          ))}
          {set.reboots > 0 && (
            <li aria-label={`Step ${set.changes.length + 1}: Reboot through the iLO`} className="flex gap-3">
              <span aria-hidden className="grid size-6 shrink-0 place-items-center rounded-full bg-amber-100 text-xs font-semibold text-amber-900">
                {set.changes.length + 1}
              </span>
              <div className="min-w-0 space-y-0.5">
                <p className="font-medium text-slate-900">Reboot through the iLO</p>
                <p className="text-slate-600">
                  One reboot applies {rebootApplies(set)}.{' '}
                  {runningVms(host.virtualMachines).length > 0 ? `Running VMs go down: ${runningVms(host.virtualMachines).map((vm) => vm.name).join(', ')}.` : 'No VM is running.'}
                </p>
              </div>
            </li>
          )}
        </ol>
        {running0 ? (
          <p role="status" className="flex items-center gap-1.5 font-medium text-sky-900">
            <Spinner /> Applying the fix: {running0.summary}
            {running0.progress ? ` — ${running0.progress}` : running0.status === 'queued' ? ' — queued' : ''}
          </p>
        ) : (
          doable &&
          (mayFix ? (
            <div className="flex flex-wrap items-center gap-3">
              <Button variant={automatic.length > 0 ? 'primary' : 'danger'} onClick={() => setOpen(true)}>
                {automatic.length > 0 ? 'Apply the fix…' : 'Reboot through iLO…'}
              </Button>
              <span className="text-xs text-slate-500">You see every change and the VMs that go down before anything is sent.</span>
            </div>
          ) : (
            <p className="text-xs text-slate-500">An admin can apply this fix from this page.</p>
          ))
        )}
      </div>
      <FixDialog host={host} open={open} onClose={() => setOpen(false)} />
    </Card>
  );
}

type RebootChoice = ResetType | 'later';

const REBOOT_CHOICES: { value: RebootChoice; label: string; hint: string }[] = [
  { value: 'GracefulRestart', label: 'Graceful restart', hint: 'The OS shuts down cleanly first (libvirt stops or suspends its VMs).' },
  { value: 'ForceRestart', label: 'Force restart', hint: 'Immediate, like pressing the reset button: VMs stop without shutting down.' },
  { value: 'later', label: 'Do not reboot now', hint: 'Stage the changes; they wait for a reboot you start later.' },
];

function FixDialog({ host, open, onClose }: { host: HostView; open: boolean; onClose: () => void }) {
  const automatic = automaticChanges(host.fix);
  return (
    <Dialog open={open} onClose={onClose} title={automatic.length > 0 ? `Fix ${host.name}` : `Reboot ${host.name} through iLO`} size="lg">
      <FixForm host={host} onCancel={onClose} />
    </Dialog>
  );
}

/** The host was read again while the dialog was open and nothing is left for the dashboard to do (say, the reboot that applied it ended). */
function NothingLeft({ host, byHand, onClose }: { host: HostView; byHand: number; onClose: () => void }) {
  return (
    <>
      <DialogBody>
        <p role="status" className="text-slate-700">
          {host.name} was read again since this dialog opened:{' '}
          {byHand === 0 ? 'nothing is left to fix, no change and no reboot.' : 'what is left can only be done by hand at the server (the steps of the fix say what).'}
        </p>
      </DialogBody>
      <DialogFooter>
        <Button onClick={onClose} data-autofocus="">
          Close
        </Button>
      </DialogFooter>
    </>
  );
}

function FixForm({ host, onCancel }: { host: HostView; onCancel: () => void }) {
  const fix = useFixHost(host.id);
  const set = host.fix;
  const automatic = automaticChanges(set);
  const manualBeforeReboot = set.changes.filter((c) => c.kind === 'manual' && c.needsReboot);
  const [choice, setChoice] = useState<RebootChoice>('GracefulRestart');
  const reboot = set.reboots > 0 && choice !== 'later';
  const choices = REBOOT_CHOICES.filter((c) => c.value !== 'later' || automatic.length > 0);
  if (automatic.length === 0 && set.reboots === 0) return <NothingLeft host={host} byHand={set.changes.length} onClose={onCancel} />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    fix.mutate(reboot ? { reboot: true, resetType: choice as ResetType } : { reboot: false }, { onSuccess: onCancel });
  };

  return (
    <DialogForm onSubmit={submit}>
      <DialogBody>
        {automatic.length > 0 && (
          <div>
            <h3 className="mb-1 font-semibold">Changes, in this order</h3>
            <ol className="list-decimal space-y-1 pl-5">
              {automatic.map((c, i) => (
                <li key={i}>
                  <span className="font-medium">{c.label}</span>
                  <span className="block text-xs text-slate-600">{howText(c)}</span>
                </li>
              ))}
            </ol>
          </div>
        )}
        {manualBeforeReboot.length > 0 && (
          <div className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950">
            <h3 className="font-semibold">Before the reboot, by hand</h3>
            <ul className="space-y-0.5">
              {manualBeforeReboot.map((c, i) => (
                <li key={i}>
                  {c.label}: {c.kind === 'manual' ? c.how : ''}
                </li>
              ))}
            </ul>
          </div>
        )}
        {set.pendingBios.length > 0 && (
          <div>
            <h3 className="mb-1 font-semibold">Already staged in the iLO, applied by the reboot</h3>
            <ul className="space-y-0.5">
              {set.pendingBios.map((b) => (
                <li key={b.name}>
                  <span className="font-mono text-xs">{b.name}</span>: {b.current ?? '—'} → <span className="font-medium">{b.value}</span>
                </li>
              ))}
            </ul>
          </div>
        )}
        {set.reboots > 0 ? (
          <>
            <p className="text-slate-700">
              The fix needs <strong>{rebootWords(set.reboots)}</strong> through the iLO{host.bmc ? ` (${host.bmc.address})` : ''}; it runs only if every change before it succeeded, and the page follows the host until its agent reports again.
            </p>
            {reboot && <VmsGoingDown host={host} />}
            <fieldset className="space-y-2">
              <legend className="mb-1 font-semibold">Reboot</legend>
              {choices.map((c) => (
                <label key={c.value} className="flex items-start gap-2 rounded-md border border-slate-200 px-3 py-2 has-checked:border-sky-400 has-checked:bg-sky-50">
                  <input type="radio" name="reboot" value={c.value} checked={choice === c.value} onChange={() => setChoice(c.value)} className="mt-1" data-autofocus={c.value === 'GracefulRestart' ? '' : undefined} />
                  <span>
                    <span className="font-medium">{c.label}</span>
                    <span className="block text-xs text-slate-600">{c.hint}</span>
                  </span>
                </label>
              ))}
            </fieldset>
          </>
        ) : (
          <p className="text-slate-700">No reboot: nothing on the host goes down.</p>
        )}
        {fix.error && <ErrorNote>{fix.error.message}</ErrorNote>}
      </DialogBody>
      <DialogFooter>
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant={reboot ? 'danger' : 'primary'} disabled={fix.isPending} data-autofocus={set.reboots > 0 ? undefined : ''}>
          {fix.isPending && <Spinner />}
          {fix.isPending ? 'Sending…' : reboot ? (automatic.length > 0 ? 'Apply and reboot' : 'Reboot') : 'Apply'}
        </Button>
      </DialogFooter>
    </DialogForm>
  );
}
