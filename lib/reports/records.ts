// The inventory records the reports read, as explicit selects: encrypted columns (agentTokenEnc,
// Bmc.passwordEnc) are never selected, so they cannot reach a download.

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

export const inventoryHostSelect = {
  ...readinessHostSelect,
  physicalFunctions: {
    orderBy: { pciAddress: 'asc' },
    select: {
      ...reportPfSelect,
      netdev: true,
      slot: true,
      virtualFunctions: {
        orderBy: { index: 'asc' },
        select: {
          index: true,
          pciAddress: true,
          driver: true,
          mac: true,
          vlan: true,
          qos: true,
          trust: true,
          spoofchk: true,
          linkState: true,
          maxTxRateMbps: true,
          assignment: { select: { assignedBy: true, assignedAt: true, vm: { select: { name: true, numaNode: true } } } },
        },
      },
    },
  },
} satisfies Prisma.HostSelect;
export type InventoryHostRecord = Prisma.HostGetPayload<{ select: typeof inventoryHostSelect }>;

export const allocationHostSelect = {
  ...readinessHostSelect,
  physicalFunctions: { select: reportPfSelect },
  virtualMachines: {
    orderBy: { name: 'asc' },
    select: {
      name: true,
      state: true,
      numaNode: true,
      assignments: {
        orderBy: { vf: { pciAddress: 'asc' } },
        select: {
          mac: true,
          vlan: true,
          assignedBy: true,
          assignedAt: true,
          vf: { select: { index: true, pciAddress: true, mac: true, vlan: true, pf: { select: { pciAddress: true, vendorId: true, deviceId: true, modelName: true, numaNode: true } } } },
        },
      },
    },
  },
} satisfies Prisma.HostSelect;
export type AllocationHostRecord = Prisma.HostGetPayload<{ select: typeof allocationHostSelect }>;

export const capacityHostSelect = {
  ...readinessHostSelect,
  physicalFunctions: {
    select: {
      ...reportPfSelect,
      // Counted in the database: the VFs themselves are not needed to add them up.
      _count: { select: { virtualFunctions: { where: { assignment: { isNot: null } } } } },
    },
  },
  virtualMachines: { select: { name: true } },
} satisfies Prisma.HostSelect;
export type CapacityHostRecord = Prisma.HostGetPayload<{ select: typeof capacityHostSelect }>;

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
