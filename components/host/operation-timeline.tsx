import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { Badge, OperationBadge, Spinner, utcTime } from '@/components/ui/status';
import { formatDuration, isActive } from '@/lib/inventory/host-view';
import type { OperationView } from '@/lib/operations/kinds';

/** "14:03:22" when on the same day as `since`, the full UTC time otherwise. */
function clock(at: string, since: string): string {
  const full = utcTime(at, { seconds: true });
  return full.slice(0, 10) === utcTime(since).slice(0, 10) ? full.slice(11) : full;
}

function Times({ op }: { op: OperationView }) {
  const parts = [`queued ${utcTime(op.queuedAt, { seconds: true })}`];
  if (op.startedAt) parts.push(`started ${clock(op.startedAt, op.queuedAt)}`);
  if (op.finishedAt) parts.push(`finished ${clock(op.finishedAt, op.queuedAt)} (${formatDuration(Date.parse(op.finishedAt) - Date.parse(op.startedAt ?? op.queuedAt))})`);
  return <>{parts.join(' · ')}</>;
}

export function OperationTimeline({ operations, error, loading }: { operations: readonly OperationView[]; error: Error | null; loading: boolean }) {
  const active = operations.filter(isActive).length;
  return (
    <Card title="Operations" actions={active > 0 ? <Badge tone="info" icon="↻">{active} in progress</Badge> : null}>
      {error && (
        <p role="alert" className="m-4 rounded border border-rose-300 bg-rose-50 p-3 text-sm text-rose-800">
          Could not load operations: {error.message}
        </p>
      )}
      {loading && <p className="px-4 py-3 text-sm text-slate-500">Loading operations…</p>}
      {!loading && !error && operations.length === 0 && <p className="px-4 py-3 text-sm text-slate-500">No operations on this host yet.</p>}
      {operations.length > 0 && (
        <ol aria-label="Operations, newest first" className="max-h-[30rem] divide-y divide-slate-100 overflow-y-auto">
          {operations.map((op) => (
            <li key={op.id} className="flex items-start gap-3 px-4 py-2.5 text-sm">
              <span className="w-24 shrink-0 pt-0.5">
                <OperationBadge status={op.status} />
              </span>
              <div className="min-w-0 flex-1 space-y-0.5">
                <p className="font-medium text-slate-900">{op.summary}</p>
                <p className="text-xs text-slate-500">
                  by {op.rolloutId ? op.requestedBy.replace(/ \(rollout [^)]+\)$/, '') : op.requestedBy}
                  {op.rolloutId && (
                    <>
                      {' '}
                      as a step of{' '}
                      <Link href={`/rollouts/${op.rolloutId}`} className="text-sky-700 underline hover:text-sky-900">
                        rollout {op.rolloutId.slice(-8)}
                      </Link>
                    </>
                  )}{' '}
                  · <Times op={op} />
                  {op.attempts > 1 && ` · attempt ${op.attempts}`}
                </p>
                {isActive(op) && op.progress && (
                  <p className="flex items-center gap-1.5 text-sky-900">
                    <Spinner /> {op.progress}
                  </p>
                )}
                {op.status === 'failed' && op.error && <p className="rounded border border-rose-200 bg-rose-50 px-2 py-1 text-rose-900">{op.error}</p>}
              </div>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
