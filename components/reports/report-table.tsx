// The report's rows as tables. Rows that belong to hosts are shown host by host, each host its
// own section, so a printout starts every host on a new page (print.css).

import type { Column, ReportRow } from '@/lib/reports/columns';
import { Words } from '@/components/ui/words';
import { ReportCell } from './report-cell';

/** A value, and under it the column's secondary field when that has one (alone when the value is empty). */
function Cell({ column, row }: { column: Column<ReportRow>; row: ReportRow }) {
  const value = row[column.key] ?? null;
  const secondary = column.secondary ? (row[column.secondary.key] ?? null) : null;
  if (secondary === null || !column.secondary) return <ReportCell kind={column.kind} value={value} />;
  const extra = (
    <span className="text-slate-700">
      <span className="font-medium">{column.secondary.label}:</span> <Words text={String(secondary)} />
    </span>
  );
  if (value === null) return extra;
  return (
    <>
      <ReportCell kind={column.kind} value={value} />
      <span className="mt-0.5 block">{extra}</span>
    </>
  );
}

function RowsTable({ columns, rows, caption }: { columns: readonly Column<ReportRow>[]; rows: ReportRow[]; caption: string }) {
  return (
    <div className="overflow-x-auto print:overflow-visible">
      <table className="w-full text-sm print:text-[9pt]">
        <caption className="sr-only">{caption}</caption>
        {/* Styled as components/ui/table.tsx's TableHead, which has no per-column tooltip or alignment yet. */}
        <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
          <tr>
            {columns.map((c) => (
              // Headers wrap between words: a long name must not make its column wider than its values.
              <th key={c.key} scope="col" title={c.description} className={`px-2 py-1.5 align-bottom font-semibold print:px-1.5 print:py-1 ${c.kind === 'number' ? 'text-right' : ''}`}>
                <Words text={c.header} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i} className="border-t border-slate-100 break-inside-avoid">
              {columns.map((c) => (
                <td key={c.key} className={`px-2 py-1.5 align-top print:px-1.5 print:py-0.5 ${c.kind === 'number' ? 'text-right tabular-nums' : ''} ${c.wrap ? 'min-w-40' : 'whitespace-nowrap'}`}>
                  <Cell column={c} row={row} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ReportTable({ columns, rows, groupedByHost, title }: { columns: readonly Column<ReportRow>[]; rows: ReportRow[]; groupedByHost: boolean; title: string }) {
  const shown = columns.filter((c) => !c.downloadOnly);
  if (!groupedByHost) {
    return (
      <section aria-label="Rows" className="rounded-lg border border-slate-200 bg-white shadow-xs print:border-0 print:shadow-none">
        <RowsTable columns={shown} rows={rows} caption={title} />
      </section>
    );
  }
  const hosts = new Map<string, ReportRow[]>();
  for (const row of rows) {
    const host = String(row.host);
    const list = hosts.get(host);
    if (list) list.push(row);
    else hosts.set(host, [row]);
  }
  const withoutHost = shown.filter((c) => c.key !== 'host');
  return (
    <div className="space-y-4">
      {[...hosts].map(([host, hostRows]) => (
        <section key={host} aria-label={`Host ${host}`} className="report-host rounded-lg border border-slate-200 bg-white shadow-xs print:border-0 print:shadow-none">
          <h2 className="border-b border-slate-200 px-3 py-2 text-sm font-semibold text-slate-800">
            {host}{' '}
            <span className="font-normal text-slate-500">
              · {hostRows.every((r) => r.pf === null) ? 'no PCI functions reported yet' : `${hostRows.length} row${hostRows.length === 1 ? '' : 's'}`}
            </span>
          </h2>
          <RowsTable columns={withoutHost} rows={hostRows} caption={`${title}: ${host}`} />
        </section>
      ))}
    </div>
  );
}
