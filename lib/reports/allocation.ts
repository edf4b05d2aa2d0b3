// VF allocation: per VM the VFs it holds, and whether each VF's PF sits on the VM's NUMA node.
// A VF on the far node works but every packet crosses the inter-socket link (UPI / Infinity
// Fabric), which is what latency-sensitive VNFs are placed to avoid; so it is flagged.

import { z } from 'zod';
import { guestVfVerdict } from '@/lib/inventory/guest';
import { shownMac } from '@/lib/inventory/mac';
import { iso, type Column } from './columns';
import { hostFilterShape, knownNuma, matchesNicModel, matchesVm, nicModelLabel, type HostFilters } from './filters';
import { selectedByStoredVerdict } from './host-filter';
import type { AllocationHostRecord } from './records';
import { observedRangeTally, type ObservedRange, type Tally } from './tally';

export const PLACEMENTS = ['cross-numa', 'same-numa', 'unknown'] as const;
export type Placement = (typeof PLACEMENTS)[number];

export const allocationQuerySchema = z.strictObject({ ...hostFilterShape, placement: z.enum(PLACEMENTS).optional() });
export type AllocationQuery = HostFilters & { placement?: Placement };

export type AllocationRow = {
  vm: string;
  vmState: string;
  vmNumaNode: number | null;
  host: string;
  observedAt: string | null;
  nicModel: string;
  pf: string;
  pfNumaNode: number | null;
  placement: Placement;
  vf: number;
  vfPciAddress: string;
  mac: string | null;
  vlan: number | null;
  /** "seen: iavf, link up", "not seen", "not seen (drift)", "no guest agent", "VM not running". */
  guest: string;
  /** What the guest agent said, and the likely cause of a VF not seen. */
  guestDetail: string;
  assignedBy: string;
  assignedAt: string;
};

export const ALLOCATION_COLUMNS: Column<AllocationRow>[] = [
  { key: 'host', header: 'Host' },
  { key: 'vm', header: 'VM' },
  { key: 'vmState', header: 'VM state' },
  { key: 'vmNumaNode', header: 'VM NUMA', kind: 'number' },
  { key: 'nicModel', header: 'NIC' },
  { key: 'pf', header: 'PF' },
  { key: 'pfNumaNode', header: 'PF NUMA', kind: 'number' },
  { key: 'placement', header: 'NUMA placement', kind: 'placement', description: 'cross-numa: the VF’s PF is on another NUMA node than the VM' },
  { key: 'vf', header: 'VF', kind: 'number' },
  { key: 'vfPciAddress', header: 'VF address' },
  { key: 'mac', header: 'MAC' },
  { key: 'vlan', header: 'VLAN', kind: 'number' },
  { key: 'guest', header: 'Guest', description: 'what the VM’s guest shows of the VF, through its QEMU guest agent' },
  { key: 'guestDetail', header: 'Guest detail', downloadOnly: true },
  { key: 'assignedBy', header: 'Assigned by', downloadOnly: true },
  { key: 'assignedAt', header: 'Assigned at', kind: 'time', downloadOnly: true },
  { key: 'observedAt', header: 'Observed at', kind: 'time', downloadOnly: true },
];

export function numaPlacement(vmNode: number | null | undefined, pfNode: number | null | undefined): Placement {
  const vm = knownNuma(vmNode);
  const pf = knownNuma(pfNode);
  if (vm === null || pf === null) return 'unknown';
  return vm === pf ? 'same-numa' : 'cross-numa';
}

type AllocationAssignment = AllocationHostRecord['virtualMachines'][number]['assignments'][number];

/** PCI addresses are fixed-width lowercase hex: plain string order is address order. */
function byVfAddress(a: AllocationAssignment, b: AllocationAssignment): number {
  return a.vf.pciAddress < b.vf.pciAddress ? -1 : a.vf.pciAddress > b.vf.pciAddress ? 1 : 0;
}

/** Short words for the report's column (its header says "Guest"); the cause goes to the download's Guest detail. */
function guestWords(vmState: string, guestAgent: string | null, a: AllocationAssignment, now: number): { guest: string; guestDetail: string } {
  const g = a.guest;
  const verdict = guestVfVerdict({ vmState, guestAgent, guestSeen: g.seen, guestDriver: g.driver, guestLink: g.link, guestPci: g.pci, guestDetail: g.detail, guestNotSeenSince: g.notSeenSince, vfLinkState: a.vf.linkState, expectedDriver: g.expectedDriver }, now);
  const guest = verdict.word.replace(/^seen by the guest: /, 'seen: ').replace(/^not seen by the guest$/, verdict.drift ? 'not seen (drift)' : 'not seen').replace(/^guest: /, '');
  return { guest, guestDetail: [verdict.detail, verdict.cause && `Likely cause: ${verdict.cause}`].filter(Boolean).join(' ') };
}

export function allocationRows(host: AllocationHostRecord, query: AllocationQuery, now = Date.now()): AllocationRow[] {
  if (!selectedByStoredVerdict(host, query)) return [];
  const rows: AllocationRow[] = [];
  for (const vm of host.virtualMachines) {
    if (!matchesVm(vm.name, query.vm)) continue;
    for (const a of vm.assignments.toSorted(byVfAddress)) {
      const pf = a.vf.pf;
      if (!matchesNicModel(pf, query.nicModel)) continue;
      const placement = numaPlacement(vm.numaNode, pf.numaNode);
      if (query.placement && placement !== query.placement) continue;
      rows.push({
        vm: vm.name,
        vmState: vm.state,
        vmNumaNode: knownNuma(vm.numaNode),
        host: host.name,
        observedAt: iso(host.observedAt),
        nicModel: nicModelLabel(pf),
        pf: pf.pciAddress,
        pfNumaNode: knownNuma(pf.numaNode),
        placement,
        vf: a.vf.index,
        vfPciAddress: a.vf.pciAddress,
        // What libvirt sets for this VM (the assignment) wins over what the PF last reported.
        mac: shownMac(a.mac) ?? shownMac(a.vf.mac),
        vlan: a.vlan ?? a.vf.vlan,
        ...guestWords(vm.state, vm.guestAgent, a, now),
        assignedBy: a.assignedBy,
        assignedAt: a.assignedAt.toISOString(),
      });
    }
  }
  return rows;
}

export interface AllocationSummary {
  hosts: number;
  vms: number;
  vfs: number;
  crossNumaVfs: number;
  crossNumaVms: number;
  unknownPlacementVfs: number;
  byHost: { host: string; sameNuma: number; crossNuma: number; unknown: number }[];
  observed: ObservedRange;
}

/** What the summary reads of a row: the page's figures feed it these alone, counted in SQL. */
export type AllocationTallied = Pick<AllocationRow, 'host' | 'vm' | 'placement' | 'observedAt'>;

export function allocationTally(): Tally<AllocationTallied, AllocationSummary> {
  const observed = observedRangeTally();
  const vms = new Set<string>();
  const crossVms = new Set<string>();
  const byHost = new Map<string, { sameNuma: number; crossNuma: number; unknown: number }>();
  let vfs = 0;
  return {
    add(row) {
      observed.add(row.host, row.observedAt);
      const vmKey = `${row.host}/${row.vm}`;
      vms.add(vmKey);
      vfs++;
      const h = byHost.get(row.host) ?? { sameNuma: 0, crossNuma: 0, unknown: 0 };
      byHost.set(row.host, h);
      if (row.placement === 'cross-numa') {
        h.crossNuma++;
        crossVms.add(vmKey);
      } else if (row.placement === 'same-numa') h.sameNuma++;
      else h.unknown++;
    },
    result: () => {
      const hosts = [...byHost].map(([host, n]) => ({ host, ...n }));
      return {
        hosts: hosts.length,
        vms: vms.size,
        vfs,
        crossNumaVfs: hosts.reduce((n, h) => n + h.crossNuma, 0),
        crossNumaVms: crossVms.size,
        unknownPlacementVfs: hosts.reduce((n, h) => n + h.unknown, 0),
        byHost: hosts,
        observed: observed.result(),
      };
    },
  };
}
