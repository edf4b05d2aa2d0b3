'use client';

import { useId, useState, type FormEvent } from 'react';
import { Button, ErrorNote } from '@/components/ui/button';
import { Dialog, DialogBody, DialogFooter, DialogForm } from '@/components/ui/dialog';
import { Badge, OperationBadge, Spinner, utcTime } from '@/components/ui/status';
import { useAssignVf, useReleaseVf } from '@/hooks/use-host';
import { NO_LIVE_MIGRATION } from '@/lib/inventory/guest';
import { driftValueText, knownNumaNode, macOnAssign, orderVmsForPf, type HostView, type PfView, type VfTileState, type VfView } from '@/lib/inventory/host-view';
import { shownMac, UNSET_MAC_WORDS } from '@/lib/inventory/mac';

const field = 'mt-1 block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm font-normal shadow-xs';
const MAC_PATTERN = '^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$';

function numa(node: number | null): string {
  return knownNumaNode(node) ? String(node) : 'unknown';
}

export type VfDialogMode = 'assign' | 'details';

/** A VF opened from the grid. Free: assign it. Assigned: release it. Busy, or a viewer: what it is. */
export function VfDialog({ host, pf, vf, state, mode, canAssign, onClose }: { host: HostView; pf: PfView; vf: VfView | null; state: VfTileState | null; mode: VfDialogMode; canAssign: boolean; onClose: () => void }) {
  const assigning = mode === 'assign';
  const title = vf ? `${assigning ? 'Assign ' : ''}VF ${vf.index} of ${pf.pciAddress}` : '';
  return (
    <Dialog open={vf !== null && state !== null} onClose={onClose} title={title} size={assigning ? 'lg' : 'md'}>
      {vf && state && (assigning ? <AssignForm host={host} pf={pf} vf={vf} state={state} onClose={onClose} /> : <VfDetails host={host} pf={pf} vf={vf} state={state} canAssign={canAssign} onClose={onClose} />)}
    </Dialog>
  );
}

function GuestWords({ state }: { state: VfTileState }) {
  const guest = state.guest;
  if (!guest) return null;
  return (
    <span className="space-y-1">
      <span className={`block font-medium ${guest.state === 'not-seen' ? 'text-rose-800' : ''}`}>{guest.word}</span>
      {guest.detail && <span className="block text-xs text-slate-600">{guest.detail}</span>}
      {guest.cause && <span className="block text-xs text-amber-950">Likely cause: {guest.cause}{guest.drift ? ' (drift: not seen for more than 3 minutes)' : ''}</span>}
      <span className="block text-xs text-slate-500">{NO_LIVE_MIGRATION}</span>
    </span>
  );
}

function Summary({ pf, vf, state }: { pf: PfView; vf: VfView; state: VfTileState }) {
  return (
    <>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-5 gap-y-1">
        {(
          [
            ['State', state.word],
            ...(state.guest ? ([['Guest', <GuestWords key="guest" state={state} />]] as const) : []),
            ['PCI address', <span key="pci" className="font-mono text-xs">{vf.pciAddress}</span>],
            ['Driver', vf.driver ?? 'none'],
            ['MAC', shownMac(vf.mac) ? <span key="mac" className="font-mono text-xs">{shownMac(vf.mac)}</span> : <span key="mac" className="text-slate-500">{UNSET_MAC_WORDS}</span>],
            ['VLAN', vf.vlan ? `${vf.vlan}${vf.qos ? ` (qos ${vf.qos})` : ''}` : '—'],
            ['PF', `${pf.modelName} · NUMA node ${numa(pf.numaNode)}`],
          ] as const
        ).map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-slate-500">{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {state.drift.length > 0 && (
        <div className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950">
          <h3 className="font-semibold">⚠ Drifted from what was asked</h3>
          <ul>
            {state.drift.map((d) => (
              <li key={d.field}>
                {d.field}: wanted {driftValueText(d.desired)}, the agent reports {driftValueText(d.actual)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {state.operation && (
        <div role="status" className="space-y-1 rounded border border-sky-200 bg-sky-50 px-3 py-2 text-sky-950">
          <p className="flex items-center gap-2 font-medium">
            <Spinner /> {state.operation.summary} <OperationBadge status={state.operation.status} />
          </p>
          {state.operation.progress && <p>{state.operation.progress}</p>}
          <p className="text-xs">Other changes to this VF wait until it finishes.</p>
        </div>
      )}
    </>
  );
}

function VfDetails({ host, pf, vf, state, canAssign, onClose }: { host: HostView; pf: PfView; vf: VfView; state: VfTileState; canAssign: boolean; onClose: () => void }) {
  const release = useReleaseVf(host.id);
  const [confirming, setConfirming] = useState(false);
  const assignment = vf.assignment;
  const vm = assignment && host.virtualMachines.find((v) => v.id === assignment.vm.id);
  const mayRelease = canAssign && assignment !== null && !state.operation;

  return (
    <DialogForm onSubmit={(e) => (e.preventDefault(), release.mutate({ vfId: vf.id }, { onSuccess: onClose }))}>
      <DialogBody>
        <Summary pf={pf} vf={vf} state={state} />
        {assignment && (
          <p className="text-slate-700">
            Assigned to <span className="font-semibold">{assignment.vm.name}</span>
            {vm && ` (${vm.state}, NUMA node ${numa(vm.numaNode)})`} by {assignment.assignedBy} on {utcTime(assignment.assignedAt)}.
          </p>
        )}
        {confirming && assignment && (
          <p className="rounded border border-rose-200 bg-rose-50 px-3 py-2 text-rose-950">
            Release VF {vf.index} from <span className="font-semibold">{assignment.vm.name}</span>? libvirt detaches it from the VM now and from its configuration: the VM loses this interface.
          </p>
        )}
        {!canAssign && <p className="text-xs text-slate-500">Assigning and releasing VFs needs the operator or admin role.</p>}
        {release.error && <ErrorNote>{release.error.message}</ErrorNote>}
      </DialogBody>
      <DialogFooter>
        {/* Keys: the click on "Release…" must not land on a reused element that has become the submit button. */}
        {mayRelease && confirming ? (
          <>
            <Button key="keep" onClick={() => setConfirming(false)} autoFocus>
              Keep it
            </Button>
            <Button key="release" type="submit" variant="danger" disabled={release.isPending}>
              {release.isPending && <Spinner />}
              Release VF {vf.index}
            </Button>
          </>
        ) : (
          <>
            <Button key="close" onClick={onClose}>
              Close
            </Button>
            {mayRelease && (
              <Button key="ask" variant="danger" onClick={() => setConfirming(true)}>
                Release…
              </Button>
            )}
          </>
        )}
      </DialogFooter>
    </DialogForm>
  );
}

/** What a MAC left empty means: never zeros, always a MAC the VM keeps. */
function MacHint({ host, pf, vf }: { host: HostView; pf: PfView; vf: VfView }) {
  const { mac, source } = macOnAssign(host, pf, vf);
  if (source === 'kept' && mac) return <>Left empty, the VF keeps the MAC it was given, <span className="font-mono">{mac}</span>.</>;
  if (mac) return <>Left empty, the VF gets its own MAC, <span className="font-mono">{mac}</span>: reserved for it in the fleet, the same at every assignment and reboot.</>;
  return <>Left empty, the VF gets a MAC of its own (locally administered, 02:…): reserved for it in the fleet, the same at every assignment and reboot.</>;
}

function AssignForm({ host, pf, vf, state, onClose }: { host: HostView; pf: PfView; vf: VfView; state: VfTileState; onClose: () => void }) {
  const assign = useAssignVf(host.id);
  const [vmId, setVmId] = useState<string | null>(null);
  const choices = orderVmsForPf(host.virtualMachines, pf.numaNode);
  const chosen = choices.find((c) => c.vm.id === vmId)?.vm ?? null;
  const hintId = useId();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const mac = String(data.get('mac') ?? '').trim();
    const vlan = String(data.get('vlan') ?? '').trim();
    if (!vmId) return;
    assign.mutate({ vfId: vf.id, vmId, ...(mac ? { mac } : {}), ...(vlan ? { vlan: Number(vlan) } : {}) }, { onSuccess: onClose });
  };

  return (
    <DialogForm onSubmit={submit} label={`Assign VF ${vf.index}`}>
      <DialogBody>
        <p className="text-slate-600">
          <span className="font-mono text-xs">{vf.pciAddress}</span> · {state.word} · PF on NUMA node {numa(pf.numaNode)}
        </p>
        {state.drift.length > 0 && <Summary pf={pf} vf={vf} state={state} />}
        <fieldset>
          <legend className="mb-1.5 font-semibold">Virtual machine</legend>
          {choices.length === 0 ? (
            <p className="text-slate-600">The agent reports no VMs on this host.</p>
          ) : (
            <ul className="space-y-1.5">
              {choices.map(({ vm, sameNuma }, i) => (
                <li key={vm.id}>
                  <label className="flex cursor-pointer items-center gap-3 rounded-md border border-slate-200 px-3 py-2 hover:bg-slate-50 has-checked:border-sky-400 has-checked:bg-sky-50">
                    <input type="radio" name="vm" value={vm.id} required checked={vmId === vm.id} onChange={() => setVmId(vm.id)} data-autofocus={i === 0 ? '' : undefined} />
                    <span className="min-w-0 flex-1">
                      <span className="font-medium">{vm.name}</span>
                      <span className="block text-xs text-slate-600">
                        {vm.state} · NUMA node {numa(vm.numaNode)} · {vm._count.assignments} VF{vm._count.assignments === 1 ? '' : 's'}
                      </span>
                    </span>
                    {sameNuma && (
                      <Badge tone="good" icon="✓">
                        same NUMA node
                      </Badge>
                    )}
                  </label>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        {chosen && chosen._count.assignments === 0 && (
          <p role="note" className="rounded border border-amber-300 bg-amber-50 p-2.5 text-sm text-amber-950">
            <span className="font-semibold">{chosen.name} holds no VF yet.</span> Once it holds one through hostdev it cannot be live-migrated: detach its VFs before
            migrating it, or stop it and start it on the other host.
          </p>
        )}
        <div className="grid gap-3 sm:grid-cols-2">
          <label className="block font-medium text-slate-700">
            MAC address <span className="font-normal text-slate-500">(optional)</span>
            <input name="mac" pattern={MAC_PATTERN} placeholder="52:54:00:12:34:56" autoComplete="off" className={`${field} font-mono`} aria-describedby={hintId} />
          </label>
          <label className="block font-medium text-slate-700">
            VLAN <span className="font-normal text-slate-500">(optional)</span>
            <input name="vlan" type="number" min={1} max={4094} placeholder="none" className={field} />
          </label>
        </div>
        <p id={hintId} className="text-xs text-slate-500">
          <MacHint host={host} pf={pf} vf={vf} /> Left empty, the VLAN is none: untagged traffic. A VM on the PF’s NUMA node avoids cross-socket traffic.
        </p>
        {assign.error && <ErrorNote>{assign.error.message}</ErrorNote>}
      </DialogBody>
      <DialogFooter>
        <Button onClick={onClose}>Cancel</Button>
        <Button type="submit" variant="primary" disabled={assign.isPending || choices.length === 0}>
          {assign.isPending && <Spinner />}
          {assign.isPending ? 'Assigning…' : 'Assign'}
        </Button>
      </DialogFooter>
    </DialogForm>
  );
}
