'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useReportView } from '@/hooks/use-reports';
import { REPORTS, reportSearchParams, type FilterKey, type ReportName } from '@/lib/reports/catalog';
import type { ObservedRange } from '@/lib/reports/tally';
import { formatTime } from './report-cell';
import { ReportChart } from './report-chart';
import { ReportFilters, type FilterOptions } from './report-filters';
import { ReportSummary } from './report-summary';
import { ReportTable } from './report-table';

/** The filters live in the URL (shareable, survive reload), like the fleet view's. */
function useReportParams(name: ReportName): [URLSearchParams, (key: FilterKey, value: string) => void] {
  const params = reportSearchParams(name, useSearchParams());
  const update = (key: FilterKey, value: string) => {
    // Read the URL now, not the render's copy: a debounced text filter may land after a select.
    const next = reportSearchParams(name, new URLSearchParams(window.location.search));
    if (value) next.set(key, value);
    else next.delete(key);
    next.sort();
    const query = next.toString();
    window.history.replaceState(null, '', query ? `?${query}` : window.location.pathname);
  };
  return [params, update];
}

function dataTime(generatedAt: string, summary: unknown): string {
  const observed = (summary as { observed?: ObservedRange }).observed;
  const parts = [`Read from the inventory ${formatTime(generatedAt)} UTC`];
  if (observed?.oldest && observed.newest) {
    parts.push(
      observed.oldest === observed.newest
        ? `host data as reported ${formatTime(observed.newest)}`
        : `host data as reported between ${formatTime(observed.oldest)} and ${formatTime(observed.newest)}`,
    );
  }
  if (observed?.neverReported) parts.push(`${observed.neverReported} host${observed.neverReported === 1 ? '' : 's'} never reported`);
  return `${parts.join(' · ')}. All times UTC.`;
}

function EmptyState({ name, filtered }: { name: ReportName; filtered: boolean }) {
  const text =
    name === 'history' && !filtered
      ? 'No operations are on record yet. Every change made through the dashboard (VF counts, VF settings, assignments, BIOS, reboots) is listed here, with who asked and how it ended.'
      : name === 'mac-duplicates' && !filtered
        ? 'No MAC is on more than one VF in the fleet.'
        : filtered
        ? 'Nothing matches these filters.'
        : 'The inventory has no hosts yet.';
  return (
    <p role="status" className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600">
      {text}
    </p>
  );
}

export function ReportPage({ name, options }: { name: ReportName; options: FilterOptions }) {
  const meta = REPORTS[name];
  const [params, update] = useReportParams(name);
  const query = params.toString();
  const { data, error, isFetching, isPlaceholderData } = useReportView(name, query);
  const download = (format: 'csv' | 'json') => `/api/reports/${name}?format=${format}${query ? `&${query}` : ''}`;
  const applied = [...params].map(([k, v]) => `${k} = ${v}`).join(', ');

  return (
    <div className="space-y-5 print:space-y-3">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500 print:hidden">
        <Link href="/reports" className="hover:text-slate-900 hover:underline">
          Reports
        </Link>{' '}
        / <span className="text-slate-900">{meta.title}</span>
      </nav>

      <header className="flex flex-wrap items-end justify-between gap-3 print:block">
        <div>
          <p className="hidden text-xs font-medium uppercase tracking-wide text-slate-500 print:block">SR-IOV Fleet Manager · report</p>
          <h1 className="text-2xl font-semibold tracking-tight print:text-xl">{meta.title}</h1>
          <p className="text-sm text-slate-600 print:hidden">{meta.question}</p>
          {meta.scope && (
            <p role="note" aria-label="What this report covers" className="mt-2 max-w-4xl rounded border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-950 print:border-slate-300 print:bg-white">
              {meta.scope}
            </p>
          )}
          {data && <p className="mt-1 text-sm text-slate-700">{dataTime(data.generatedAt, data.summary)}</p>}
          <p className="hidden text-sm text-slate-700 print:block">Filters: {applied || 'none (the whole fleet)'}</p>
        </div>
        <div className="flex gap-2 print:hidden">
          <a href={download('csv')} download className="rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white shadow-xs hover:bg-sky-800">
            Download CSV
          </a>
          <a href={download('json')} download className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 shadow-xs hover:bg-slate-50">
            Download JSON
          </a>
          <button type="button" onClick={() => window.print()} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 shadow-xs hover:bg-slate-50">
            Print
          </button>
        </div>
      </header>

      <section aria-label="Report filters" className="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-xs print:hidden">
        <ReportFilters filters={meta.filters} params={params} options={options} onChange={update} />
      </section>

      {error && (
        <p role="alert" className="rounded border border-rose-300 bg-rose-50 p-3 text-sm text-rose-800">
          Could not run the report: {error.message}{' '}
          <Link href={`/reports/${name}`} className="font-medium underline">
            Clear the filters
          </Link>
        </p>
      )}

      {data && (
        <div className={`space-y-5 transition-opacity print:space-y-3 ${isPlaceholderData ? 'opacity-60' : ''}`} aria-busy={isFetching}>
          <ReportSummary name={name} summary={data.summary} />
          {data.rowCount > 0 && name !== 'mac-duplicates' && (
            <section aria-label="Chart" className="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-xs print:border-0 print:px-0 print:shadow-none">
              <ReportChart name={name} summary={data.summary} />
            </section>
          )}
          <p className="text-sm text-slate-600" aria-live="polite">
            {data.rowCount} row{data.rowCount === 1 ? '' : 's'}
            {data.truncated && ` · showing the first ${data.rows.length}; the downloads have them all`}
            {isFetching && ' · updating'}
          </p>
          {data.rowCount === 0 ? <EmptyState name={name} filtered={query !== ''} /> : <ReportTable columns={meta.columns} rows={data.rows} groupedByHost={meta.groupedByHost} title={meta.title} />}
        </div>
      )}
    </div>
  );
}
