'use client';

import { Words } from '@/components/ui/words';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { Badge, LINK_STATUS_TEXT } from '@/components/ui/status';
import { NO_LIVE_MIGRATION, type GuestVfVerdict } from '@/lib/inventory/guest';
import { TableHead } from '@/components/ui/table';
import { useDebouncedInput } from '@/hooks/use-debounced-input';
import { useVms } from '@/hooks/use-vms';
import { knownNumaNode, vmFilterFromParams, vmSearchParams, type VmFilter } from '@/lib/inventory/host-view';
import type { VmRow } from '@/lib/inventory/vms';

const control = 'rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm font-normal text-slate-900 shadow-xs';

/** The filter lives in the URL (shareable, kept on reload) without a server round trip. */
function useVmFilter(): [VmFilter, (change: Partial<VmFilter>) => void] {
  const filter = vmFilterFromParams(useSearchParams());
  // A new filter starts again at its first page.
  const update = (change: Partial<VmFilter>) => {
    const next = { ...vmFilterFromParams(new URLSearchParams(window.location.search)), page: undefined, ...change };
    const params = vmSearchParams(next).toString();
    window.history.replaceState(null, '', params ? `?${params}` : window.location.pathname);
  };
  return [filter, update];
}

function SearchBox({ value, onChange }: { value: string; onChange: (q: string) => void }) {
  const [text, type] = useDebouncedInput(value, onChange, 250);
  return (
    <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
      Search VMs and hosts
      <input
        type="search"
        value={text}
        onChange={(e) => type(e.target.value)}
        placeholder="e.g. vnf-fw"
        className={`w-56 ${control} placeholder:text-slate-400`}
      />
    </label>
  );
}

const numa = (node: number | null) => (knownNumaNode(node) ? String(node) : '—');

const GUEST_LOOK = { seen: { icon: '✓', tone: 'good' }, 'not-seen': { icon: '✕', tone: 'bad' }, unknown: { icon: '?', tone: 'neutral' } } as const;

function GuestCell({ guest }: { guest: GuestVfVerdict }) {
  const look = GUEST_LOOK[guest.state];
  // The cause is under the VM's name (its seventh link's fix); here it is the cell's tooltip, so the table fits 1280 px.
  const title = [guest.detail, guest.cause && `Likely cause: ${guest.cause}`].filter(Boolean).join('\n');
  return (
    <span className={`${guest.state === 'not-seen' ? 'font-medium text-rose-800' : guest.state === 'seen' ? 'text-emerald-800' : 'text-slate-600'}`} title={title}>
      <span aria-hidden>{look.icon}</span> {guest.word}
      {guest.drift && (
        <span className="ml-1 inline-block">
          <Badge tone="warn" icon="⚠" title={title}>
            drift
          </Badge>
        </span>
      )}
    </span>
  );
}

/** Under the VM's state: its guest OS, the seventh link, and what holding a VF costs it. */
function GuestSummary({ vm }: { vm: VmRow }) {
  const link = vm.guestLink;
  const s = LINK_STATUS_TEXT[link.status];
  return (
    <div className="mt-1 max-w-[10rem] space-y-1 text-xs font-normal [overflow-wrap:anywhere] text-slate-600">
      {vm.guestOs && (
        <p>
          {vm.guestOs}
          {vm.guestKernel ? ` · ${vm.guestKernel}` : ''}
        </p>
      )}
      <p aria-label={`7. ${link.label}: ${s.word}`} title={link.detail}>
        <span aria-hidden>{s.icon}</span> 7. {link.label}: {s.word}
      </p>
      {link.status === 'failing' && link.fix && <p className="rounded bg-amber-50 px-1.5 py-1 text-amber-950">{link.fix}</p>}
      {link.status === 'unknown' && link.fix && (
        // The install steps are long (packages, the channel XML): the tooltip has them whole.
        <p className="rounded bg-amber-50 px-1.5 py-1 text-amber-950" title={link.fix}>
          No guest agent: install qemu-guest-agent and give the VM its channel.
        </p>
      )}
      {vm.vfs.length > 0 && (
        <p title={NO_LIVE_MIGRATION} className="font-medium text-slate-700">
          no live migration (holds a VF)
        </p>
      )}
    </div>
  );
}

function VmRows({ vm }: { vm: VmRow }) {
  const span = Math.max(1, vm.vfs.length);
  const vmCells = (
    <>
      <th scope="row" rowSpan={span} className="px-3 py-1.5 text-left align-top font-medium whitespace-nowrap">
        {vm.name}
      </th>
      <td rowSpan={span} className="px-3 py-1.5 align-top whitespace-nowrap">
        <Link href={`/hosts/${vm.host.id}`} className="text-sky-800 hover:underline">
          {vm.host.name}
        </Link>
      </td>
      <td rowSpan={span} className="px-3 py-1.5 align-top">
        <span className="whitespace-nowrap">{vm.state}</span>
        {vm.vfs.length > 0 && <GuestSummary vm={vm} />}
      </td>
      <td rowSpan={span} className="px-3 py-1.5 align-top tabular-nums">
        {numa(vm.numaNode)}
      </td>
    </>
  );
  if (vm.vfs.length === 0) {
    return (
      <tr className="border-t border-slate-200">
        {vmCells}
        <td colSpan={6} className="px-3 py-1.5 text-slate-400">
          no VFs
        </td>
      </tr>
    );
  }
  return (
    <>
      {vm.vfs.map((vf, i) => {
        const far = vf.crossNuma;
        return (
          <tr key={vf.id} className={i === 0 ? 'border-t border-slate-200' : 'border-t border-slate-100'}>
            {i === 0 && vmCells}
            <td className="px-3 py-1.5 whitespace-nowrap">
              VF {vf.index} <span className="font-mono text-xs text-slate-500">{vf.pciAddress}</span>
            </td>
            <td className="px-3 py-1.5 font-mono text-xs">{vf.pf.pciAddress}</td>
            <td className="min-w-[12rem] px-3 py-1.5">
              <Words text={vf.pf.modelName} />
            </td>
            <td className="px-3 py-1.5 tabular-nums">
              {numa(vf.pf.numaNode)}
              {far && (
                // Under the number when the column is narrow: the table must fit a 1280 px screen.
                <span className="ml-2 inline-block">
                  <Badge tone="warn" icon="⚠" title={`The VM runs on NUMA node ${vm.numaNode}; this VF's NIC is on node ${vf.pf.numaNode}.`}>
                    other NUMA node
                  </Badge>
                </span>
              )}
            </td>
            {/* The guest is matched by this MAC, so what it sees sits under it (a column of its own would not fit 1280 px). */}
            <td className="max-w-[9.5rem] px-3 py-1.5">
              <span className="font-mono text-xs">{vf.mac ?? <span className="font-sans text-slate-500">none set</span>}</span>
              <span className="block text-xs">
                <GuestCell guest={vf.guest} />
              </span>
            </td>
            <td className="px-3 py-1.5 tabular-nums">{vf.vlan ?? '—'}</td>
          </tr>
        );
      })}
    </>
  );
}

export function VmList({ hosts }: { hosts: { id: string; name: string }[] }) {
  const [filter, update] = useVmFilter();
  const { data, error, isFetching, isPlaceholderData } = useVms(filter);
  const farOnly = filter.placement === 'cross-numa';
  const shown = data?.vms ?? [];
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

  return (
    <section aria-label="Virtual machines" className="rounded-lg border border-slate-200 bg-white shadow-xs">
      <div className="flex flex-wrap items-end gap-4 border-b border-slate-200 px-4 py-3">
        <SearchBox value={filter.q ?? ''} onChange={(q) => update({ q: q.trim() || undefined })} />
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          Host
          <select value={filter.hostId ?? ''} onChange={(e) => update({ hostId: e.target.value || undefined })} className={control}>
            <option value="">All hosts</option>
            {hosts.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-2 pb-1.5 text-sm text-slate-700">
          <input type="checkbox" checked={farOnly} onChange={(e) => update({ placement: e.target.checked ? 'cross-numa' : undefined })} />
          Only VMs with a VF on another NUMA node
        </label>
        <p className="ml-auto text-sm text-slate-500" aria-live="polite">
          {data ? `${plural(data.total, 'VM')} · ${plural(data.vfs, 'VF')} · ${data.crossNumaVfs} on another NUMA node` : 'Loading…'}
          {isFetching && data ? ' · updating' : ''}
        </p>
      </div>
      {error && (
        <p role="alert" className="m-4 rounded border border-rose-300 bg-rose-50 p-3 text-sm text-rose-800">
          Could not load VMs: {error.message}
        </p>
      )}
      <div className="overflow-x-auto">
        <table aria-busy={isFetching} className={`w-full text-sm transition-opacity ${isPlaceholderData ? 'opacity-60' : ''}`}>
          <TableHead columns={['VM', 'Host', 'State', 'VM NUMA', 'VF', 'PF', 'NIC', 'PF NUMA', 'MAC · guest', 'VLAN']} cellClassName="px-3 py-2" />
          <tbody>
            {shown.map((vm) => (
              <VmRows key={vm.id} vm={vm} />
            ))}
            {data && shown.length === 0 && (
              <tr>
                <td colSpan={10} className="px-3 py-10 text-center text-slate-500">
                  {farOnly ? 'No VM here holds a VF on another NUMA node.' : 'No VM matches these filters.'}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {data && data.pageCount > 1 && (
        <nav aria-label="Pages" className="flex items-center justify-end gap-2 border-t border-slate-200 px-4 py-2 text-xs text-slate-500">
          <span>
            VMs {(data.page - 1) * data.pageSize + 1}–{(data.page - 1) * data.pageSize + shown.length} of {data.total}
          </span>
          <button type="button" disabled={data.page <= 1} onClick={() => update({ page: data.page - 1 })} className="rounded border border-slate-300 px-2 py-1 disabled:opacity-40">
            Previous
          </button>
          <span>
            Page {data.page} of {data.pageCount}
          </span>
          <button type="button" disabled={data.page >= data.pageCount} onClick={() => update({ page: data.page + 1 })} className="rounded border border-slate-300 px-2 py-1 disabled:opacity-40">
            Next
          </button>
        </nav>
      )}
    </section>
  );
}
