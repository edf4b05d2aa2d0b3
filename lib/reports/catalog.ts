// The six reports: names, titles, the question each answers, their filters and columns. Safe
// for the browser (no database code), so the pages and the API describe reports the same way.

import type { z } from 'zod';
import { ALLOCATION_COLUMNS, allocationQuerySchema } from './allocation';
import { CAPACITY_COLUMNS, capacityQuerySchema } from './capacity';
import type { Column, ReportRow } from './columns';
import { BASELINE_SCOPE, COMPLIANCE_COLUMNS, complianceQuerySchema } from './compliance';
import { HISTORY_COLUMNS, historyQuerySchema } from './history';
import { INVENTORY_COLUMNS, inventoryQuerySchema } from './inventory';
import { MAC_DUPLICATE_COLUMNS, macDuplicatesQuerySchema } from './mac-duplicates';

export const REPORT_NAMES = ['inventory', 'allocation', 'capacity', 'compliance', 'history', 'mac-duplicates'] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

export const REPORT_FORMATS = ['json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export type FilterKey =
  | 'host'
  | 'generation'
  | 'model'
  | 'nicModel'
  | 'readiness'
  | 'vm'
  | 'placement'
  | 'groupBy'
  | 'threshold'
  | 'compliance'
  | 'from'
  | 'to'
  | 'user'
  | 'kind'
  | 'status';

export interface ReportMeta {
  name: ReportName;
  title: string;
  /** The question the report answers, in an operator's words. */
  question: string;
  /** What the report's verdict covers and what it does not, said on the page and in print. */
  scope?: string;
  filters: readonly FilterKey[];
  columns: readonly Column<ReportRow>[];
  schema: z.ZodType;
  /** Rows belong to hosts: the table groups them and printing starts each host on a new page. */
  groupedByHost: boolean;
}

const HOST_FILTERS = ['host', 'generation', 'model', 'nicModel', 'readiness', 'vm'] as const satisfies readonly FilterKey[];

export const REPORTS: Record<ReportName, ReportMeta> = {
  inventory: {
    name: 'inventory',
    title: 'Fleet SR-IOV inventory',
    question: 'Every host, its physical functions and their VFs, with driver, settings and the VM each VF is given to.',
    filters: HOST_FILTERS,
    columns: INVENTORY_COLUMNS as Column<ReportRow>[],
    schema: inventoryQuerySchema,
    groupedByHost: true,
  },
  allocation: {
    name: 'allocation',
    title: 'VF allocation',
    question: 'Which VFs each VM holds, and which VMs use a VF whose NIC sits on the other NUMA node.',
    filters: [...HOST_FILTERS, 'placement'],
    columns: ALLOCATION_COLUMNS as Column<ReportRow>[],
    schema: allocationQuerySchema,
    groupedByHost: true,
  },
  capacity: {
    name: 'capacity',
    title: 'VF capacity',
    question: 'How many VFs are possible, enabled, assigned and free — per host, NUMA node or NIC model — and where they run short.',
    filters: [...HOST_FILTERS, 'groupBy', 'threshold'],
    columns: CAPACITY_COLUMNS as Column<ReportRow>[],
    schema: capacityQuerySchema,
    groupedByHost: false,
  },
  compliance: {
    name: 'compliance',
    title: 'BIOS and readiness compliance',
    question: 'Which hosts differ from the built-in SR-IOV baseline policy (BIOS SR-IOV, VT-d / AMD IOMMU, VT-x; the IOMMU kernel arguments; vfio-pci), what differs and what is pending.',
    scope: BASELINE_SCOPE,
    filters: [...HOST_FILTERS, 'compliance'],
    columns: COMPLIANCE_COLUMNS as Column<ReportRow>[],
    schema: complianceQuerySchema,
    groupedByHost: false,
  },
  history: {
    name: 'history',
    title: 'Change history',
    question: 'The operations requested in a time range, by user, host and kind, with their outcome.',
    filters: ['from', 'to', 'user', 'host', 'kind', 'status'],
    columns: HISTORY_COLUMNS as Column<ReportRow>[],
    schema: historyQuerySchema,
    groupedByHost: false,
  },
  'mac-duplicates': {
    name: 'mac-duplicates',
    title: 'Duplicate MACs',
    question: 'Which VFs anywhere in the fleet share a MAC with another VF, and which of them the dashboard gave that MAC to.',
    scope: 'MACs as the PF drivers report them at the last poll; all-zero MACs (a VF without one of its own) are not counted.',
    filters: ['host'],
    columns: MAC_DUPLICATE_COLUMNS as Column<ReportRow>[],
    schema: macDuplicatesQuerySchema,
    groupedByHost: false,
  },
};

export function isReportName(name: string): name is ReportName {
  return (REPORT_NAMES as readonly string[]).includes(name);
}

/** What the report page shows: the figures for all rows, and the first rows themselves. */
export interface ReportView<Summary = unknown> {
  report: ReportName;
  title: string;
  generatedAt: string;
  rows: ReportRow[];
  rowCount: number;
  /** More rows matched than a page shows; the downloads have them all. */
  truncated: boolean;
  summary: Summary;
}

export const VIEW_ROW_LIMIT = 1000;

export const reportQueryKeys = {
  all: ['reports'] as const,
  view: (name: ReportName, params: string) => ['reports', name, params] as const,
};

/** The filters as the URL carries them: only known keys with a value, in a stable order. */
export function reportSearchParams(name: ReportName, params: URLSearchParams | Record<string, string | string[] | undefined>): URLSearchParams {
  const entries = params instanceof URLSearchParams ? [...params] : Object.entries(params);
  const allowed = new Set<string>(REPORTS[name].filters);
  const kept = new URLSearchParams();
  for (const [key, value] of entries.sort(([a], [b]) => a.localeCompare(b))) {
    const v = Array.isArray(value) ? value[0] : value;
    if (v && allowed.has(key)) kept.set(key, v);
  }
  return kept;
}
