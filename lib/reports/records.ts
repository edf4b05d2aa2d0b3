// The inventory records the reports read, as explicit selects: encrypted columns (agentTokenEnc,
// Bmc.passwordEnc) are never selected, so they cannot reach a download.

import 'server-only';
import { readinessPfSelect } from '@/lib/db/hosts';
import type { Prisma } from '@/lib/generated/prisma/client';

/** What lib/inventory/readiness.ts needs to judge a host, selected by every host-based report. */
const readinessHostSelect = {
  id: true,
  name: true,
  model: true,
  generation: true,
  cpuVendor: true,
  observedAt: true,
  kernelCmdline: true,
  iommuActive: true,
  kvmLoaded: true,
  vfioPciLoaded: true,
  bios: { select: { name: true, current: true, pending: true } },
  biosRead: { select: { readAt: true, resetRequired: true } },
} satisfies Prisma.HostSelect;

const reportPfSelect = { ...readinessPfSelect, numaNode: true } satisfies Prisma.PhysicalFunctionSelect;

/** The host and its PFs. Their VFs are read host by host in plain SQL (inventory-sql.ts). */
export const inventoryHostSelect = {
  ...readinessHostSelect,
  physicalFunctions: {
    orderBy: { pciAddress: 'asc' },
    select: { ...reportPfSelect, id: true, netdev: true, slot: true },
  },
} satisfies Prisma.HostSelect;
export type InventoryHostFacts = Prisma.HostGetPayload<{ select: typeof inventoryHostSelect }>;
export type InventoryPfFacts = InventoryHostFacts['physicalFunctions'][number];

/** A VF with the VM it is given to, flat as one row of a join. */
export interface InventoryVfRecord {
  index: number;
  pciAddress: string;
  driver: string | null;
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
  assignedAt: Date | null;
}

export type InventoryHostRecord = Omit<InventoryHostFacts, 'physicalFunctions'> & {
  physicalFunctions: (Omit<InventoryPfFacts, 'id'> & { virtualFunctions: InventoryVfRecord[] })[];
};

/**
 * What the reports that show no readiness select of a host: its readiness verdict as stored on
 * its row when it synced (lib/inventory/fleet-facts.ts, which the fleet view filters by too), not
 * the BIOS values and kernel facts it is judged from, which cost most of a report page's reads.
 */
const listedHostSelect = {
  id: true,
  name: true,
  model: true,
  generation: true,
  observedAt: true,
  readinessVerdict: true,
} satisfies Prisma.HostSelect;

/** The host, its PFs and VMs. The VFs given to the VMs are read host by host in plain SQL (inventory-sql.ts). */
export const allocationHostSelect = {
  ...listedHostSelect,
  physicalFunctions: { select: reportPfSelect },
  virtualMachines: { orderBy: { name: 'asc' }, select: { id: true, name: true, state: true, numaNode: true, guestAgent: true } },
} satisfies Prisma.HostSelect;
export type AllocationHostFacts = Prisma.HostGetPayload<{ select: typeof allocationHostSelect }>;
export type AllocationVmFacts = AllocationHostFacts['virtualMachines'][number];

/** A VF given to a VM, with what libvirt sets on it for the VM and the PF it belongs to. */
export interface AllocationAssignmentRecord {
  mac: string | null;
  vlan: number | null;
  assignedBy: string;
  assignedAt: Date;
  vf: {
    index: number;
    pciAddress: string;
    mac: string | null;
    vlan: number | null;
    linkState: string | null;
    pf: { pciAddress: string; vendorId: string; deviceId: string; modelName: string; numaNode: number | null };
  };
  /** What the VM's guest last showed of the VF (lib/sync/guest-read.ts). */
  guest: { seen: string | null; driver: string | null; link: string | null; pci: string | null; detail: string | null; notSeenSince: Date | null; expectedDriver: string | null };
}

export type AllocationHostRecord = Omit<AllocationHostFacts, 'virtualMachines'> & {
  virtualMachines: (Omit<AllocationVmFacts, 'id'> & { assignments: AllocationAssignmentRecord[] })[];
};

export const capacityHostSelect = {
  ...listedHostSelect,
  physicalFunctions: { select: { ...reportPfSelect, id: true } },
  virtualMachines: { select: { name: true } },
} satisfies Prisma.HostSelect;
type CapacityHostFacts = Prisma.HostGetPayload<{ select: typeof capacityHostSelect }>;
/** A host with the VFs given to VMs counted per PF (one query per page of hosts, inventory-sql.ts). */
export type CapacityHostRecord = Omit<CapacityHostFacts, 'physicalFunctions'> & {
  physicalFunctions: (Omit<CapacityHostFacts['physicalFunctions'][number], 'id'> & { _count: { virtualFunctions: number } })[];
};

export const complianceHostSelect = {
  ...readinessHostSelect,
  bmc: { select: { generation: true, firmwareVersion: true } },
  physicalFunctions: { select: reportPfSelect },
  virtualMachines: { select: { name: true } },
} satisfies Prisma.HostSelect;
export type ComplianceHostRecord = Prisma.HostGetPayload<{ select: typeof complianceHostSelect }>;

export const operationSelect = {
  id: true,
  kind: true,
  params: true,
  targetType: true,
  targetId: true,
  status: true,
  attempts: true,
  error: true,
  requestedBy: true,
  queuedAt: true,
  startedAt: true,
  finishedAt: true,
  host: { select: { name: true } },
} satisfies Prisma.OperationSelect;
export type OperationRecord = Prisma.OperationGetPayload<{ select: typeof operationSelect }>;
