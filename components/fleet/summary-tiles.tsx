'use client';

import Link from 'next/link';
import type { ReactNode } from 'react';
import { useFleetSummary } from '@/hooks/use-fleet';
import type { FleetSummary } from '@/lib/inventory/fleet';

const TILE = 'block rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-xs';

function Figure({ label, value, tone = 'default' }: { label: string; value: number | string; tone?: 'default' | 'alert' }) {
  return (
    <>
      <div className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</div>
      <div className={`mt-1 text-3xl font-semibold tabular-nums ${tone === 'alert' && value !== 0 ? 'text-rose-700' : 'text-slate-900'}`}>{value}</div>
    </>
  );
}

function Tile({ label, value, sub, href, tone }: { label: string; value: number | string; sub?: string; href?: string; tone?: 'default' | 'alert' }) {
  const body = (
    <>
      <Figure label={label} value={value} tone={tone} />
      {sub && <div className="mt-0.5 text-xs text-slate-500">{sub}</div>}
    </>
  );
  return href ? (
    <Link href={href} className={`${TILE} transition hover:border-sky-400 hover:shadow-sm`}>
      {body}
    </Link>
  ) : (
    <div className={TILE}>{body}</div>
  );
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Hosts someone must look at: those whose readiness chain fails, and those whose agent is offline
 * or was never seen (their readiness cannot even be judged). Each part opens the fleet filtered to it.
 */
function AttentionTile({ s }: { s: FleetSummary | undefined }) {
  const notReporting = s ? s.agents.offline + s.agents.neverSeen : 0;
  const part = (href: string, text: ReactNode) => (
    <Link href={href} className="text-sky-800 underline-offset-2 hover:underline">
      {text}
    </Link>
  );
  return (
    <section aria-label="Needing attention" className={TILE}>
      <Figure label="Needing attention" value={s?.hostsNeedingAttention ?? '–'} tone="alert" />
      {s && (
        <ul className="mt-0.5 space-y-0.5 text-xs text-slate-600">
          <li>{part('/?readiness=not-ready', `${s.notReadyHosts} not ready`)}</li>
          <li>{part('/?agent=not-reporting', `${plural(notReporting, 'agent')} offline or never seen`)}</li>
        </ul>
      )}
    </section>
  );
}

export function SummaryTiles() {
  const { data, error } = useFleetSummary();
  if (error) return <p role="alert" className="rounded border border-rose-300 bg-rose-50 p-3 text-sm text-rose-800">Fleet summary unavailable: {error.message}</p>;
  const s = data;
  const dash = '–';
  return (
    <section aria-label="Fleet summary" className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-7">
      <Tile label="Hosts" value={s?.hosts ?? dash} sub={s ? `${plural(s.agents.online, 'agent')} reporting` : undefined} />
      <Tile label="SR-IOV ready" value={s?.readyHosts ?? dash} sub={s ? `${s.unknownHosts} not yet known` : undefined} href="/?readiness=ready" />
      <AttentionTile s={s} />
      <Tile label="VFs enabled" value={s?.vfs.enabled ?? dash} sub={s ? `of ${s.vfs.capacity} possible` : undefined} />
      <Tile label="VFs assigned" value={s?.vfs.assigned ?? dash} sub="to VMs" />
      <Tile label="VFs free" value={s?.vfs.free ?? dash} sub="enabled, not assigned" />
      <Tile
        label="Not seen by guest"
        value={s?.guests?.notSeen ?? dash}
        sub={s?.guests ? `assigned VFs their guest does not show · ${s.guests.drifted} for over 3 min` : undefined}
        href="/vms"
        tone="alert"
      />
    </section>
  );
}
