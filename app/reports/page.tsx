import type { Metadata } from 'next';
import Link from 'next/link';
import { requireUser } from '@/lib/auth/current-user';
import { REPORT_NAMES, REPORTS } from '@/lib/reports/catalog';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Reports' };

export default async function ReportsIndex() {
  await requireUser('/reports');
  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Reports</h1>
        <p className="text-sm text-slate-600">For capacity planning, audits and change reviews. Each report filters, downloads as CSV or JSON, and prints.</p>
      </div>
      <ul className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        {REPORT_NAMES.map((name) => (
          <li key={name} className="flex flex-col rounded-lg border border-slate-200 bg-white p-4 shadow-xs">
            <h2 className="text-base font-semibold">
              <Link href={`/reports/${name}`} className="text-sky-800 hover:underline">
                {REPORTS[name].title}
              </Link>
            </h2>
            <p className="mt-1 flex-1 text-sm text-slate-600">{REPORTS[name].question}</p>
            <p className="mt-3 flex gap-3 text-sm">
              <a href={`/api/reports/${name}?format=csv`} download className="text-sky-800 hover:underline" aria-label={`${REPORTS[name].title} as CSV`}>
                CSV
              </a>
              <a href={`/api/reports/${name}?format=json`} download className="text-sky-800 hover:underline" aria-label={`${REPORTS[name].title} as JSON`}>
                JSON
              </a>
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}
