// The fleet view's rows, filters, sorting and summary, computed from inventory records.
// Pure functions: the route handlers and the page call them through service.ts.

import { z } from 'zod';
import { queryInt } from '@/lib/query';
import type { FleetHostRecord } from '@/lib/db/hosts';
import { labelKeySchema, labelValueSchema } from '@/lib/policies/selector';
import { hostReadiness, READINESS_VERDICTS, type Readiness, type ReadinessVerdict } from './readiness';
import { AGENT_STATUSES, SERVER_GENERATIONS, type AgentStatus } from './vocabulary';

export interface FleetRow {
  id: string;
  name: string;
  model: string;
  generation: string;
  ilo: { generation: string; firmwareVersion: string | null } | null;
  readiness: Readiness;
  pfs: { total: number; sriovCapable: number };
  vfs: { assigned: number; enabled: number; capacity: number };
  vms: number;
  agent: { status: AgentStatus; lastSeenAt: string | null };
  labels: Record<string, string>;
}

export function toFleetRow(host: FleetHostRecord): FleetRow {
  const readiness = hostReadiness(host);
  return {
    id: host.id,
    name: host.name,
    model: host.model,
    generation: host.generation,
    ilo: host.bmc ? { generation: host.bmc.generation, firmwareVersion: host.bmc.firmwareVersion } : null,
    readiness,
    pfs: { total: host.physicalFunctions.length, sriovCapable: host.physicalFunctions.filter((pf) => pf.totalVfs > 0).length },
    vfs: {
      assigned: host._count.assignments,
      enabled: host.physicalFunctions.reduce((n, pf) => n + pf.currentVfs, 0),
      capacity: host.physicalFunctions.reduce((n, pf) => n + pf.totalVfs, 0),
    },
    vms: host._count.virtualMachines,
    agent: { status: host.agentStatus as AgentStatus, lastSeenAt: host.lastSeenAt?.toISOString() ?? null },
    labels: Object.fromEntries(host.labels.map((l) => [l.key, l.value])),
  };
}

export const FLEET_SORT_KEYS = ['name', 'model', 'generation', 'ilo', 'readiness', 'pfs', 'vfsAssigned', 'vfsEnabled', 'vfsCapacity', 'vms', 'agent'] as const;
export type FleetSortKey = (typeof FLEET_SORT_KEYS)[number];

/** The agent filter: a status, or "not-reporting" for offline and never seen together. */
export const AGENT_FILTERS = [...AGENT_STATUSES, 'not-reporting'] as const;
export type AgentFilter = (typeof AGENT_FILTERS)[number];

/** An agent that is not answering: offline, or never seen at all. Such a host needs someone. */
export function agentNotReporting(status: AgentStatus): boolean {
  return status !== 'online';
}

/**
 * "role=kvm, rack=a12" or "role" (has the label, any value): the fleet's label filter, as typed.
 * The first part that is neither is named, so a typo is not taken for "matches nothing".
 */
export function parseLabelFilter(text: string): { ok: true; labels: Record<string, string> } | { ok: false; message: string } {
  const labels: Record<string, string> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key, value, extra] = part.split('=').map((x) => x.trim());
    if (extra !== undefined || !labelKeySchema.safeParse(key).success || (value !== undefined && !labelValueSchema.safeParse(value).success)) {
      return { ok: false, message: `"${part}" is not key=value or key (labels like role=kvm)` };
    }
    labels[key!] = value ?? '*';
  }
  return { ok: true, labels };
}

const labelFilterSchema = z
  .string()
  .trim()
  .max(300, 'at most 300 characters')
  .superRefine((text, ctx) => {
    const parsed = parseLabelFilter(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
  });

export const fleetQuerySchema = z.strictObject({
  q: z.string().trim().max(100, 'q: at most 100 characters').optional(),
  label: labelFilterSchema.optional(),
  readiness: z.enum(READINESS_VERDICTS).optional(),
  generation: z.enum(SERVER_GENERATIONS).optional(),
  agent: z.enum(AGENT_FILTERS).optional(),
  sort: z.enum(FLEET_SORT_KEYS).default('name'),
  dir: z.enum(['asc', 'desc']).default('asc'),
  page: queryInt(1, 100_000).default(1),
  pageSize: queryInt(1, 500).default(50),
});
export type FleetQuery = z.infer<typeof fleetQuerySchema>;

const GENERATION_ORDER = new Map<string, number>(SERVER_GENERATIONS.map((g, i) => [g, i]));
const VERDICT_ORDER: Record<ReadinessVerdict, number> = { 'not-ready': 0, unknown: 1, ready: 2 };
const AGENT_ORDER: Record<AgentStatus, number> = { offline: 0, 'never-seen': 1, online: 2 };

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

type SortValue = string | number;
const SORT_VALUE: Record<FleetSortKey, (r: FleetRow) => SortValue> = {
  name: (r) => r.name,
  // The model names its generation ("DL380 Gen10"): order by generation first, as operators think of them.
  model: (r) => `${String(GENERATION_ORDER.get(r.generation) ?? 9).padStart(2, '0')} ${r.model}`,
  generation: (r) => GENERATION_ORDER.get(r.generation) ?? -1,
  ilo: (r) => (r.ilo ? `${r.ilo.generation} ${r.ilo.firmwareVersion ?? ''}` : ''),
  // Worst first when ascending: hosts that need action, then those not yet known, then ready.
  readiness: (r) => VERDICT_ORDER[r.readiness.verdict] * 10 + r.readiness.links.filter((l) => l.status === 'ok').length,
  pfs: (r) => r.pfs.total,
  vfsAssigned: (r) => r.vfs.assigned,
  vfsEnabled: (r) => r.vfs.enabled,
  vfsCapacity: (r) => r.vfs.capacity,
  vms: (r) => r.vms,
  agent: (r) => AGENT_ORDER[r.agent.status] ?? -1,
};

function compare(a: SortValue, b: SortValue): number {
  return typeof a === 'number' && typeof b === 'number' ? a - b : collator.compare(String(a), String(b));
}

export interface FleetPage {
  hosts: FleetRow[];
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
}

export function queryFleet(rows: FleetRow[], query: FleetQuery): FleetPage {
  const needle = query.q?.toLowerCase();
  const parsed = query.label ? parseLabelFilter(query.label) : null;
  const labels = parsed?.ok ? Object.entries(parsed.labels) : [];
  const filtered = rows.filter(
    (r) =>
      (!needle || r.name.toLowerCase().includes(needle)) &&
      labels.every(([key, value]) => r.labels[key] !== undefined && (value === '*' || r.labels[key] === value)) &&
      (!query.readiness || r.readiness.verdict === query.readiness) &&
      (!query.generation || r.generation === query.generation) &&
      (!query.agent || (query.agent === 'not-reporting' ? agentNotReporting(r.agent.status) : r.agent.status === query.agent)),
  );
  const value = SORT_VALUE[query.sort];
  const sign = query.dir === 'asc' ? 1 : -1;
  const sorted = filtered.toSorted((a, b) => sign * compare(value(a), value(b)) || collator.compare(a.name, b.name));
  const pageCount = Math.max(1, Math.ceil(sorted.length / query.pageSize));
  const start = (query.page - 1) * query.pageSize;
  return { hosts: sorted.slice(start, start + query.pageSize), total: sorted.length, page: query.page, pageSize: query.pageSize, pageCount };
}

export interface FleetSummary {
  hosts: number;
  readyHosts: number;
  notReadyHosts: number;
  unknownHosts: number;
  /** Hosts someone must look at: a failing readiness link, or an agent offline or never seen. */
  hostsNeedingAttention: number;
  agents: { online: number; offline: number; neverSeen: number };
  vfs: { enabled: number; assigned: number; free: number; capacity: number };
}

export function summarizeFleet(rows: FleetRow[]): FleetSummary {
  const count = (pred: (r: FleetRow) => boolean) => rows.filter(pred).length;
  const enabled = rows.reduce((n, r) => n + r.vfs.enabled, 0);
  const assigned = rows.reduce((n, r) => n + r.vfs.assigned, 0);
  return {
    hosts: rows.length,
    readyHosts: count((r) => r.readiness.verdict === 'ready'),
    notReadyHosts: count((r) => r.readiness.verdict === 'not-ready'),
    unknownHosts: count((r) => r.readiness.verdict === 'unknown'),
    hostsNeedingAttention: count((r) => r.readiness.verdict === 'not-ready' || agentNotReporting(r.agent.status)),
    agents: { online: count((r) => r.agent.status === 'online'), offline: count((r) => r.agent.status === 'offline'), neverSeen: count((r) => r.agent.status === 'never-seen') },
    vfs: { enabled, assigned, free: enabled - assigned, capacity: rows.reduce((n, r) => n + r.vfs.capacity, 0) },
  };
}
