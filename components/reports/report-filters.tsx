'use client';

import { useDebouncedInput } from '@/hooks/use-debounced-input';
import { NIC_MODELS } from '@/lib/inventory/nic-catalog';
import { SERVER_GENERATIONS } from '@/lib/inventory/vocabulary';
import { PLACEMENTS } from '@/lib/reports/allocation';
import { CAPACITY_GROUPINGS } from '@/lib/reports/capacity';
import type { FilterKey } from '@/lib/reports/catalog';
import { COMPLIANCE_TEXT } from '@/lib/policies/words';
import { COMPLIANCE_VERDICTS } from '@/lib/reports/compliance';
import { NIC_MODEL_KEYS } from '@/lib/reports/filters';
import { OPERATION_KINDS, OPERATION_STATUSES, operationKindWords } from '@/lib/reports/history';

export interface FilterOptions {
  models: string[];
  users: string[];
}

type Option = { value: string; label: string };
type Field =
  | { kind: 'select'; label: string; options: Option[]; all?: string }
  | { kind: 'text'; label: string; placeholder: string }
  | { kind: 'number'; label: string; placeholder: string; min: number; max: number }
  | { kind: 'date'; label: string };

const words = (values: readonly string[], label: (v: string) => string = (v) => v): Option[] => values.map((value) => ({ value, label: label(value) }));

function fieldFor(key: FilterKey, options: FilterOptions): Field {
  switch (key) {
    case 'host':
      return { kind: 'text', label: 'Host name', placeholder: 'e.g. kvm-a0' };
    case 'generation':
      return { kind: 'select', label: 'Generation', options: words(SERVER_GENERATIONS) };
    case 'model':
      return { kind: 'select', label: 'Model', options: words(options.models, (m) => m.replace(/^ProLiant /, '')) };
    case 'nicModel':
      return { kind: 'select', label: 'NIC model', options: NIC_MODEL_KEYS.map((k) => ({ value: k, label: `${k} (${NIC_MODELS[k].chip})` })) };
    case 'readiness':
      return { kind: 'select', label: 'Readiness', options: [{ value: 'ready', label: 'Ready' }, { value: 'not-ready', label: 'Not ready' }, { value: 'unknown', label: 'Unknown' }] };
    case 'vm':
      return { kind: 'text', label: 'VM name', placeholder: 'e.g. upf' };
    case 'placement':
      return { kind: 'select', label: 'NUMA placement', options: words(PLACEMENTS, (p) => ({ 'cross-numa': 'Cross-NUMA only', 'same-numa': 'Same node only', unknown: 'Unknown only' })[p] ?? p) };
    case 'groupBy':
      return { kind: 'select', label: 'Group by', all: 'Host', options: words(CAPACITY_GROUPINGS.filter((g) => g !== 'host'), (g) => (g === 'numa-node' ? 'Host and NUMA node' : 'NIC model')) };
    case 'threshold':
      return { kind: 'number', label: 'Near limit at %', placeholder: '80', min: 1, max: 100 };
    case 'compliance':
      return { kind: 'select', label: 'Baseline', options: COMPLIANCE_VERDICTS.map((v) => ({ value: v, label: COMPLIANCE_TEXT[v].word })) };
    case 'from':
      return { kind: 'date', label: 'From (UTC day)' };
    case 'to':
      return { kind: 'date', label: 'To (UTC day, inclusive)' };
    case 'user':
      return options.users.length > 0 ? { kind: 'select', label: 'User', options: words(options.users) } : { kind: 'text', label: 'User', placeholder: 'e.g. alice' };
    case 'kind':
      return { kind: 'select', label: 'Kind', options: words(OPERATION_KINDS, operationKindWords) };
    case 'status':
      return { kind: 'select', label: 'Outcome', options: words(OPERATION_STATUSES) };
  }
}

const inputClass = 'rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm font-normal text-slate-900 shadow-xs placeholder:text-slate-400';

/** Typing waits a moment before it filters, so each keystroke does not start a report. */
function TextInput({ value, onChange, type, ...rest }: { value: string; onChange: (v: string) => void; type: 'search' | 'number'; placeholder: string; min?: number; max?: number }) {
  const [text, typeText] = useDebouncedInput(value, onChange, 300);
  return (
    <input
      type={type}
      value={text}
      onChange={(e) => typeText(e.target.value)}
      className={`${inputClass} ${type === 'number' ? 'w-24' : 'w-44'}`}
      {...rest}
    />
  );
}

export function ReportFilters({ filters, params, options, onChange }: { filters: readonly FilterKey[]; params: URLSearchParams; options: FilterOptions; onChange: (key: FilterKey, value: string) => void }) {
  return (
    <div role="group" aria-label="Filters" className="flex flex-wrap items-end gap-4">
      {filters.map((key) => {
        const field = fieldFor(key, options);
        const value = params.get(key) ?? '';
        return (
          <label key={key} className="flex flex-col gap-1 text-xs font-medium text-slate-600">
            {field.label}
            {field.kind === 'select' && (
              <select value={value} onChange={(e) => onChange(key, e.target.value)} className={inputClass}>
                <option value="">{field.all ?? 'All'}</option>
                {field.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            )}
            {field.kind === 'text' && <TextInput type="search" value={value} placeholder={field.placeholder} onChange={(v) => onChange(key, v.trim())} />}
            {field.kind === 'number' && <TextInput type="number" value={value} placeholder={field.placeholder} min={field.min} max={field.max} onChange={(v) => onChange(key, v)} />}
            {field.kind === 'date' && <input type="date" value={value} onChange={(e) => onChange(key, e.target.value)} className={inputClass} />}
          </label>
        );
      })}
    </div>
  );
}
