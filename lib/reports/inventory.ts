// Fleet SR-IOV inventory: host -> PF -> VF with driver, settings and assignment, one row per VF.
// A PF without VFs and a host without PFs still get a row (VF columns empty), so the inventory
// shows what exists and not only what is in use.

import { z } from 'zod';
import { shownMac } from '@/lib/inventory/mac';
import { iso, type Column } from './columns';
import { hostFilterShape, knownNuma, matchesNicModel, matchesVm, nicModelLabel, type HostFilters } from './filters';
import { readinessIfSelected, type FilterableHost } from './host-filter';
import type { InventoryHostRecord, InventoryPfFacts, InventoryVfRecord } from './records';
import { observedRangeTally, type ObservedRange, type Tally } from './tally';

export const inventoryQuerySchema = z.strictObject({ ...hostFilterShape });
export type InventoryQuery = HostFilters;

export type InventoryRow = {
  host: string;
  model: string;
  generation: string;
  readiness: string;
  observedAt: string | null;
  pf: string | null;
  nicModel: string | null;
  slot: string | null;
  pfDriver: string | null;
  netdev: string | null;
  pfNumaNode: number | null;
  totalVfs: number | null;
  enabledVfs: number | null;
  vf: number | null;
  vfPciAddress: string | null;
  vfDriver: string | null;
  mac: string | null;
  vlan: number | null;
  qos: number | null;
  trust: boolean | null;
  spoofchk: boolean | null;
  linkState: string | null;
  maxTxRateMbps: number | null;
  vm: string | null;
  vmNumaNode: number | null;
  assignedBy: string | null;
  assignedAt: string | null;
};

export const INVENTORY_COLUMNS: Column<InventoryRow>[] = [
  { key: 'host', header: 'Host' },
  { key: 'model', header: 'Model', downloadOnly: true },
  { key: 'generation', header: 'Generation', downloadOnly: true },
  { key: 'readiness', header: 'Readiness', kind: 'verdict', downloadOnly: true },
  { key: 'observedAt', header: 'Observed at', kind: 'time', downloadOnly: true, description: 'When the host’s agent last reported' },
  { key: 'pf', header: 'PF', description: 'PCI address of the physical function' },
  { key: 'nicModel', header: 'NIC' },
  { key: 'slot', header: 'Slot', downloadOnly: true },
  { key: 'pfDriver', header: 'PF driver' },
  { key: 'netdev', header: 'Netdev', downloadOnly: true },
  { key: 'pfNumaNode', header: 'PF NUMA', kind: 'number' },
  { key: 'totalVfs', header: 'VFs possible', kind: 'number', downloadOnly: true, description: 'sriov_totalvfs' },
  { key: 'enabledVfs', header: 'VFs enabled', kind: 'number', downloadOnly: true, description: 'sriov_numvfs' },
  { key: 'vf', header: 'VF', kind: 'number', description: 'VF index (virtfnN)' },
  { key: 'vfPciAddress', header: 'VF address' },
  { key: 'vfDriver', header: 'VF driver' },
  { key: 'mac', header: 'MAC' },
  { key: 'vlan', header: 'VLAN', kind: 'number' },
  { key: 'qos', header: 'QoS', kind: 'number', downloadOnly: true },
  { key: 'trust', header: 'Trust', kind: 'yes-no' },
  { key: 'spoofchk', header: 'Spoof check', kind: 'yes-no' },
  { key: 'linkState', header: 'Link state', downloadOnly: true },
  { key: 'maxTxRateMbps', header: 'Max TX Mbit/s', kind: 'number', downloadOnly: true },
  { key: 'vm', header: 'VM' },
  { key: 'vmNumaNode', header: 'VM NUMA', kind: 'number', downloadOnly: true },
  { key: 'assignedBy', header: 'Assigned by', downloadOnly: true },
  { key: 'assignedAt', header: 'Assigned at', kind: 'time', downloadOnly: true },
];

type HostPart = Pick<InventoryRow, 'host' | 'model' | 'generation' | 'readiness' | 'observedAt'>;
type PfPart = Pick<InventoryRow, 'pf' | 'nicModel' | 'slot' | 'pfDriver' | 'netdev' | 'pfNumaNode' | 'totalVfs' | 'enabledVfs'>;

const NO_PF: PfPart = { pf: null, nicModel: null, slot: null, pfDriver: null, netdev: null, pfNumaNode: null, totalVfs: null, enabledVfs: null };

/** One literal with every column, not spreads of parts: there are 512,000 of these on a 2,000-host fleet. */
function inventoryRow(h: HostPart, p: PfPart, vf: InventoryVfRecord | null): InventoryRow {
  return {
    host: h.host,
    model: h.model,
    generation: h.generation,
    readiness: h.readiness,
    observedAt: h.observedAt,
    pf: p.pf,
    nicModel: p.nicModel,
    slot: p.slot,
    pfDriver: p.pfDriver,
    netdev: p.netdev,
    pfNumaNode: p.pfNumaNode,
    totalVfs: p.totalVfs,
    enabledVfs: p.enabledVfs,
    vf: vf ? vf.index : null,
    vfPciAddress: vf ? vf.pciAddress : null,
    vfDriver: vf ? vf.driver : null,
    // All zeros is no MAC (the guest makes one up at each boot): empty, not an address.
    mac: vf ? shownMac(vf.mac) : null,
    vlan: vf ? vf.vlan : null,
    qos: vf ? vf.qos : null,
    trust: vf ? vf.trust : null,
    spoofchk: vf ? vf.spoofchk : null,
    linkState: vf ? vf.linkState : null,
    maxTxRateMbps: vf ? vf.maxTxRateMbps : null,
    vm: vf ? vf.vm : null,
    vmNumaNode: vf ? knownNuma(vf.vmNumaNode) : null,
    assignedBy: vf ? vf.assignedBy : null,
    assignedAt: vf ? iso(vf.assignedAt) : null,
  };
}

export function inventoryRows(host: InventoryHostRecord, query: InventoryQuery): InventoryRow[] {
  const readiness = readinessIfSelected(host, query);
  if (!readiness) return [];
  const hostPart: HostPart = { host: host.name, model: host.model, generation: host.generation, readiness: readiness.verdict, observedAt: iso(host.observedAt) };
  // With a VM filter only VFs held by matching VMs are rows: the question is "what does this VM hold".
  if (host.physicalFunctions.length === 0) return query.vm || query.nicModel ? [] : [inventoryRow(hostPart, NO_PF, null)];

  const rows: InventoryRow[] = [];
  for (const pf of host.physicalFunctions) {
    if (!matchesNicModel(pf, query.nicModel)) continue;
    const pfPart: PfPart = {
      pf: pf.pciAddress,
      nicModel: nicModelLabel(pf),
      slot: pf.slot,
      pfDriver: pf.driver,
      netdev: pf.netdev,
      pfNumaNode: knownNuma(pf.numaNode),
      totalVfs: pf.totalVfs,
      enabledVfs: pf.currentVfs,
    };
    const vfs = query.vm ? pf.virtualFunctions.filter((vf) => vf.vm !== null && matchesVm(vf.vm, query.vm)) : pf.virtualFunctions;
    if (vfs.length === 0 && !query.vm) rows.push(inventoryRow(hostPart, pfPart, null));
    for (const vf of vfs) rows.push(inventoryRow(hostPart, pfPart, vf));
  }
  return rows;
}

export interface InventorySummary {
  hosts: number;
  pfs: number;
  sriovPfs: number;
  vfs: number;
  assigned: number;
  vfioBound: number;
  byNicModel: { nicModel: string; pfs: number; vfs: number; assigned: number; free: number }[];
  observed: ObservedRange;
}

type NicCounts = { pfs: number; vfs: number; assigned: number };

/** The figures both ways of adding up share: counters, the NIC-model breakdown, the data times. */
function inventoryCounters() {
  const observed = observedRangeTally();
  const byNic = new Map<string, NicCounts>();
  const totals = { pfs: 0, sriovPfs: 0, vfs: 0, assigned: 0, vfioBound: 0 };
  return {
    observed,
    totals,
    nic(nicModel: string): NicCounts {
      const nic = byNic.get(nicModel) ?? { pfs: 0, vfs: 0, assigned: 0 };
      byNic.set(nicModel, nic);
      return nic;
    },
    result: (): InventorySummary => ({
      hosts: observed.hosts(),
      ...totals,
      byNicModel: [...byNic].map(([nicModel, n]) => ({ nicModel, ...n, free: n.vfs - n.assigned })).sort((a, b) => b.vfs - a.vfs || a.nicModel.localeCompare(b.nicModel)),
      observed: observed.result(),
    }),
  };
}

/** Figures added up row by row, for the JSON download (which streams the rows anyway). */
export function inventoryTally(): Tally<InventoryRow, InventorySummary> {
  const counters = inventoryCounters();
  const { totals } = counters;
  let lastPf = '';
  return {
    add(row) {
      counters.observed.add(row.host, row.observedAt);
      if (row.pf === null || row.nicModel === null) return;
      const nic = counters.nic(row.nicModel);
      // Rows come host by host, PF by PF: a new PF starts where the key changes.
      const pfKey = `${row.host}/${row.pf}`;
      if (pfKey !== lastPf) {
        lastPf = pfKey;
        totals.pfs++;
        nic.pfs++;
        if ((row.totalVfs ?? 0) > 0) totals.sriovPfs++;
      }
      if (row.vf === null) return;
      totals.vfs++;
      nic.vfs++;
      if (row.vm !== null) {
        totals.assigned++;
        nic.assigned++;
      }
      if (row.vfDriver === 'vfio-pci') totals.vfioBound++;
    },
    result: counters.result,
  };
}

/** What the database counts for one PF's VFs (inventory-sql.ts), already narrowed to the VM filter. */
export interface PfVfCounts {
  vfs: number;
  assigned: number;
  vfioBound: number;
}

const NO_VFS: PfVfCounts = { vfs: 0, assigned: 0, vfioBound: 0 };

/**
 * The same figures as inventoryTally() and the same row count as inventoryRows(), from the host's
 * PFs and per-PF VF counts instead of the rows: the report page answers from these without
 * reading 256 VFs a host (lib/reports/inventory.test.ts checks both ways agree).
 */
export function inventoryFigures() {
  const counters = inventoryCounters();
  const { totals } = counters;
  let rowCount = 0;
  return {
    addHost<Pf extends Omit<InventoryPfFacts, 'id'>>(host: FilterableHost & { physicalFunctions: Pf[] }, countsOf: (pf: Pf) => PfVfCounts | undefined, query: InventoryQuery) {
      if (!readinessIfSelected(host, query)) return;
      let hostRows = host.physicalFunctions.length === 0 && !query.vm && !query.nicModel ? 1 : 0;
      for (const pf of host.physicalFunctions) {
        if (!matchesNicModel(pf, query.nicModel)) continue;
        const counts = countsOf(pf) ?? NO_VFS;
        // As in inventoryRows(): a PF without (matching) VFs is a row of its own, except under a VM filter.
        const pfRows = counts.vfs > 0 ? counts.vfs : query.vm ? 0 : 1;
        if (pfRows === 0) continue;
        hostRows += pfRows;
        const nic = counters.nic(nicModelLabel(pf));
        totals.pfs++;
        nic.pfs++;
        if (pf.totalVfs > 0) totals.sriovPfs++;
        totals.vfs += counts.vfs;
        nic.vfs += counts.vfs;
        totals.assigned += counts.assigned;
        nic.assigned += counts.assigned;
        totals.vfioBound += counts.vfioBound;
      }
      if (hostRows === 0) return;
      rowCount += hostRows;
      counters.observed.add(host.name, iso(host.observedAt));
    },
    rowCount: () => rowCount,
    result: counters.result,
  };
}
