'use client';

import Link from 'next/link';
import { useRollouts } from '@/hooks/use-rollouts';
import { rolloutStatusText } from '@/lib/rollouts/view';
import { Badge, utcTime } from '@/components/ui/status';
import { ErrorNote } from '@/components/ui/button';
import { TableHead } from '@/components/ui/table';

/** The last 100 rollouts, newest first. */
export function RolloutList() {
  const { data, error } = useRollouts();
  if (error) return <ErrorNote>{error.message}</ErrorNote>;
  if (!data) return <p className="text-sm text-slate-600">Loading…</p>;
  if (data.rollouts.length === 0) return <p className="text-sm text-slate-600">No rollout yet. A rollout applies a plan computed from a policy (POST /api/rollouts with its planId).</p>;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full text-sm" aria-label="Rollouts">
        <TableHead columns={['Policy', 'Status', 'Hosts', 'Started', 'By', 'Finished']} />
        <tbody className="divide-y divide-slate-100">
          {data.rollouts.map((r) => {
            const status = rolloutStatusText(r.status, r.finishedAt !== null);
            return (
              <tr key={r.id}>
                <th scope="row" className="px-4 py-1.5 text-left font-medium">
                  <Link href={`/rollouts/${r.id}`} className="text-sky-700 hover:underline">
                    {r.policy ?? 'deleted policy'}
                  </Link>
                </th>
                <td className="px-4 py-1.5">
                  <Badge tone={status.tone}>{status.word}</Badge>
                  {r.reason && r.status === 'halted' && <span className="ml-2 text-xs text-rose-800">{r.reason}</span>}
                </td>
                <td className="px-4 py-1.5 whitespace-nowrap">
                  {r.done} done{r.failed ? `, ${r.failed} failed` : ''}{r.skipped ? `, ${r.skipped} skipped` : ''} of {r.hosts}
                </td>
                <td className="px-4 py-1.5 whitespace-nowrap">{utcTime(r.createdAt)}</td>
                <td className="px-4 py-1.5">{r.createdBy}</td>
                <td className="px-4 py-1.5 whitespace-nowrap">{r.finishedAt ? utcTime(r.finishedAt) : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
