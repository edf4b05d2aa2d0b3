// Capacity: VFs possible (sriov_totalvfs), enabled (sriov_numvfs), assigned and free, per host, per
// host and NUMA node, or per NIC model; and which of them are close to running out.

import { z } from 'zod';
import { queryInt } from '@/lib/query';
import type { Column } from './columns';
import { hostFilterShape, knownNuma, matchesNicModel, nicModelLabel, type HostFilters } from './filters';
import { selectedByStoredVerdict } from './host-filter';
import type { CapacityHostRecord } from './records';
import { observedRangeTally, type ObservedRange, type Tally } from './tally';

export const CAPACITY_GROUPINGS = ['host', 'numa-node', 'nic-model'] as const;
export type CapacityGrouping = (typeof CAPACITY_GROUPINGS)[number];

export const capacityQuerySchema = z.strictObject({
  ...hostFilterShape,
  groupBy: z.enum(CAPACITY_GROUPINGS).default('host'),
  /** Percent of VFs assigned at which a group counts as near its limit. */
  threshold: queryInt(1, 100).default(80),
});
export type CapacityQuery = HostFilters & { groupBy: CapacityGrouping; threshold: number };

/**
 * near-limit: assigned VFs reach the threshold of the VFs the hardware allows (adding more needs
 * another NIC or host); few-free: they reach it of the VFs enabled, while the hardware allows
 * more (enable more VFs); no-sriov: nothing to give out; not-reported: the agent has not said.
 */
export const CAPACITY_STATUSES = ['near-limit', 'few-free', 'ok', 'no-sriov', 'not-reported'] as const;
export type CapacityStatus = (typeof CAPACITY_STATUSES)[number];

export type CapacityRow = {
  group: string;
  host: string | null;
  numaNode: number | null;
  nicModel: string | null;
  hosts: number;
  pfs: number;
  possible: number;
  enabled: number;
  assigned: number;
  free: number;
  notEnabled: number;
  usedPercent: number | null;
  status: CapacityStatus;
  observedAt: string | null;
};

export const CAPACITY_COLUMNS: Column<CapacityRow>[] = [
  { key: 'group', header: 'Group' },
  { key: 'host', header: 'Host', downloadOnly: true },
  { key: 'numaNode', header: 'NUMA node', kind: 'number', downloadOnly: true },
  { key: 'nicModel', header: 'NIC model', downloadOnly: true },
  { key: 'hosts', header: 'Hosts', kind: 'number' },
  { key: 'pfs', header: 'PFs', kind: 'number', description: 'Physical functions counted (SR-IOV capable or not)' },
  { key: 'possible', header: 'Possible', kind: 'number', description: 'VFs the hardware allows (sum of sriov_totalvfs)' },
  { key: 'enabled', header: 'Enabled', kind: 'number', description: 'VFs enabled (sum of sriov_numvfs)' },
  { key: 'assigned', header: 'Assigned', kind: 'number', description: 'VFs given to VMs' },
  { key: 'free', header: 'Free', kind: 'number', description: 'Enabled and not assigned' },
  { key: 'notEnabled', header: 'Not enabled', kind: 'number', description: 'Possible but not enabled' },
  { key: 'usedPercent', header: 'Used %', kind: 'number', description: 'Assigned as a share of possible' },
  { key: 'status', header: 'Status', kind: 'capacity' },
  { key: 'observedAt', header: 'Observed at', kind: 'time', downloadOnly: true, description: 'Host grouping: when the agent last reported' },
];

/** One PF's contribution (or a host's, when it has reported no PFs). */
export interface CapacityPart {
  host: string;
  observedAt: string | null;
  nicModel: string | null;
  numaNode: number | null;
  pfs: number;
  possible: number;
  enabled: number;
  assigned: number;
}

export function capacityParts(host: CapacityHostRecord, query: HostFilters): CapacityPart[] {
  if (!selectedByStoredVerdict(host, query)) return [];
  const observedAt = host.observedAt?.toISOString() ?? null;
  const pfs = host.physicalFunctions.filter((pf) => matchesNicModel(pf, query.nicModel));
  if (pfs.length === 0) return [{ host: host.name, observedAt, nicModel: null, numaNode: null, pfs: 0, possible: 0, enabled: 0, assigned: 0 }];
  return pfs.map((pf) => ({
    host: host.name,
    observedAt,
    nicModel: nicModelLabel(pf),
    numaNode: knownNuma(pf.numaNode),
    pfs: 1,
    possible: pf.totalVfs,
    enabled: pf.currentVfs,
    assigned: pf._count.virtualFunctions,
  }));
}

export function capacityStatus(g: { possible: number; enabled: number; assigned: number; reported: boolean }, threshold: number): CapacityStatus {
  if (g.possible === 0) return g.reported ? 'no-sriov' : 'not-reported';
  if (g.assigned * 100 >= g.possible * threshold) return 'near-limit';
  if (g.enabled > 0 && g.enabled < g.possible && g.assigned * 100 >= g.enabled * threshold) return 'few-free';
  return 'ok';
}

function groupOf(part: CapacityPart, groupBy: CapacityGrouping): { key: string; host: string | null; numaNode: number | null; nicModel: string | null } | null {
  switch (groupBy) {
    case 'host':
      return { key: part.host, host: part.host, numaNode: null, nicModel: null };
    case 'numa-node':
      if (part.pfs === 0) return { key: part.host, host: part.host, numaNode: null, nicModel: null };
      return { key: `${part.host} · NUMA ${part.numaNode ?? 'unknown'}`, host: part.host, numaNode: part.numaNode, nicModel: null };
    case 'nic-model':
      // A host without PFs has no NIC model to count under.
      return part.nicModel === null ? null : { key: part.nicModel, host: null, numaNode: null, nicModel: part.nicModel };
  }
}

/**
 * Adds parts up into rows. Host and NUMA-node groups never span hosts, so the streaming source
 * starts a new grouper per page of hosts; NIC-model groups span the fleet, and there are few.
 */
export function capacityGrouper(groupBy: CapacityGrouping, threshold: number) {
  const groups = new Map<string, Omit<CapacityRow, 'free' | 'notEnabled' | 'usedPercent' | 'status' | 'hosts'> & { hostNames: Set<string>; reported: boolean }>();
  return {
    add(part: CapacityPart) {
      const g = groupOf(part, groupBy);
      if (!g) return;
      const row = groups.get(g.key) ?? {
        group: g.key,
        host: g.host,
        numaNode: g.numaNode,
        nicModel: g.nicModel,
        hostNames: new Set<string>(),
        pfs: 0,
        possible: 0,
        enabled: 0,
        assigned: 0,
        reported: false,
        observedAt: groupBy === 'nic-model' ? null : part.observedAt,
      };
      groups.set(g.key, row);
      row.hostNames.add(part.host);
      row.pfs += part.pfs;
      row.possible += part.possible;
      row.enabled += part.enabled;
      row.assigned += part.assigned;
      row.reported ||= part.pfs > 0 || part.observedAt !== null;
    },
    rows(): CapacityRow[] {
      // Hosts in the order they came (by name); a host's NUMA nodes in number order, whatever order the database gave its PFs in.
      const hostOrder = new Map([...groups.values()].map((g, i) => [g.host, i] as const).reverse());
      const ordered = [...groups.values()].sort((a, b) => groupBy !== 'numa-node' ? 0 : (hostOrder.get(a.host) ?? 0) - (hostOrder.get(b.host) ?? 0) || (a.numaNode ?? Infinity) - (b.numaNode ?? Infinity));
      return ordered.map(({ hostNames, reported, ...g }) => ({
        ...g,
        hosts: hostNames.size,
        free: Math.max(0, g.enabled - g.assigned),
        notEnabled: Math.max(0, g.possible - g.enabled),
        usedPercent: g.possible > 0 ? Math.round((g.assigned / g.possible) * 1000) / 10 : null,
        status: capacityStatus({ ...g, reported }, threshold),
      }));
    },
  };
}

export interface CapacitySummary {
  groups: number;
  possible: number;
  enabled: number;
  assigned: number;
  free: number;
  byStatus: Record<CapacityStatus, number>;
  /** Groups with VFs possible, which are the ones a chart can show. */
  chartable: number;
  /** The groups for the chart, busiest first; at most CHART_GROUPS of them. */
  chart: { group: string; assigned: number; free: number; notEnabled: number; usedPercent: number | null }[];
  observed: ObservedRange;
}

export const CHART_GROUPS = 40;

export function capacityTally(): Tally<CapacityRow, CapacitySummary> {
  const observed = observedRangeTally();
  const byStatus = Object.fromEntries(CAPACITY_STATUSES.map((s) => [s, 0])) as Record<CapacityStatus, number>;
  let chart: CapacitySummary['chart'] = [];
  let groups = 0;
  let chartable = 0;
  let possible = 0;
  let enabled = 0;
  let assigned = 0;
  const busiestFirst = (a: CapacitySummary['chart'][number], b: CapacitySummary['chart'][number]) => (b.usedPercent ?? -1) - (a.usedPercent ?? -1) || b.assigned - a.assigned;
  return {
    add(row) {
      if (row.host !== null) observed.add(row.host, row.observedAt);
      groups++;
      possible += row.possible;
      enabled += row.enabled;
      assigned += row.assigned;
      byStatus[row.status]++;
      if (row.possible === 0) return;
      chartable++;
      chart.push({ group: row.group, assigned: row.assigned, free: row.free, notEnabled: row.notEnabled, usedPercent: row.usedPercent });
      // Keep memory bounded on big fleets: only the busiest groups are charted.
      if (chart.length > CHART_GROUPS * 2) chart = chart.sort(busiestFirst).slice(0, CHART_GROUPS);
    },
    result: () => ({
      groups,
      possible,
      enabled,
      assigned,
      free: Math.max(0, enabled - assigned),
      byStatus,
      chartable,
      chart: chart.sort(busiestFirst).slice(0, CHART_GROUPS),
      observed: observed.result(),
    }),
  };
}
