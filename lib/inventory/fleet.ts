// The fleet view's rows, filters, sorting and summary. The database does the work, on the figures
// fleet-facts.ts stores on each host; these build its queries and shape its answers, and the route
// handlers and the page call them through service.ts.

import { z } from 'zod';
import { queryInt } from '@/lib/query';
import type { Prisma } from '@/lib/generated/prisma/client';
import { labelKeySchema, labelValueSchema } from '@/lib/policies/selector';
import { READINESS_VERDICTS, type Readiness, type ReadinessLink, type ReadinessVerdict } from './readiness';
import { AGENT_STATUSES, SERVER_GENERATIONS, type AgentStatus } from './vocabulary';
import { containsText } from '@/lib/db/text-search';

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

/** What a fleet row reads of a host: its stored fleet figures (fleet-facts.ts), never its PFs or BIOS. */
export const fleetRowSelect = {
  id: true,
  name: true,
  model: true,
  generation: true,
  readinessVerdict: true,
  readinessLinks: true,
  pfCount: true,
  pfSriovCapable: true,
  vfsEnabled: true,
  vfsAssigned: true,
  vfsCapacity: true,
  vmCount: true,
  agentStatus: true,
  lastSeenAt: true,
  bmc: { select: { generation: true, firmwareVersion: true } },
  labels: { select: { key: true, value: true }, orderBy: { key: 'asc' } },
} satisfies Prisma.HostSelect;

export type FleetRowRecord = Prisma.HostGetPayload<{ select: typeof fleetRowSelect }>;

function storedLinks(text: string): ReadinessLink[] {
  try {
    const links: unknown = JSON.parse(text);
    return Array.isArray(links) ? (links as ReadinessLink[]) : [];
  } catch {
    return [];
  }
}

export function toFleetRow(host: FleetRowRecord): FleetRow {
  return {
    id: host.id,
    name: host.name,
    model: host.model,
    generation: host.generation,
    ilo: host.bmc ? { generation: host.bmc.generation, firmwareVersion: host.bmc.firmwareVersion } : null,
    readiness: { verdict: host.readinessVerdict as ReadinessVerdict, links: storedLinks(host.readinessLinks) },
    pfs: { total: host.pfCount, sriovCapable: host.pfSriovCapable },
    vfs: { assigned: host.vfsAssigned, enabled: host.vfsEnabled, capacity: host.vfsCapacity },
    vms: host.vmCount,
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

type Dir = 'asc' | 'desc';
const ORDER_BY: Record<FleetSortKey, (dir: Dir) => Prisma.HostOrderByWithRelationInput[]> = {
  name: (dir) => [{ nameKey: dir }],
  // The model names its generation ("DL380 Gen10"): order by generation first, as operators think of them.
  model: (dir) => [{ generationRank: dir }, { model: dir }],
  generation: (dir) => [{ generationRank: dir }],
  ilo: (dir) => [{ bmc: { generation: dir } }, { bmc: { firmwareVersion: dir } }],
  // Worst first when ascending: hosts that need action, then those not yet known, then ready.
  readiness: (dir) => [{ readinessRank: dir }],
  pfs: (dir) => [{ pfCount: dir }],
  vfsAssigned: (dir) => [{ vfsAssigned: dir }],
  vfsEnabled: (dir) => [{ vfsEnabled: dir }],
  vfsCapacity: (dir) => [{ vfsCapacity: dir }],
  vms: (dir) => [{ vmCount: dir }],
  // Not reporting first when ascending: never seen, offline, then online.
  agent: (dir) => [{ agentStatus: dir }],
};

/** The fleet query as SQL: ties go by name, then id, so pages never overlap. */
export function fleetOrderBy(query: Pick<FleetQuery, 'sort' | 'dir'>): Prisma.HostOrderByWithRelationInput[] {
  return [...ORDER_BY[query.sort](query.dir), { nameKey: 'asc' }, { id: 'asc' }];
}

/**
 * Ignores case, as the search box promises (containsText). Host names hold only letters,
 * digits, "." and "-" (register.ts), so a search with anything else, SQL's wildcards among them,
 * finds no host rather than being taken as a pattern.
 */
function nameContains(needle: string): Prisma.HostWhereInput {
  return /^[a-z0-9.-]+$/i.test(needle) ? { name: containsText(needle) } : { id: { in: [] } };
}

export function fleetWhere(query: FleetQuery): Prisma.HostWhereInput {
  const parsed = query.label ? parseLabelFilter(query.label) : null;
  const labels = parsed?.ok ? Object.entries(parsed.labels) : [];
  return {
    AND: [
      ...(query.q ? [nameContains(query.q)] : []),
      ...labels.map(([key, value]) => ({ labels: { some: value === '*' ? { key } : { key, value } } })),
      ...(query.readiness ? [{ readinessVerdict: query.readiness }] : []),
      ...(query.generation ? [{ generation: query.generation }] : []),
      ...(query.agent ? [{ agentStatus: query.agent === 'not-reporting' ? { not: 'online' } : query.agent }] : []),
    ],
  };
}

export interface FleetPage {
  hosts: FleetRow[];
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
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
  /**
   * VFs assigned to running VMs whose guest answered without them, and of those the ones not seen
   * for longer than GUEST_DRIFT_AFTER_MS (drift); null where they were not counted (/metrics).
   */
  guests: { notSeen: number; drifted: number } | null;
}

/** One group of hosts sharing a verdict and an agent status, as the database adds them up. */
export interface FleetGroup {
  verdict: string;
  agentStatus: string;
  hosts: number;
  vfs: { enabled: number; assigned: number; capacity: number };
}

export function summarizeFleet(groups: FleetGroup[], guests: FleetSummary['guests'] = null): FleetSummary {
  const count = (pred: (g: FleetGroup) => boolean) => groups.filter(pred).reduce((n, g) => n + g.hosts, 0);
  const sum = (key: keyof FleetGroup['vfs']) => groups.reduce((n, g) => n + g.vfs[key], 0);
  const enabled = sum('enabled');
  const assigned = sum('assigned');
  return {
    hosts: count(() => true),
    readyHosts: count((g) => g.verdict === 'ready'),
    notReadyHosts: count((g) => g.verdict === 'not-ready'),
    unknownHosts: count((g) => g.verdict === 'unknown'),
    hostsNeedingAttention: count((g) => g.verdict === 'not-ready' || agentNotReporting(g.agentStatus as AgentStatus)),
    agents: { online: count((g) => g.agentStatus === 'online'), offline: count((g) => g.agentStatus === 'offline'), neverSeen: count((g) => g.agentStatus === 'never-seen') },
    vfs: { enabled, assigned, free: enabled - assigned, capacity: sum('capacity') },
    guests,
  };
}
