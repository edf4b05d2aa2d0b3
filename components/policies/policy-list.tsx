'use client';

import Link from 'next/link';
import { usePolicies } from '@/hooks/use-policies';
import { describeSelector } from '@/lib/policies/selector';
import { COMPLIANCE_STATES, COMPLIANCE_TEXT, describeDocument, noHostWords } from '@/lib/policies/words';
import { Badge, utcTime } from '@/components/ui/status';
import { ErrorNote } from '@/components/ui/button';
import { TableHead } from '@/components/ui/table';

/** Every active policy: what it selects, what it sets, and where its hosts stand. */
export function PolicyList() {
  const { data, error } = usePolicies();
  if (error) return <ErrorNote>{error.message}</ErrorNote>;
  if (!data) return <p className="text-sm text-slate-600">Loading…</p>;
  if (data.policies.length === 0) {
    return <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-sm text-slate-600">No policy yet. A policy says once what a group of hosts should have: BIOS settings, kernel arguments, VF counts and VF defaults.</p>;
  }
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full text-sm" aria-label="Policies">
        <TableHead columns={['Policy', 'Selects', 'Sets', 'Priority', 'Hosts', 'Version']} />
        <tbody className="divide-y divide-slate-100 align-top">
          {data.policies.map((p) => (
            <tr key={p.id}>
              <th scope="row" className="px-4 py-2 text-left font-medium">
                <Link href={`/policies/${p.id}`} className="text-sky-700 hover:underline">
                  {p.name}
                </Link>
                {p.description && <div className="text-xs font-normal text-slate-500">{p.description}</div>}
              </th>
              <td className="px-4 py-2">{describeSelector(p.document.selector)}</td>
              <td className="px-4 py-2">
                <ul className="space-y-0.5">
                  {describeDocument(p.document).map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
              </td>
              <td className="px-4 py-2 tabular-nums">{p.document.priority}</td>
              <td className="px-4 py-2">
                <div className="flex flex-wrap gap-1">
                  {COMPLIANCE_STATES.filter((s) => p.compliance[s]).map((s) => (
                    <Badge key={s} tone={COMPLIANCE_TEXT[s].tone}>
                      {p.compliance[s]} {COMPLIANCE_TEXT[s].word.toLowerCase()}
                    </Badge>
                  ))}
                  {COMPLIANCE_STATES.every((s) => !p.compliance[s]) && <span className="text-slate-500">{noHostWords(p.evaluatedAt)}</span>}
                </div>
              </td>
              <td className="px-4 py-2 whitespace-nowrap">
                v{p.currentVersion} · {utcTime(p.updatedAt)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
