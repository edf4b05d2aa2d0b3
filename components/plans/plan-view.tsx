'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { usePlan, usePlanFreshness, useStartRollout, type StoredPlan } from '@/hooks/use-policies';
import { useSession } from '@/hooks/use-session';
import { can } from '@/lib/auth/permissions';
import { rolloutOptionsSchema, type RolloutOptions } from '@/lib/rollouts/options';
import type { HostPlan, PlanChange } from '@/lib/policies/plan';
import { HOST_PLAN_TEXT, seconds } from '@/lib/policies/words';
import { Badge, utcTime } from '@/components/ui/status';
import { Button, ErrorNote } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Dialog, DialogBody, DialogFooter, DialogForm } from '@/components/ui/dialog';
import { TableHead } from '@/components/ui/table';

type Filter = 'all' | 'changes' | 'reboots' | 'refused';
const FILTERS: { value: Filter; label: string; keep: (h: HostPlan) => boolean }[] = [
  { value: 'all', label: 'All hosts', keep: () => true },
  { value: 'changes', label: 'Only hosts that change', keep: (h) => h.changes.length > 0 || h.status === 'refused' },
  { value: 'reboots', label: 'Only reboots', keep: (h) => h.reboot.needed },
  { value: 'refused', label: 'Only refused', keep: (h) => h.status === 'refused' || h.changes.some((c) => c.status === 'refused') },
];
const PAGE = 50;

const value = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'object' ? Object.entries(v).map(([k, x]) => `${k} ${String(x)}`).join(', ') : String(v));

const CHANGE_KIND: Record<PlanChange['kind'], string> = {
  bios: 'BIOS',
  'kernel-args': 'Kernel arguments',
  'vfio-at-boot': 'vfio-pci at boot',
  'vf-count': 'VF count',
  'vf-driver': 'VF driver',
  'vf-settings': 'VF settings',
  'vf-mac': 'VF MACs',
};

function Totals({ plan }: { plan: StoredPlan }) {
  const t = plan.totals;
  const tiles: [string, string | number, 'bad' | 'warn' | null][] = [
    ['Hosts matched', t.hostsMatched, null],
    ['Hosts that change', t.hostsChanged, null],
    ['Reboots', t.reboots, t.reboots ? 'warn' : null],
    ['VMs affected', t.vmsAffected, t.vmsAffected ? 'warn' : null],
    ['Hosts refused', t.hostsRefused, t.hostsRefused ? 'bad' : null],
    ['Not reported', t.hostsUnknown, null],
    ['Estimated time', seconds(t.estimatedSeconds), null],
  ];
  return (
    <dl aria-label="Plan totals" className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-7">
      {tiles.map(([label, n, tone]) => (
        <div key={label} className={`rounded-lg border bg-white px-3 py-2 ${tone === 'bad' ? 'border-rose-300' : tone === 'warn' ? 'border-amber-300' : 'border-slate-200'}`}>
          <dt className="text-xs text-slate-500">{label}</dt>
          <dd className="text-lg font-semibold tabular-nums">{n}</dd>
        </div>
      ))}
    </dl>
  );
}

function HostBlock({ host }: { host: HostPlan }) {
  const status = HOST_PLAN_TEXT[host.status];
  return (
    <section aria-label={host.hostName} className="rounded-lg border border-slate-200 bg-white">
      <header className="flex flex-wrap items-center gap-2 border-b border-slate-100 px-4 py-2">
        <Link href={`/hosts/${host.hostId}`} className="font-semibold text-sky-700 hover:underline">
          {host.hostName}
        </Link>
        <span className="text-xs text-slate-500">
          {host.model} · {host.policies.map((p) => `${p.name} v${p.version}`).join(', ')}
        </span>
        <Badge tone={status.tone}>{status.word}</Badge>
        {host.reboot.needed && <Badge tone="warn">Reboots</Badge>}
        <span className="ml-auto text-xs text-slate-500">{host.changes.length > 0 && (host.estimatedSeconds === null ? (host.estimateNote ?? 'no estimate yet') : `about ${seconds(host.estimatedSeconds)}`)}</span>
      </header>
      {host.status === 'unknown' && <p className="px-4 py-2 text-sm text-slate-600">{host.unknownReason ?? 'Not reported.'}</p>}
      {host.reboot.needed && (
        <p className="px-4 pt-2 text-sm text-amber-900">
          Reboots for {host.reboot.why.join('; ')}.{' '}
          {host.reboot.vmsGoingDown.length > 0 ? <strong>VMs going down: {host.reboot.vmsGoingDown.join(', ')}.</strong> : 'No running VM goes down.'}
        </p>
      )}
      {host.vmsLosingVfs.length > 0 && (
        <p className="px-4 pt-2 text-sm font-medium text-rose-800">
          VMs losing VFs: {host.vmsLosingVfs.map((v) => `${v.vm} (${v.vfs.join(', ')})`).join('; ')}
        </p>
      )}
      {host.staged.length > 0 && <p className="px-4 pt-2 text-sm text-slate-600">Staged in the BIOS, applied at the next reboot: {host.staged.map((s) => `${s.attribute}=${s.value}`).join(', ')}</p>}
      {host.changes.length > 0 && (
        <table className="mt-2 min-w-full text-sm" aria-label={`Changes on ${host.hostName}`}>
          <TableHead columns={['Change', 'Target', 'From → to', 'Reboot', 'Status', 'Policy']} />
          <tbody className="divide-y divide-slate-100 align-top">
            {host.changes.map((c, i) => (
              <tr key={`${c.kind}-${c.target}-${i}`}>
                <td className="px-4 py-1.5 whitespace-nowrap">{CHANGE_KIND[c.kind]}</td>
                <td className="px-4 py-1.5 font-mono text-xs">{c.target}</td>
                <td className="px-4 py-1.5">
                  {value(c.from)} → <strong>{value(c.to)}</strong>
                </td>
                <td className="px-4 py-1.5">{c.needsReboot ? 'yes' : ''}</td>
                <td className="px-4 py-1.5">
                  {c.status === 'planned' ? <span>planned</span> : <Badge tone={c.status === 'refused' ? 'bad' : 'warn'}>{c.status}</Badge>}
                  {c.reason && <div className="text-xs text-slate-600">{c.reason}</div>}
                </td>
                <td className="px-4 py-1.5 text-xs">
                  {c.policy}
                  {c.overridden?.map((o) => (
                    <div key={o.policy} className="text-slate-500">
                      overrides {o.policy} ({value(o.value)})
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {host.changes.length === 0 && host.status === 'compliant' && <p className="px-4 py-2 text-sm text-slate-600">Already as the policy asks.</p>}
    </section>
  );
}

/** The rollout's options, with the careful defaults, and what it will do before it starts. */
function StartRollout({ plan, stale }: { plan: StoredPlan; stale: boolean }) {
  const router = useRouter();
  const start = useStartRollout();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ canary: '1', canaryHosts: '', maxUnavailable: '1', soakSeconds: '0', waveFailurePercent: '10', onVmsHoldingVfs: 'skip', onRefused: 'fail', confirmRecentReboots: false });
  const [issues, setIssues] = useState<string[]>([]);
  const set = (key: keyof typeof form, v: string | boolean) => setForm((f) => ({ ...f, [key]: v }));
  const changing = plan.hosts.filter((h) => h.changes.length > 0);
  const rebooting = changing.filter((h) => h.reboot.needed);
  const vmsDown = rebooting.flatMap((h) => h.reboot.vmsGoingDown.map((vm) => `${vm} on ${h.hostName}`));
  const losing = changing.flatMap((h) => h.vmsLosingVfs.map((v) => `${v.vm} on ${h.hostName}`));

  const num = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : text.trim());
  const submit = () => {
    const raw = {
      canary: num(form.canary),
      ...(form.canaryHosts.trim() ? { canaryHosts: form.canaryHosts.split(/[\s,]+/).filter(Boolean) } : {}),
      maxUnavailable: num(form.maxUnavailable),
      soakSeconds: num(form.soakSeconds),
      waveFailurePercent: num(form.waveFailurePercent),
      onVmsHoldingVfs: form.onVmsHoldingVfs,
      onRefused: form.onRefused,
      confirmRecentReboots: form.confirmRecentReboots,
    };
    const checked = rolloutOptionsSchema.safeParse(raw);
    if (!checked.success) {
      setIssues(checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
      return;
    }
    setIssues([]);
    start.mutate({ planId: plan.id, options: checked.data as RolloutOptions }, { onSuccess: (r) => router.push(`/rollouts/${r.id}`) });
  };
  const field = 'mt-0.5 block w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm shadow-xs';
  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)} disabled={stale || changing.length === 0} title={stale ? 'The inventory changed since this plan: compute it again' : undefined}>
        Start rollout…
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={`Roll out this plan to ${changing.length} ${changing.length === 1 ? 'host' : 'hosts'}`} size="lg">
        <DialogForm onSubmit={(e) => (e.preventDefault(), submit())} label="Rollout options">
          <DialogBody>
            <div className="space-y-1 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
              <p>
                <strong>{rebooting.length}</strong> {rebooting.length === 1 ? 'host reboots' : 'hosts reboot'}
                {rebooting.length > 0 && `: ${rebooting.slice(0, 10).map((h) => h.hostName).join(', ')}${rebooting.length > 10 ? ` and ${rebooting.length - 10} more` : ''}`}.
              </p>
              <p>{vmsDown.length ? `VMs going down with their host: ${vmsDown.join(', ')}.` : 'No running VM goes down with a reboot.'}</p>
              <p>{losing.length ? `VMs losing VFs: ${losing.join(', ')} (see “VMs holding VFs” below).` : 'No VM loses a VF.'}</p>
            </div>
            <div className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-3">
              <label className="font-medium text-slate-700">
                Canary hosts
                <input aria-label="Canary hosts" className={field} value={form.canary} onChange={(e) => set('canary', e.target.value)} />
              </label>
              <label className="font-medium text-slate-700">
                Unavailable at once
                <input aria-label="Unavailable at once" className={field} value={form.maxUnavailable} onChange={(e) => set('maxUnavailable', e.target.value)} placeholder="1 or 10%" />
              </label>
              <label className="font-medium text-slate-700">
                Soak between waves (s)
                <input aria-label="Soak between waves" className={field} value={form.soakSeconds} onChange={(e) => set('soakSeconds', e.target.value)} />
              </label>
              <label className="font-medium text-slate-700">
                Halt above (% of a wave failed)
                <input aria-label="Halt above" className={field} value={form.waveFailurePercent} onChange={(e) => set('waveFailurePercent', e.target.value)} />
              </label>
              <label className="font-medium text-slate-700">
                VMs holding VFs
                <select aria-label="VMs holding VFs" className={field} value={form.onVmsHoldingVfs} onChange={(e) => set('onVmsHoldingVfs', e.target.value)}>
                  <option value="skip">skip the host</option>
                  <option value="wait">wait for release</option>
                  <option value="proceed">go ahead</option>
                </select>
              </label>
              <label className="font-medium text-slate-700">
                Refused changes
                <select aria-label="Refused changes" className={field} value={form.onRefused} onChange={(e) => set('onRefused', e.target.value)}>
                  <option value="fail">fail the host</option>
                  <option value="skip">skip the host</option>
                </select>
              </label>
            </div>
            <label className="block text-sm font-medium text-slate-700">
              Canary hosts by name (optional)
              <input aria-label="Canary host names" className="mt-0.5 block w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm shadow-xs" value={form.canaryHosts} onChange={(e) => set('canaryHosts', e.target.value)} placeholder="kvm-d02 kvm-a01" />
              <span className="text-xs font-normal text-slate-500">The most telling hosts (a new model, a host with a lock) go first, alone.</span>
            </label>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={form.confirmRecentReboots} onChange={(e) => set('confirmRecentReboots', e.target.checked)} />
              Reset again hosts a rollout reset in the last hour
            </label>
            {issues.length > 0 && <ErrorNote>{issues.join('; ')}</ErrorNote>}
            {start.error && <ErrorNote>Not started: {start.error.message}</ErrorNote>}
          </DialogBody>
          <DialogFooter>
            <Button onClick={() => setOpen(false)} data-autofocus="">
              Cancel
            </Button>
            <Button type="submit" variant={rebooting.length || losing.length ? 'danger' : 'primary'} disabled={start.isPending}>
              {start.isPending ? 'Starting…' : `Start rollout${rebooting.length ? ` (${rebooting.length} ${rebooting.length === 1 ? 'reboot' : 'reboots'})` : ''}`}
            </Button>
          </DialogFooter>
        </DialogForm>
      </Dialog>
    </>
  );
}

/** A computed plan: totals, every change host by host, downloads, and the way to apply it. */
export function PlanView({ id }: { id: string }) {
  const { data: plan, error } = usePlan(id);
  const freshness = usePlanFreshness(id);
  const session = useSession();
  const [filter, setFilter] = useState<Filter>('changes');
  const [shown, setShown] = useState(PAGE);
  if (error) return <ErrorNote>{error.message}</ErrorNote>;
  if (!plan) return <p className="text-sm text-slate-600">Loading…</p>;
  const hosts = plan.hosts.filter(FILTERS.find((f) => f.value === filter)!.keep);
  const stale = freshness.data ? !freshness.data.fresh : false;
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-sm">
            {plan.policyId ? (
              <Link href={`/policies/${plan.policyId}`} className="text-sky-700 hover:underline">
                {plan.policyName ?? 'policy'}
              </Link>
            ) : (
              'Selected hosts'
            )}
          </p>
          <h1 className="text-2xl font-semibold tracking-tight">
            Plan{plan.policyName ? ` for ${plan.policyName} v${plan.policyVersion}` : ''}
          </h1>
          <p className="text-sm text-slate-600">
            Computed by {plan.computedBy} {utcTime(plan.computedAt)} on the inventory as it was then. Nothing has moved.
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <a href={`/api/plans/${id}?format=json`} download className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold text-slate-800 shadow-xs hover:bg-slate-50">
            Download JSON
          </a>
          <a href={`/api/plans/${id}?format=csv`} download className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold text-slate-800 shadow-xs hover:bg-slate-50">
            Download CSV
          </a>
          {session && can(session.role, 'rollout:run') && <StartRollout plan={plan} stale={stale} />}
        </div>
      </div>

      {freshness.data && !freshness.data.fresh && (
        <ErrorNote>
          The inventory changed since this plan was computed, so it cannot be applied; compute it again.
          {freshness.data.policiesChanged.length > 0 && <span className="block">Policies edited since: {freshness.data.policiesChanged.join(', ')}.</span>}
          {freshness.data.changed.slice(0, 10).map((c) => (
            <span key={c.hostId} className="block">
              {c.hostName}: {c.changes.join('; ')}
            </span>
          ))}
        </ErrorNote>
      )}

      <Totals plan={plan} />

      <Card
        title={`Hosts (${hosts.length} of ${plan.hosts.length})`}
        actions={
          <div role="radiogroup" aria-label="Show" className="flex flex-wrap gap-3 text-sm">
            {FILTERS.map((f) => (
              <label key={f.value} className="inline-flex items-center gap-1">
                <input type="radio" name="plan-filter" checked={filter === f.value} onChange={() => (setFilter(f.value), setShown(PAGE))} />
                {f.label}
              </label>
            ))}
          </div>
        }
      >
        <div className="space-y-3 bg-slate-50 p-3">
          {hosts.length === 0 && <p className="px-1 text-sm text-slate-600">No host here.</p>}
          {hosts.slice(0, shown).map((h) => (
            <HostBlock key={h.hostId} host={h} />
          ))}
          {hosts.length > shown && (
            <Button onClick={() => setShown((n) => n + PAGE)}>
              Show {Math.min(PAGE, hosts.length - shown)} more of {hosts.length - shown}
            </Button>
          )}
        </div>
      </Card>
    </div>
  );
}
