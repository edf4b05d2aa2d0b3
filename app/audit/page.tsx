import type { Metadata } from 'next';
import Link from 'next/link';
import { auditFilterOptions, auditQuerySchema, type AuditQuery } from '@/lib/audit';
import { listAuditEntries, type AuditEntry } from '@/lib/audit-view';
import { AUDIT_ACTION_GROUPS, auditActionGroup, type AuditOutcome } from '@/lib/audit-words';
import { requireUser } from '@/lib/auth/current-user';
import { can } from '@/lib/auth/permissions';
import { OPERATION_KINDS } from '@/lib/operations/kinds';
import { Refusal } from '@/components/auth/refusal';
import { Card } from '@/components/ui/card';
import { Badge, utcTime } from '@/components/ui/status';
import { TableHead } from '@/components/ui/table';
import { Words } from '@/components/ui/words';

export const metadata: Metadata = { title: 'Audit log' };
export const dynamic = 'force-dynamic';

type Params = Record<string, string>;

function queryFrom(raw: Params): { query: AuditQuery; problem: string | null } {
  const parsed = auditQuerySchema.safeParse(raw);
  if (parsed.success) return { query: parsed.data, problem: null };
  return { query: auditQuerySchema.parse({}), problem: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}

const OUTCOME: Record<Exclude<AuditOutcome, null>, { tone: 'neutral' | 'good' | 'bad'; icon: string; word: string }> = {
  requested: { tone: 'neutral', icon: '◷', word: 'requested' },
  succeeded: { tone: 'good', icon: '✓', word: 'succeeded' },
  failed: { tone: 'bad', icon: '✕', word: 'failed' },
  refused: { tone: 'bad', icon: '✕', word: 'refused' },
};

function Changes({ entry }: { entry: AuditEntry }) {
  if (!entry.note && entry.changes.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <div className="space-y-0.5">
      {entry.note && (
        <p className={entry.outcome === 'failed' || entry.outcome === 'refused' ? 'text-rose-800' : 'text-slate-700'}>
          {entry.outcome === 'requested' && <span className="text-slate-500">Asked: </span>}
          <Words text={entry.note} />
        </p>
      )}
      {entry.changes.length > 0 && (
        <ul className="space-y-0.5">
          {entry.changes.map((c) => (
            <li key={c.field}>
              <span className="text-slate-500">{c.field}:</span> <span className={c.before === null ? 'text-slate-400' : 'text-slate-600'}>{c.before === null ? '—' : <Words text={c.before} />}</span>
              <span aria-label="became" className="px-1 text-slate-400">
                →
              </span>
              <span className={c.after === null ? 'text-slate-400' : 'font-medium text-slate-900'}>{c.after === null ? '—' : <Words text={c.after} />}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export default async function AuditPage({ searchParams }: PageProps<'/audit'>) {
  const principal = await requireUser('/audit');
  if (!can(principal.role, 'audit:read')) {
    return <Refusal name={principal.name} role={principal.role} action="audit:read" />;
  }
  const raw: Params = Object.fromEntries(Object.entries(await searchParams).flatMap(([k, v]) => (typeof v === 'string' && v !== '' ? [[k, v]] : [])));
  const { query, problem } = queryFrom(raw);
  const [result, options] = await Promise.all([listAuditEntries(query), auditFilterOptions()]);
  const pageHref = (page: number) => `/audit?${new URLSearchParams({ ...raw, page: String(page) })}`;
  const input = 'mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm font-normal text-slate-900 shadow-xs';
  const changeGroups = AUDIT_ACTION_GROUPS.filter((g) => (OPERATION_KINDS as readonly string[]).includes(g.value));
  const otherGroups = AUDIT_ACTION_GROUPS.filter((g) => !changeGroups.includes(g));
  const hosts = query.host && !options.hosts.includes(query.host) ? [query.host, ...options.hosts] : options.hosts;

  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
        <p className="text-sm text-slate-600">Who did what, to which host, when and from where. Entries are never changed or removed. All times UTC.</p>
      </div>
      <Card title={`${result.total} event${result.total === 1 ? '' : 's'}`}>
        <form method="get" aria-label="Filter the audit log" className="flex flex-wrap items-end gap-4 border-b border-slate-200 px-4 py-3 text-xs font-medium text-slate-600">
          <label className="flex flex-col">
            <span>Who</span>
            <input name="actor" aria-label="Who" list="audit-actors" defaultValue={query.actor ?? ''} placeholder="e.g. alice" className={`${input} w-40`} />
            <datalist id="audit-actors">
              {options.actors.map((a) => (
                <option key={a} value={a} />
              ))}
            </datalist>
          </label>
          <label className="flex flex-col">
            <span>Host</span>
            <select name="host" aria-label="Host" defaultValue={query.host ?? ''} className={input}>
              <option value="">All hosts</option>
              {hosts.map((h) => (
                <option key={h} value={h}>
                  {h}
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col">
            <span>Action</span>
            <select name="action" aria-label="Action" defaultValue={query.action ?? ''} className={input}>
              <option value="">All actions</option>
              <optgroup label="Changes to hosts (requested, succeeded or failed)">
                {changeGroups.map((g) => (
                  <option key={g.value} value={g.value}>
                    {g.label}
                  </option>
                ))}
              </optgroup>
              <optgroup label="Access">
                {otherGroups.map((g) => (
                  <option key={g.value} value={g.value}>
                    {g.label}
                  </option>
                ))}
              </optgroup>
              {query.action && !auditActionGroup(query.action) && <option value={query.action}>{query.action}</option>}
            </select>
          </label>
          <label className="flex flex-col">
            <span>From (UTC day)</span>
            <input type="date" aria-label="From (UTC day)" name="from" defaultValue={raw.from && /^\d{4}-\d{2}-\d{2}$/.test(raw.from) ? raw.from : ''} className={input} />
          </label>
          <label className="flex flex-col">
            <span>To (UTC day, inclusive)</span>
            <input type="date" aria-label="To (UTC day, inclusive)" name="to" defaultValue={raw.to && /^\d{4}-\d{2}-\d{2}$/.test(raw.to) ? raw.to : ''} className={input} />
          </label>
          <button type="submit" className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white hover:bg-slate-700">
            Filter
          </button>
          <Link href="/audit" className="py-1.5 text-sm text-sky-800 hover:underline">
            Clear
          </Link>
        </form>
        {problem && (
          <p role="alert" className="m-4 rounded border border-rose-300 bg-rose-50 p-3 text-sm text-rose-800">
            Filters ignored: {problem}
          </p>
        )}
        <table className="w-full text-sm">
          <caption className="sr-only">Audit events, newest first</caption>
          <TableHead columns={['When (UTC)', 'Who', 'Action', 'Target', 'What changed', 'From']} cellClassName="px-3 py-2" />
          <tbody>
            {result.entries.map((e) => (
              <tr key={e.id} className="border-t border-slate-100 align-top">
                <td className="px-3 py-1.5 whitespace-nowrap tabular-nums">{utcTime(e.at, { seconds: true }).replace(' UTC', '')}</td>
                <td className="px-3 py-1.5 font-medium whitespace-nowrap">{e.actor}</td>
                <td className="px-3 py-1.5">
                  <span className="flex flex-wrap items-center gap-x-2 gap-y-1">
                    <span className="whitespace-nowrap">{e.actionLabel}</span>
                    {e.outcome && (
                      <Badge tone={OUTCOME[e.outcome].tone} icon={OUTCOME[e.outcome].icon}>
                        {OUTCOME[e.outcome].word}
                      </Badge>
                    )}
                  </span>
                </td>
                <td className="min-w-48 px-3 py-1.5">
                  <Words text={e.target} />
                  {e.rolloutId && (
                    <Link href={`/rollouts/${e.rolloutId}`} className="block text-xs text-sky-700 underline hover:text-sky-900">
                      {e.action.startsWith('rollout-') ? 'Open the rollout' : `Step of rollout ${e.rolloutId.slice(-8)}`}
                    </Link>
                  )}
                </td>
                <td className="min-w-64 px-3 py-1.5">
                  <Changes entry={e} />
                </td>
                <td className="px-3 py-1.5 font-mono text-xs whitespace-nowrap text-slate-600">{e.sourceAddress ?? '—'}</td>
              </tr>
            ))}
            {result.entries.length === 0 && (
              <tr>
                <td colSpan={6} className="px-3 py-8 text-center text-slate-500">
                  No event matches these filters.
                </td>
              </tr>
            )}
          </tbody>
        </table>
        {result.pageCount > 1 && (
          <nav aria-label="Pages" className="flex items-center justify-end gap-3 border-t border-slate-200 px-4 py-2 text-sm">
            {query.page > 1 && <Link href={pageHref(query.page - 1)}>Previous</Link>}
            <span className="text-slate-500">
              Page {query.page} of {result.pageCount}
            </span>
            {query.page < result.pageCount && <Link href={pageHref(query.page + 1)}>Next</Link>}
          </nav>
        )}
      </Card>
    </div>
  );
}
