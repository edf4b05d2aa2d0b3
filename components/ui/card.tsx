import { useId, type ReactNode } from 'react';

/** A titled panel; its title names the region for assistive technology (and for tests). */
export function Card({ title, actions, children, className = '' }: { title: ReactNode; actions?: ReactNode; children: ReactNode; className?: string }) {
  const titleId = useId();
  return (
    <section aria-labelledby={titleId} className={`rounded-lg border border-slate-200 bg-white shadow-xs ${className}`}>
      <header className="flex items-center justify-between gap-3 border-b border-slate-200 px-4 py-2.5">
        <h2 id={titleId} className="text-sm font-semibold text-slate-800">{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

/** Label/value pairs, aligned. */
export function Facts({ items }: { items: [string, ReactNode][] }) {
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1.5 px-4 py-3 text-sm">
      {items.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="text-slate-500">{label}</dt>
          <dd className="min-w-0 break-words text-slate-900">{value ?? <span className="text-slate-400">not reported</span>}</dd>
        </div>
      ))}
    </dl>
  );
}

export function YesNo({ value, yes = 'yes', no = 'no' }: { value: boolean | null; yes?: string; no?: string }) {
  if (value === null) return <span className="text-slate-400">not reported</span>;
  return value ? <span>✓ {yes}</span> : <span className="font-medium text-rose-700">✕ {no}</span>;
}
