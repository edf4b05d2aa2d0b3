'use client';

import { useId, useState } from 'react';
import { Spinner } from '@/components/ui/status';
import { progressWord, vfTileState, type HostView, type PfView, type VfTileState } from '@/lib/inventory/host-view';
import { shownMac } from '@/lib/inventory/mac';
import type { OperationView } from '@/lib/operations/kinds';
import { VfDialog, type VfDialogMode } from './vf-dialog';

// An assigned VF is what an operator looks for first (which VM has it): a solid tile with the VM's
// name in bold. Free ones are quiet outlines. The word and icon say the state; colour repeats it.
const TONE = {
  free: 'border-slate-300 bg-white text-slate-600 hover:border-slate-400 hover:bg-slate-50',
  vfio: 'border-slate-300 bg-white text-slate-600 hover:border-slate-400 hover:bg-slate-50',
  assigned: 'border-sky-800 bg-sky-700 font-semibold text-white hover:bg-sky-800',
} as const;
const ICON = { free: '◇', vfio: '◆', assigned: '▣' } as const;
const GUEST_ICON = { seen: '✓', 'not-seen': '✕', unknown: '?' } as const;

function tileWord(state: VfTileState): string {
  if (state.operation) return `${progressWord(state.operation.kind)}…`;
  if (state.base === 'assigned') return state.vmName ?? '';
  return state.base === 'vfio' ? 'free · vfio-pci' : 'free';
}

function VfTile({ vf, state, onOpen }: { vf: PfView['virtualFunctions'][number]; state: VfTileState; onOpen: () => void }) {
  const drifted = state.drift.length > 0;
  const title = [
    `VF ${vf.index} · ${vf.pciAddress} · ${vf.driver ?? 'no driver'}${shownMac(vf.mac) ? ` · MAC ${vf.mac}` : ' · no MAC set'}${vf.vlan ? ` · VLAN ${vf.vlan}` : ''}`,
    state.operation && state.operation.summary,
    state.guest && `Guest: ${state.guest.word}${state.guest.cause ? ` — likely cause: ${state.guest.cause}` : ''}`,
    ...state.drift.map((d) => `Drift: ${d.field} wanted ${String(d.desired ?? 'unset')}, reported ${String(d.actual ?? 'unset')}`),
  ]
    .filter(Boolean)
    .join('\n');
  const guestId = useId();
  return (
    <li>
      {state.guest && (
        <span id={guestId} hidden>
          {state.guest.word}
        </span>
      )}
      <button
        type="button"
        aria-label={state.label}
        aria-describedby={state.guest ? guestId : undefined}
        title={title}
        onClick={onOpen}
        className={`flex w-full items-center gap-1.5 rounded border px-2 py-1 text-left text-xs ${TONE[state.base]} ${drifted ? 'ring-2 ring-amber-400' : ''} ${state.operation ? 'border-dashed' : ''}`}
      >
        <span className="font-mono font-semibold tabular-nums">{vf.index}</span>
        {state.operation ? <Spinner className={state.base === 'assigned' ? 'text-white' : 'text-sky-700'} /> : <span aria-hidden>{ICON[state.base]}</span>}
        <span className="min-w-0 flex-1 truncate">{tileWord(state)}</span>
        {state.guest && !state.operation && (
          <span aria-hidden title={state.guest.word} className={state.guest.state === 'not-seen' ? 'font-bold text-amber-300' : ''}>
            {GUEST_ICON[state.guest.state]}
          </span>
        )}
        {drifted && (
          <span aria-hidden className={`font-bold ${state.base === 'assigned' ? 'text-amber-300' : 'text-amber-700'}`}>
            ⚠
          </span>
        )}
      </button>
    </li>
  );
}

/** One PF's VFs as tiles; a click opens the VF: assign when free, release when assigned, details for viewers. */
export function VfGrid({ host, pf, activeByVf, canAssign }: { host: HostView; pf: PfView; activeByVf: Map<string, OperationView>; canAssign: boolean }) {
  // The dialog's mode is fixed when it opens: a VF that turns "in progress" under an open assign
  // form keeps the form, and the server's answer (409) says why it cannot be done.
  const [opened, setOpened] = useState<{ id: string; mode: VfDialogMode } | null>(null);
  const states = new Map(pf.virtualFunctions.map((vf) => [vf.id, vfTileState(vf, activeByVf.get(vf.id) ?? null, host.drift, pf.vfDriver)]));
  const open = pf.virtualFunctions.find((vf) => vf.id === opened?.id);
  const openState = open && states.get(open.id);
  const openTile = (vf: PfView['virtualFunctions'][number]) => {
    const state = states.get(vf.id);
    setOpened({ id: vf.id, mode: canAssign && state && state.base !== 'assigned' && !state.operation ? 'assign' : 'details' });
  };

  return (
    <>
      {/* 2, 4 or 8 columns by the card's width: VF counts are mostly powers of two, so rows fill evenly (8 tiles never wrap 7 + 1). */}
      <div className="@container">
        <ul aria-label={`VFs of ${pf.pciAddress}`} className="grid grid-cols-2 gap-1.5 @md:grid-cols-4 @5xl:grid-cols-8">
          {pf.virtualFunctions.map((vf) => (
            <VfTile key={vf.id} vf={vf} state={states.get(vf.id)!} onOpen={() => openTile(vf)} />
          ))}
        </ul>
      </div>
      <p className="mt-2 text-xs text-slate-500">
        ▣ filled: assigned to the VM named, then ✓ seen by its guest, ✕ not seen, ? unknown · ◇ free · ◆ free, bound to vfio-pci · ⚠ drifted · dashed: a change is in progress.{' '}
        {canAssign ? 'Click a free VF to assign it, an assigned one to release it.' : 'Click a VF for its details.'}
      </p>
      <VfDialog host={host} pf={pf} vf={open ?? null} state={openState ?? null} mode={opened?.mode ?? 'details'} canAssign={canAssign} onClose={() => setOpened(null)} />
    </>
  );
}
