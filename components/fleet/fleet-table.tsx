'use client';

import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { useDebouncedInput } from '@/hooks/use-debounced-input';
import { useFleetHosts } from '@/hooks/use-fleet';
import { useSession } from '@/hooks/use-session';
import { can } from '@/lib/auth/permissions';
import { AGENT_FILTERS, type AgentFilter, type FleetQuery, type FleetRow, type FleetSortKey } from '@/lib/inventory/fleet';
import { fleetQueryFromParams, fleetSearchParams } from '@/lib/inventory/fleet-params';
import { READINESS_VERDICTS, type ReadinessVerdict } from '@/lib/inventory/readiness';
import { SERVER_GENERATIONS } from '@/lib/inventory/vocabulary';
import { AgentBadge, VerdictBadge } from '@/components/ui/status';
import { Button } from '@/components/ui/button';
import { LabelDialog } from './label-dialog';
import { ReadinessChips } from './readiness-chips';

const VERDICT_LABEL: Record<ReadinessVerdict, string> = { ready: 'Ready', 'not-ready': 'Not ready', unknown: 'Unknown' };
const AGENT_LABEL: Record<AgentFilter, string> = { online: 'Online', offline: 'Offline', 'never-seen': 'Never seen', 'not-reporting': 'Offline or never seen' };

const COLUMNS: { key: FleetSortKey; label: string; numeric?: boolean; title?: string }[] = [
  { key: 'name', label: 'Host' },
  { key: 'model', label: 'Model', title: 'Sorted by generation, then model; the host’s labels under it' },
  { key: 'ilo', label: 'iLO' },
  { key: 'readiness', label: 'Readiness' },
  { key: 'pfs', label: 'PFs', numeric: true, title: 'Physical functions (SR-IOV capable / all)' },
  { key: 'vfsAssigned', label: 'VFs used', numeric: true, title: 'VFs assigned to VMs' },
  { key: 'vfsEnabled', label: 'Enabled', numeric: true, title: 'VFs enabled (sriov_numvfs)' },
  { key: 'vfsCapacity', label: 'Max', numeric: true, title: 'VFs possible (sum of sriov_totalvfs)' },
  { key: 'vms', label: 'VMs', numeric: true },
  { key: 'agent', label: 'Agent' },
];

/** Keeps the query in the URL without a server round trip (Next syncs useSearchParams). */
function useFleetQuery(): [FleetQuery, (change: Partial<FleetQuery>) => void] {
  const searchParams = useSearchParams();
  const query = fleetQueryFromParams(searchParams);
  const update = (change: Partial<FleetQuery>) => {
    // Read the URL now, not the render's copy: a debounced search may land after a filter change.
    const current = fleetQueryFromParams(new URLSearchParams(window.location.search));
    const next = { ...current, page: 1, ...change };
    const params = fleetSearchParams(next).toString();
    window.history.replaceState(null, '', params ? `?${params}` : window.location.pathname);
  };
  return [query, update];
}

function SearchBox({ label, placeholder, value, onChange }: { label: string; placeholder: string; value: string; onChange: (q: string) => void }) {
  const [text, type] = useDebouncedInput(value, onChange, 250);
  return (
    <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
      {label}
      <input
        type="search"
        value={text}
        onChange={(e) => type(e.target.value)}
        placeholder={placeholder}
        className="w-56 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-normal text-slate-900 shadow-xs placeholder:text-slate-400"
      />
    </label>
  );
}

function Select<T extends string>({ label, value, options, onChange }: { label: string; value: T | undefined; options: readonly { value: T; label: string }[]; onChange: (v: T | undefined) => void }) {
  return (
    <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
      {label}
      <select
        value={value ?? ''}
        onChange={(e) => onChange((e.target.value || undefined) as T | undefined)}
        className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm font-normal text-slate-900 shadow-xs"
      >
        <option value="">All</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function HostRow({ host, selected, onSelect }: { host: FleetRow; selected?: boolean; onSelect?: (on: boolean) => void }) {
  const router = useRouter();
  const href = `/hosts/${host.id}`;
  const labels = Object.entries(host.labels);
  return (
    <tr className={`cursor-pointer border-t border-slate-100 hover:bg-sky-50/60 ${selected ? 'bg-sky-50' : ''}`} onClick={(e) => (e.target as HTMLElement).closest('a, input') || router.push(href)}>
      <th scope="row" className="px-2 py-2 text-left font-medium whitespace-nowrap">
        {onSelect && <input type="checkbox" aria-label={`Select ${host.name}`} checked={selected} onChange={(e) => onSelect(e.target.checked)} className="mr-2 align-middle" />}
        <Link href={href} className="text-sky-800 hover:underline">
          {host.name}
        </Link>
      </th>
      {/* Labels under the model: one more column would not fit at 1280 px. */}
      <td className="px-2 py-2 text-slate-700">
        <span className="whitespace-nowrap">{host.model.replace(/^ProLiant /, '')}</span>
        {labels.length > 0 && (
          <span className="mt-1 flex max-w-48 flex-wrap gap-1">
            {labels.map(([k, v]) => (
              <span key={k} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] whitespace-nowrap text-slate-700">
                {k}={v}
              </span>
            ))}
          </span>
        )}
      </td>
      <td className="px-2 py-2 whitespace-nowrap text-slate-700">{host.ilo ? `${host.ilo.generation} ${host.ilo.firmwareVersion ?? ''}` : '—'}</td>
      <td className="px-2 py-2">
        <div className="flex items-center gap-2">
          <span className="w-[5.5rem] shrink-0">
            <VerdictBadge verdict={host.readiness.verdict} />
          </span>
          <ReadinessChips links={host.readiness.links} />
        </div>
      </td>
      <td className="px-2 py-2 text-right tabular-nums">
        {host.pfs.sriovCapable} / {host.pfs.total}
      </td>
      <td className="px-2 py-2 text-right tabular-nums">{host.vfs.assigned}</td>
      <td className="px-2 py-2 text-right tabular-nums">{host.vfs.enabled}</td>
      <td className="px-2 py-2 text-right tabular-nums">{host.vfs.capacity}</td>
      <td className="px-2 py-2 text-right tabular-nums">{host.vms}</td>
      <td className="px-2 py-2">
        <AgentBadge status={host.agent.status} lastSeenAt={host.agent.lastSeenAt} />
      </td>
    </tr>
  );
}

export function FleetTable() {
  const [query, update] = useFleetQuery();
  const { data, error, isFetching, isPlaceholderData } = useFleetHosts(query);
  const setQ = (q: string) => update({ q: q || undefined });
  const session = useSession();
  const canLabel = session ? can(session.role, 'host:label') : false;
  // Kept across pages and filters: a selection is built up, then labelled at once.
  const [selected, setSelected] = useState<Map<string, string>>(new Map());
  const [labelling, setLabelling] = useState(false);
  const select = (host: FleetRow, on: boolean) =>
    setSelected((before) => {
      const next = new Map(before);
      if (on) next.set(host.id, host.name);
      else next.delete(host.id);
      return next;
    });
  const pageHosts = data?.hosts ?? [];
  const allOnPage = pageHosts.length > 0 && pageHosts.every((h) => selected.has(h.id));

  return (
    <section aria-label="Hosts" className="rounded-lg border border-slate-200 bg-white shadow-xs">
      <div className="flex flex-wrap items-end gap-4 border-b border-slate-200 px-4 py-3">
        <SearchBox label="Search by name" placeholder="e.g. kvm-a0" value={query.q ?? ''} onChange={setQ} />
        <SearchBox label="Labels" placeholder="role=kvm, rack" value={query.label ?? ''} onChange={(label) => update({ label: label || undefined })} />
        <Select label="Readiness" value={query.readiness} options={READINESS_VERDICTS.map((v) => ({ value: v, label: VERDICT_LABEL[v] }))} onChange={(readiness) => update({ readiness })} />
        <Select label="Generation" value={query.generation} options={SERVER_GENERATIONS.map((g) => ({ value: g, label: g }))} onChange={(generation) => update({ generation })} />
        <Select label="Agent" value={query.agent} options={AGENT_FILTERS.map((a) => ({ value: a, label: AGENT_LABEL[a] }))} onChange={(agent) => update({ agent })} />
        <p className="ml-auto text-sm text-slate-500" aria-live="polite">
          {data ? `${data.total} host${data.total === 1 ? '' : 's'}` : 'Loading…'}
          {isFetching && data ? ' · updating' : ''}
        </p>
      </div>
      {canLabel && selected.size > 0 && (
        <div role="toolbar" aria-label="Selected hosts" className="flex flex-wrap items-center gap-3 border-b border-slate-200 bg-sky-50 px-4 py-2 text-sm">
          <span className="font-medium">{selected.size} selected</span>
          <Button size="sm" variant="primary" onClick={() => setLabelling(true)}>
            Label…
          </Button>
          <Button size="sm" onClick={() => setSelected(new Map())}>
            Clear selection
          </Button>
        </div>
      )}
      <LabelDialog hosts={[...selected].map(([id, name]) => ({ id, name }))} open={labelling} onClose={() => setLabelling(false)} onDone={() => setSelected(new Map())} />
      {error && (
        <p role="alert" className="m-4 rounded border border-rose-300 bg-rose-50 p-3 text-sm text-rose-800">
          Could not load hosts: {error.message}
        </p>
      )}
      <div className="overflow-x-auto">
        <table aria-busy={isFetching} className={`w-full text-sm transition-opacity ${isPlaceholderData ? 'opacity-60' : ''}`}>
          <thead className="bg-slate-50 text-left text-xs text-slate-600">
            <tr>
              {COLUMNS.map((c) => {
                const active = query.sort === c.key;
                const ariaSort = active ? (query.dir === 'asc' ? 'ascending' : 'descending') : 'none';
                return (
                  <th key={c.key} aria-sort={ariaSort} className={`px-2 py-2 font-semibold whitespace-nowrap ${c.numeric ? 'text-right' : ''}`}>
                    {c.key === 'name' && canLabel && (
                      <input
                        type="checkbox"
                        aria-label="Select the hosts on this page"
                        checked={allOnPage}
                        onChange={(e) => {
                          for (const h of pageHosts) select(h, e.target.checked);
                        }}
                        className="mr-2 align-middle"
                      />
                    )}
                    <button
                      type="button"
                      title={c.title}
                      onClick={() => update({ sort: c.key, dir: active && query.dir === 'asc' ? 'desc' : 'asc' })}
                      className={`inline-flex items-center gap-1 whitespace-nowrap uppercase hover:text-slate-900 ${active ? 'text-slate-900' : ''}`}
                    >
                      {c.label}
                      <span aria-hidden className={active ? '' : 'text-slate-300'}>
                        {active ? (query.dir === 'asc' ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {data?.hosts.map((host) => <HostRow key={host.id} host={host} {...(canLabel ? { selected: selected.has(host.id), onSelect: (on: boolean) => select(host, on) } : {})} />)}
            {data && data.hosts.length === 0 && (
              <tr>
                <td colSpan={COLUMNS.length} className="px-3 py-10 text-center text-slate-500">
                  No host matches these filters.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div className="flex flex-wrap items-center justify-between gap-3 border-t border-slate-200 px-4 py-2 text-xs text-slate-500">
        <p>
          VFs used = assigned to VMs; Enabled = sriov_numvfs; Max = sum of sriov_totalvfs. Readiness chain: NIC = SR-IOV capable NIC · BIOS = Sriov, VT-d/AMD IOMMU, VT-x · FW = NIC firmware allows VFs · IOMMU = kernel IOMMU active · VFIO = kvm and vfio-pci loaded · DRV = PF and VF drivers. ✓ ok, ✕ failing, ? unknown.
        </p>
        {data && data.pageCount > 1 && (
          <nav aria-label="Pages" className="flex items-center gap-2">
            <button type="button" disabled={query.page <= 1} onClick={() => update({ page: query.page - 1 })} className="rounded border border-slate-300 px-2 py-1 disabled:opacity-40">
              Previous
            </button>
            <span>
              Page {data.page} of {data.pageCount}
            </span>
            <button type="button" disabled={query.page >= data.pageCount} onClick={() => update({ page: query.page + 1 })} className="rounded border border-slate-300 px-2 py-1 disabled:opacity-40">
              Next
            </button>
          </nav>
        )}
      </div>
    </section>
  );
}
