import type { ReactNode } from 'react';
import type { Readiness, ReadinessLink } from '@/lib/inventory/readiness';
import { LINK_STATUS_TEXT, VerdictBadge } from '@/components/ui/status';
import { Card } from '@/components/ui/card';
import { PathWords } from '@/components/ui/words';

const BORDER = { ok: 'border-emerald-200', failing: 'border-rose-300', unknown: 'border-slate-200', pending: 'border-amber-300' } as const;
const ICON = { ok: 'bg-emerald-100 text-emerald-800', failing: 'bg-rose-100 text-rose-800', unknown: 'bg-slate-100 text-slate-600', pending: 'bg-amber-100 text-amber-900' } as const;

/** The six links; `fixStep` says where a failing one's fix is (a step of the host's fix, or nothing). */
export function ReadinessChain({ readiness, fixStep, lastKnown }: { readiness: Readiness; fixStep?: (link: ReadinessLink) => ReactNode; lastKnown?: ReactNode }) {
  return (
    <Card
      title="SR-IOV readiness chain"
      actions={
        <span className="flex items-center gap-2">
          {lastKnown}
          <VerdictBadge verdict={readiness.verdict} />
        </span>
      }
    >
      <ol className="grid gap-3 p-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-6">
        {readiness.links.map((link, i) => {
          const s = LINK_STATUS_TEXT[link.status];
          const look = link.pending ? 'pending' : link.status;
          const word = link.pending ? 'pending reboot' : s.word;
          const control = link.status === 'failing' ? fixStep?.(link) : null;
          return (
            // The name gives the status (a pending link still fails); the text says it waits for a reboot.
            <li key={link.id} className={`flex flex-col gap-1.5 rounded-md border ${BORDER[look]} p-3`} aria-label={`${link.label}: ${s.word}`}>
              <div className="flex items-center gap-2">
                <span aria-hidden className={`grid size-6 shrink-0 place-items-center rounded-full text-xs font-bold ${ICON[look]}`}>
                  {link.pending ? '⟳' : s.icon}
                </span>
                <span className="text-sm font-semibold">
                  {i + 1}. {link.label}
                </span>
              </div>
              <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{word}</p>
              <p className="text-sm text-slate-700">
                <PathWords text={link.detail} />
              </p>
              {(link.fix || control) && (
                <div className="mt-auto space-y-2 pt-1">
                  {link.fix && (
                    <p className="rounded bg-amber-50 px-2 py-1.5 text-xs text-amber-950">
                      <span className="font-semibold">Fix: </span>
                      {link.fix}
                    </p>
                  )}
                  {control}
                </div>
              )}
            </li>
          );
        })}
      </ol>
    </Card>
  );
}
