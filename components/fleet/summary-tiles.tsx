'use client';

import Link from 'next/link';
import { useFleetSummary } from '@/hooks/use-fleet';

function Tile({ label, value, sub, href, tone = 'default' }: { label: string; value: number | string; sub?: string; href?: string; tone?: 'default' | 'alert' }) {
  const body = (
    <>
      <div className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</div>
      <div className={`mt-1 text-3xl font-semibold tabular-nums ${tone === 'alert' && value !== 0 ? 'text-rose-700' : 'text-slate-900'}`}>{value}</div>
      {sub && <div className="mt-0.5 text-xs text-slate-500">{sub}</div>}
    </>
  );
  const cls = 'block rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-xs';
  return href ? (
    <Link href={href} className={`${cls} transition hover:border-sky-400 hover:shadow-sm`}>
      {body}
    </Link>
  ) : (
    <div className={cls}>{body}</div>
  );
}

export function SummaryTiles() {
  const { data, error } = useFleetSummary();
  if (error) return <p role="alert" className="rounded border border-rose-300 bg-rose-50 p-3 text-sm text-rose-800">Fleet summary unavailable: {error.message}</p>;
  const s = data;
  const dash = '–';
  return (
    <section aria-label="Fleet summary" className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
      <Tile label="Hosts" value={s?.hosts ?? dash} sub={s ? `${s.offlineAgents} agent${s.offlineAgents === 1 ? '' : 's'} offline` : undefined} />
      <Tile label="SR-IOV ready" value={s?.readyHosts ?? dash} sub={s ? `${s.unknownHosts} not yet known` : undefined} href="/?readiness=ready" />
      <Tile label="Needing action" value={s?.hostsNeedingAction ?? dash} sub={s ? `${s.notReadyHosts} not ready` : undefined} href="/?readiness=not-ready" tone="alert" />
      <Tile label="VFs enabled" value={s?.vfs.enabled ?? dash} sub={s ? `of ${s.vfs.capacity} possible` : undefined} />
      <Tile label="VFs assigned" value={s?.vfs.assigned ?? dash} sub="to VMs" />
      <Tile label="VFs free" value={s?.vfs.free ?? dash} sub="enabled, not assigned" />
    </section>
  );
}
