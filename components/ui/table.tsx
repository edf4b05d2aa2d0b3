/** The header row every table in the dashboard uses. */
export function TableHead({ columns, cellClassName = 'px-4 py-1.5' }: { columns: readonly string[]; cellClassName?: string }) {
  return (
    <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
      <tr>
        {columns.map((h, i) => (
          <th key={`${h}-${i}`} className={`${cellClassName} font-semibold whitespace-nowrap`}>
            {h}
          </th>
        ))}
      </tr>
    </thead>
  );
}
