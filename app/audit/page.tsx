import type { Metadata } from 'next';
import Link from 'next/link';
import { auditQuerySchema, listAudit, type AuditQuery } from '@/lib/audit';
import { requireUser } from '@/lib/auth/current-user';
import { can } from '@/lib/auth/permissions';
import { Refusal } from '@/components/auth/refusal';
import { Card } from '@/components/ui/card';
import { TableHead } from '@/components/ui/table';

export const metadata: Metadata = { title: 'Audit log' };
export const dynamic = 'force-dynamic';

function queryFrom(params: Record<string, string | string[] | undefined>): { query: AuditQuery; problem: string | null } {
  const raw = Object.fromEntries(Object.entries(params).flatMap(([k, v]) => (typeof v === 'string' && v !== '' ? [[k, v]] : [])));
  // The form sends datetime-local values ("2026-11-24T10:00"): read them as UTC.
  for (const key of ['from', 'to'] as const) if (raw[key] && /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(raw[key])) raw[key] = `${raw[key]}:00Z`;
  const parsed = auditQuerySchema.safeParse(raw);
  if (parsed.success) return { query: parsed.data, problem: null };
  return { query: auditQuerySchema.parse({}), problem: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}

function Json({ text }: { text: string | null }) {
  if (!text) return <span className="text-slate-400">—</span>;
  return <code className="block max-w-[22rem] truncate font-mono text-xs" title={text}>{text}</code>;
}

export default async function AuditPage({ searchParams }: PageProps<'/audit'>) {
  const principal = await requireUser('/audit');
  if (!can(principal.role, 'audit:read')) {
    return <Refusal role={principal.role} action="audit:read" />;
  }
  const params = await searchParams;
  const { query, problem } = queryFrom(params);
  const result = await listAudit(query);
  const pageHref = (page: number) => `/audit?${new URLSearchParams({ ...Object.fromEntries(Object.entries(params).filter((e): e is [string, string] => typeof e[1] === 'string')), page: String(page) })}`;
  const input = 'mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm font-normal shadow-xs';

  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
        <p className="text-sm text-slate-600">Who did what, to which host, when and from where. Entries are never changed or removed.</p>
      </div>
      <Card title={`${result.total} event${result.total === 1 ? '' : 's'}`}>
        <form method="get" className="flex flex-wrap items-end gap-4 border-b border-slate-200 px-4 py-3 text-xs font-medium text-slate-600">
          <label>
            Who
            <input name="actor" defaultValue={query.actor ?? ''} placeholder="user or token:name" className={input} />
          </label>
          <label>
            Action
            <input name="action" defaultValue={query.action ?? ''} placeholder="e.g. login-failed" className={input} />
          </label>
          <label>
            From (UTC)
            <input type="datetime-local" name="from" defaultValue={query.from?.slice(0, 16) ?? ''} className={input} />
          </label>
          <label>
            To (UTC)
            <input type="datetime-local" name="to" defaultValue={query.to?.slice(0, 16) ?? ''} className={input} />
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
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <TableHead columns={['When (UTC)', 'Who', 'From', 'Action', 'Target', 'Host', 'Before', 'After']} cellClassName="px-3 py-2" />
            <tbody>
              {result.events.map((e) => (
                <tr key={e.id} className="border-t border-slate-100 align-top">
                  <td className="px-3 py-1.5 whitespace-nowrap tabular-nums">{e.at.toISOString().replace('T', ' ').slice(0, 19)}</td>
                  <td className="px-3 py-1.5 font-medium">{e.actor}</td>
                  <td className="px-3 py-1.5 font-mono text-xs">{e.sourceAddress ?? '—'}</td>
                  <td className="px-3 py-1.5">{e.action}</td>
                  <td className="px-3 py-1.5 text-xs">
                    {e.targetType} <span className="font-mono">{e.targetId}</span>
                  </td>
                  <td className="px-3 py-1.5">{e.hostName ?? '—'}</td>
                  <td className="px-3 py-1.5">
                    <Json text={e.before} />
                  </td>
                  <td className="px-3 py-1.5">
                    <Json text={e.after} />
                  </td>
                </tr>
              ))}
              {result.events.length === 0 && (
                <tr>
                  <td colSpan={8} className="px-3 py-8 text-center text-slate-500">
                    No event matches these filters.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
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
