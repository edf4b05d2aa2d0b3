// Host queries. Explicit selects everywhere: encrypted secrets (agentTokenEnc, Bmc.passwordEnc)
// are never selected, so they cannot reach a response by accident.

import 'server-only';
import type { Prisma } from '@/lib/generated/prisma/client';
import { prisma } from './client';

/** What lib/inventory/readiness.ts needs of a PF (with its VF counts). */
export const readinessPfSelect = {
  pciAddress: true,
  vendorId: true,
  deviceId: true,
  modelName: true,
  driver: true,
  totalVfs: true,
  currentVfs: true,
  firmwareMaxVfs: true,
  vfDriver: true,
  vfDriverAvailable: true,
} satisfies Prisma.PhysicalFunctionSelect;

/** An assignment's last guest read (lib/inventory/guest.ts judges it): the host page and the VM view read the same fields. */
export const assignmentGuestSelect = {
  guestSeen: true,
  guestDriver: true,
  guestLink: true,
  guestPci: true,
  guestDetail: true,
  guestNotSeenSince: true,
} satisfies Prisma.AssignmentSelect;

const biosSelect = { name: true, current: true, pending: true, desired: true } satisfies Prisma.BiosSettingSelect;

/** The facts the fleet's stored figures are computed from (lib/inventory/fleet-facts.ts). */
export const fleetHostSelect = {
  id: true,
  name: true,
  model: true,
  generation: true,
  cpuVendor: true,
  kernelCmdline: true,
  iommuActive: true,
  kvmLoaded: true,
  vfioPciLoaded: true,
  agentStatus: true,
  lastSeenAt: true,
  observedAt: true,
  bmc: { select: { generation: true, firmwareVersion: true } },
  biosRead: { select: { readAt: true, resetRequired: true } },
  bios: { select: biosSelect },
  physicalFunctions: { select: readinessPfSelect },
  _count: { select: { virtualMachines: true, assignments: true } },
  labels: { select: { key: true, value: true }, orderBy: { key: 'asc' } },
} satisfies Prisma.HostSelect;

export type FleetHostRecord = Prisma.HostGetPayload<{ select: typeof fleetHostSelect }>;

export const hostDetailSelect = {
  id: true,
  name: true,
  model: true,
  generation: true,
  serialNumber: true,
  cpuVendor: true,
  numaNodes: true,
  kernelRelease: true,
  kernelCmdline: true,
  iommuActive: true,
  kvmLoaded: true,
  vfioPciLoaded: true,
  powerState: true,
  agentUrl: true,
  agentStatus: true,
  agentVersion: true,
  bootId: true,
  lastSyncError: true,
  lastSeenAt: true,
  observedAt: true,
  bmc: { select: { address: true, generation: true, firmwareVersion: true, userName: true, tlsSha256: true } },
  biosRead: { select: { readAt: true, resetRequired: true, lastApplyMessages: true, lastApplyAt: true } },
  bios: { select: biosSelect, orderBy: { name: 'asc' } },
  physicalFunctions: {
    orderBy: { pciAddress: 'asc' },
    select: {
      ...readinessPfSelect,
      id: true,
      subsystemVendorId: true,
      subsystemDeviceId: true,
      netdev: true,
      macAddress: true,
      numaNode: true,
      slot: true,
      desiredVfs: true,
      linkState: true,
      linkSpeedMbps: true,
      virtualFunctions: {
        orderBy: { index: 'asc' },
        select: {
          id: true,
          index: true,
          pciAddress: true,
          driver: true,
          netdev: true,
          mac: true,
          vlan: true,
          qos: true,
          trust: true,
          spoofchk: true,
          linkState: true,
          maxTxRateMbps: true,
          iommuGroup: true,
          desiredMac: true,
          desiredVlan: true,
          desiredTrust: true,
          desiredSpoofchk: true,
          desiredDriver: true,
          assignment: {
            select: {
              vm: { select: { id: true, name: true, numaNode: true, state: true, guestAgent: true } },
              mac: true,
              vlan: true,
              assignedBy: true,
              assignedAt: true,
              ...assignmentGuestSelect,
            },
          },
        },
      },
    },
  },
  virtualMachines: {
    orderBy: { name: 'asc' },
    select: { id: true, name: true, uuid: true, state: true, numaNode: true, vcpus: true, memoryMiB: true, _count: { select: { assignments: true } } },
  },
  /** The MACs the dashboard gave this host's VFs, so the assign dialog can say which one a VF gets. */
  macAllocations: { select: { pfAddress: true, vfIndex: true, mac: true } },
  labels: { select: { key: true, value: true }, orderBy: { key: 'asc' } },
} satisfies Prisma.HostSelect;

export type HostDetailRecord = Prisma.HostGetPayload<{ select: typeof hostDetailSelect }>;

export function findHostDetail(id: string): Promise<HostDetailRecord | null> {
  return prisma.host.findUnique({ where: { id }, select: hostDetailSelect });
}
