'use client';

import Link from 'next/link';
import { useRollout, useSteerRollout } from '@/hooks/use-rollouts';
import { useSession } from '@/hooks/use-session';
import { can } from '@/lib/auth/permissions';
import { duration, HOST_STATE_TEXT, rolloutStatusText, type RolloutHostRow } from '@/lib/rollouts/view';
import { Badge, utcTime } from '@/components/ui/status';
import { Button, ErrorNote } from '@/components/ui/button';
import { Card, Facts } from '@/components/ui/card';
import { TableHead } from '@/components/ui/table';
import { ProgressBar } from './progress';

/** One rollout, live: overall and per-wave progress, each host's state, what can still be steered. */
export function RolloutDetail({ id }: { id: string }) {
  const { data: rollout, error } = useRollout(id);
  const steer = useSteerRollout(id);
  const session = useSession();
  if (error) return <ErrorNote>{error.message}</ErrorNote>;
  if (!rollout) return <p className="text-sm text-slate-600">Loading…</p>;

  const status = rolloutStatusText(rollout.status, rollout.finishedAt !== null);
  const mayRun = session ? can(session.role, 'rollout:run') : false;
  const open = rollout.finishedAt === null;
  const o = rollout.options;
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">
            Rollout of {rollout.policy ? rollout.policy.name : 'a deleted policy'}
          </h1>
          <p className="text-sm text-slate-600">
            Started by {rollout.createdBy} {utcTime(rollout.createdAt)} ·{' '}
            <Link href={`/plans/${rollout.planId}`} className="text-sky-700 hover:underline">
              the plan it applies
            </Link>
            {rollout.policy && (
              <>
                {' '}·{' '}
                <Link href={`/policies/${rollout.policy.id}`} className="text-sky-700 hover:underline">
                  the policy
                </Link>
              </>
            )}
          </p>
        </div>
        {mayRun && open && (
          <div className="flex gap-2">
            {rollout.status === 'running' && <Button onClick={() => steer.mutate('pause')} disabled={steer.isPending}>Pause</Button>}
            {rollout.status === 'paused' && <Button variant="primary" onClick={() => steer.mutate('resume')} disabled={steer.isPending}>Resume</Button>}
            {rollout.status !== 'cancelled' && <Button variant="danger" onClick={() => steer.mutate('cancel')} disabled={steer.isPending}>Cancel</Button>}
          </div>
        )}
      </div>
      {steer.error && <ErrorNote>{steer.error.message}</ErrorNote>}

      <section aria-label="Rollout status" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <Badge tone={status.tone}>{status.word}</Badge>
          {rollout.reason && <span className={rollout.status === 'halted' ? 'font-medium text-rose-800' : 'text-slate-700'}>{rollout.reason}</span>}
          <span className="ml-auto text-slate-600">
            {open ? 'Running for' : 'Took'} {duration(rollout.elapsedMs)}
            {rollout.etaMs !== null && ` · about ${duration(rollout.etaMs)} left`}
          </span>
        </div>
        <ProgressBar label="All hosts" hosts={rollout.totals.hosts} done={rollout.totals.done} failed={rollout.totals.failed} skipped={rollout.totals.skipped} />
        <div className="grid gap-3 md:grid-cols-2">
          {rollout.waves.map((w) => (
            <ProgressBar key={w.wave} label={w.wave === 0 ? 'Canary' : `Wave ${w.wave}`} hosts={w.hosts} done={w.done} failed={w.failed} skipped={w.skipped} />
          ))}
        </div>
      </section>

      <Card title="How it runs">
        <Facts
          items={[
            ['Canary', `${o.canary} host${o.canary === 1 ? '' : 's'}; halts after ${o.canaryFailures === 0 ? 'any failure' : `more than ${o.canaryFailures} failures`}`],
            ['Unavailable at once', `${rollout.limits.maxUnavailable} (asked: ${o.maxUnavailable})`],
            ['In progress at once', String(rollout.limits.maxParallel)],
            ['A wave halts past', `${o.waveFailurePercent} % failed`],
            ['Soak between waves', o.soakSeconds ? duration(o.soakSeconds * 1000) : 'none'],
            ['Hosts whose VMs hold VFs', { skip: 'skipped', wait: 'wait until the VFs are released', proceed: 'go ahead (the VMs lose the VFs)' }[o.onVmsHoldingVfs]],
            ['Maintenance windows', o.windows?.length ? o.windows.map((w) => JSON.stringify(w)).join(', ') : 'any time'],
          ]}
        />
      </Card>

      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full text-sm" aria-label="Hosts of the rollout">
          <TableHead columns={['Host', 'Wave', 'State', 'Step', 'Reason', 'Took']} />
          <tbody className="divide-y divide-slate-100">
            {rollout.hosts.map((h) => (
              <HostRow key={h.hostId} host={h} finished={!open} />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function HostRow({ host, finished }: { host: RolloutHostRow; finished: boolean }) {
  // A host still waiting when the rollout has ended (halted or cancelled) was never started.
  const text = finished && host.state === 'waiting' ? { word: 'Not started', tone: 'neutral' as const, icon: '○' } : (HOST_STATE_TEXT[host.state] ?? { word: host.state, tone: 'neutral' as const, icon: '?' });
  const took = host.startedAt && host.finishedAt ? duration(new Date(host.finishedAt).getTime() - new Date(host.startedAt).getTime()) : '';
  return (
    <tr>
      <th scope="row" className="px-4 py-1.5 text-left font-medium">
        <Link href={`/hosts/${host.hostId}`} className="text-sky-700 hover:underline">
          {host.hostName}
        </Link>
      </th>
      <td className="px-4 py-1.5">{host.wave === 0 ? 'canary' : host.wave}</td>
      <td className="px-4 py-1.5">
        <Badge tone={text.tone} icon={text.icon}>
          {text.word}
        </Badge>
        {host.unavailable && <span className="ml-2 text-xs text-amber-800">unavailable</span>}
      </td>
      <td className="px-4 py-1.5 text-slate-700">{host.state === 'running' ? `step ${host.step} of ${host.steps}: ${host.stepLabel ?? ''}` : `${host.steps} step${host.steps === 1 ? '' : 's'}`}</td>
      <td className="max-w-md px-4 py-1.5 text-slate-700">{host.reason === host.stepLabel ? '' : (host.reason ?? '')}</td>
      <td className="px-4 py-1.5 whitespace-nowrap text-slate-600">{took}</td>
    </tr>
  );
}
