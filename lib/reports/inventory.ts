// Fleet SR-IOV inventory: host -> PF -> VF with driver, settings and assignment, one row per VF.
// A PF without VFs and a host without PFs still get a row (VF columns empty), so the inventory
// shows what exists and not only what is in use.

import { z } from 'zod';
import { iso, type Column } from './columns';
import { hostFilterShape, knownNuma, matchesNicModel, matchesVm, nicModelLabel, type HostFilters } from './filters';
import { readinessIfSelected } from './host-filter';
import type { InventoryHostRecord } from './records';
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

const EMPTY_PF = { pf: null, nicModel: null, slot: null, pfDriver: null, netdev: null, pfNumaNode: null, totalVfs: null, enabledVfs: null } as const;
const EMPTY_VF = {
  vf: null,
  vfPciAddress: null,
  vfDriver: null,
  mac: null,
  vlan: null,
  qos: null,
  trust: null,
  spoofchk: null,
  linkState: null,
  maxTxRateMbps: null,
  vm: null,
  vmNumaNode: null,
  assignedBy: null,
  assignedAt: null,
} as const;

export function inventoryRows(host: InventoryHostRecord, query: InventoryQuery): InventoryRow[] {
  const readiness = readinessIfSelected(host, query);
  if (!readiness) return [];
  const hostPart = { host: host.name, model: host.model, generation: host.generation, readiness: readiness.verdict, observedAt: iso(host.observedAt) };
  // With a VM filter only VFs held by matching VMs are rows: the question is "what does this VM hold".
  if (host.physicalFunctions.length === 0) return query.vm || query.nicModel ? [] : [{ ...hostPart, ...EMPTY_PF, ...EMPTY_VF }];

  const rows: InventoryRow[] = [];
  for (const pf of host.physicalFunctions) {
    if (!matchesNicModel(pf, query.nicModel)) continue;
    const pfPart = {
      pf: pf.pciAddress,
      nicModel: nicModelLabel(pf),
      slot: pf.slot,
      pfDriver: pf.driver,
      netdev: pf.netdev,
      pfNumaNode: knownNuma(pf.numaNode),
      totalVfs: pf.totalVfs,
      enabledVfs: pf.currentVfs,
    };
    const vfs = query.vm ? pf.virtualFunctions.filter((vf) => vf.assignment && matchesVm(vf.assignment.vm.name, query.vm)) : pf.virtualFunctions;
    if (vfs.length === 0 && !query.vm) rows.push({ ...hostPart, ...pfPart, ...EMPTY_VF });
    for (const vf of vfs) {
      rows.push({
        ...hostPart,
        ...pfPart,
        vf: vf.index,
        vfPciAddress: vf.pciAddress,
        vfDriver: vf.driver,
        mac: vf.mac,
        vlan: vf.vlan,
        qos: vf.qos,
        trust: vf.trust,
        spoofchk: vf.spoofchk,
        linkState: vf.linkState,
        maxTxRateMbps: vf.maxTxRateMbps,
        vm: vf.assignment?.vm.name ?? null,
        vmNumaNode: knownNuma(vf.assignment?.vm.numaNode),
        assignedBy: vf.assignment?.assignedBy ?? null,
        assignedAt: iso(vf.assignment?.assignedAt),
      });
    }
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

export function inventoryTally(): Tally<InventoryRow, InventorySummary> {
  const observed = observedRangeTally();
  const byNic = new Map<string, { pfs: number; vfs: number; assigned: number }>();
  let lastPf = '';
  let pfs = 0;
  let sriovPfs = 0;
  let vfs = 0;
  let assigned = 0;
  let vfioBound = 0;
  return {
    add(row) {
      observed.add(row.host, row.observedAt);
      if (row.pf === null || row.nicModel === null) return;
      const nic = byNic.get(row.nicModel) ?? { pfs: 0, vfs: 0, assigned: 0 };
      byNic.set(row.nicModel, nic);
      // Rows come host by host, PF by PF: a new PF starts where the key changes.
      const pfKey = `${row.host}/${row.pf}`;
      if (pfKey !== lastPf) {
        lastPf = pfKey;
        pfs++;
        nic.pfs++;
        if ((row.totalVfs ?? 0) > 0) sriovPfs++;
      }
      if (row.vf === null) return;
      vfs++;
      nic.vfs++;
      if (row.vm !== null) {
        assigned++;
        nic.assigned++;
      }
      if (row.vfDriver === 'vfio-pci') vfioBound++;
    },
    result: () => ({
      hosts: observed.hosts(),
      pfs,
      sriovPfs,
      vfs,
      assigned,
      vfioBound,
      byNicModel: [...byNic].map(([nicModel, n]) => ({ nicModel, ...n, free: n.vfs - n.assigned })).sort((a, b) => b.vfs - a.vfs || a.nicModel.localeCompare(b.nicModel)),
      observed: observed.result(),
    }),
  };
}
