// Small hand-made inventory records for the unit tests (the database test uses the demo fleet).

import type { RegistryDigest } from '@/agent/src/redfish';
import { BASELINE_POLICY } from '@/lib/policies/baseline';
import { planHost, type HostPlan } from '@/lib/policies/plan';
import type { AllocationHostRecord, CapacityHostRecord, ComplianceHostRecord, InventoryHostRecord, InventoryVfRecord } from './records';

export const T0 = new Date('2026-11-24T10:00:00Z');

const INTEL_OK = [
  { name: 'Sriov', current: 'Enabled', pending: 'Enabled' },
  { name: 'IntelProcVtd', current: 'Enabled', pending: 'Enabled' },
  { name: 'ProcVirtualization', current: 'Enabled', pending: 'Enabled' },
];

export function baseHost(name: string) {
  return {
    id: `host_${name}`,
    name,
    model: 'ProLiant DL380 Gen10',
    generation: 'Gen10',
    cpuVendor: 'Intel',
    observedAt: T0,
    kernelCmdline: 'intel_iommu=on iommu=pt',
    iommuActive: true as boolean | null,
    kvmLoaded: true as boolean | null,
    vfioPciLoaded: true as boolean | null,
    bios: INTEL_OK.map((s) => ({ ...s })) as { name: string; current: string | null; pending: string | null }[],
    biosRead: { readAt: new Date('2026-11-24T09:55:00Z'), resetRequired: false } as { readAt: Date; resetRequired: boolean } | null,
  };
}

/** An Intel 82599 (560SFP+) port: 63 VFs possible. */
export function basePf(address: string, numaNode: number | null, currentVfs: number) {
  return {
    pciAddress: address,
    vendorId: '8086',
    deviceId: '10fb',
    modelName: 'HPE Ethernet 10Gb 2-port 560SFP+ Adapter',
    driver: 'ixgbe' as string | null,
    totalVfs: 63,
    currentVfs,
    firmwareMaxVfs: 64 as number | null,
    vfDriver: 'ixgbevf' as string | null,
    vfDriverAvailable: true as boolean | null,
    numaNode,
  };
}

export function vf(index: number, vm?: { name: string; numaNode: number | null }): InventoryVfRecord {
  return {
    index,
    pciAddress: `0000:12:10.${index}`,
    driver: vm ? 'vfio-pci' : 'ixgbevf',
    mac: vm ? `52:54:00:00:00:0${index}` : null,
    vlan: vm ? 100 + index : null,
    qos: null,
    trust: false,
    spoofchk: true,
    linkState: 'auto',
    maxTxRateMbps: 0,
    vm: vm?.name ?? null,
    vmNumaNode: vm?.numaNode ?? null,
    assignedBy: vm ? 'alice' : null,
    assignedAt: vm ? T0 : null,
  };
}

export function inventoryHost(name: string, pfs: InventoryHostRecord['physicalFunctions']): InventoryHostRecord {
  return { ...baseHost(name), physicalFunctions: pfs };
}

export function allocationHost(name: string, vms: AllocationHostRecord['virtualMachines'], pfNuma = 0): AllocationHostRecord {
  return { ...baseHost(name), readinessVerdict: 'ready', physicalFunctions: [basePf('0000:12:00.0', pfNuma, 8)], virtualMachines: vms };
}

export function capacityHost(name: string, pfs: { numaNode: number | null; total?: number; enabled: number; assigned: number }[]): CapacityHostRecord {
  return {
    ...baseHost(name),
    readinessVerdict: 'ready',
    physicalFunctions: pfs.map((p, i) => ({ ...basePf(`0000:12:00.${i}`, p.numaNode, p.enabled), totalVfs: p.total ?? 63, _count: { virtualFunctions: p.assigned } })),
    virtualMachines: [],
  };
}

export function complianceHost(name: string, change: Partial<ComplianceHostRecord> = {}): ComplianceHostRecord {
  return {
    ...baseHost(name),
    bmc: { generation: 'iLO 5', firmwareVersion: '2.72' },
    physicalFunctions: [basePf('0000:12:00.0', 0, 8)],
    virtualMachines: [],
    ...change,
  };
}

const onOff = (name: string) => ({ name, type: 'Enumeration', values: ['Enabled', 'Disabled'], readOnly: false });

/** A registry with the baseline's attributes and no dependencies: HPE's known profile locks apply (iLO 4). */
export const BASELINE_REGISTRY: RegistryDigest = {
  id: 'BiosAttributeRegistryU30.test',
  biosVersion: 'U30 v2.76',
  attributes: [onOff('Sriov'), onOff('IntelProcVtd'), onOff('ProcAmdIoVt'), onOff('ProcVirtualization'), { name: 'WorkloadProfile', type: 'Enumeration', values: ['Custom', 'Virtualization-MaxPerformance', 'LowLatency'], readOnly: false }],
  dependencies: null,
};

/**
 * The host's plan against the baseline, as the report service makes it: its BIOS values as the
 * iLO read them (BiosRead.values) and, unless told otherwise, a registry that knows them.
 */
export function baselinePlan(host: ComplianceHostRecord, options: { registry?: RegistryDigest | null; agentStatus?: string } = {}): HostPlan {
  return planHost(
    {
      id: host.id,
      name: host.name,
      model: host.model,
      generation: host.generation,
      cpuVendor: host.cpuVendor,
      labels: {},
      agentStatus: options.agentStatus ?? (host.observedAt ? 'online' : 'never-seen'),
      observedAt: host.observedAt,
      kernelCmdline: host.kernelCmdline,
      vfioPciLoaded: host.vfioPciLoaded,
      biosValues: host.biosRead ? Object.fromEntries(host.bios.map((s) => [s.name, [s.current, s.pending === s.current ? null : s.pending]])) : null,
      registry: options.registry === undefined ? BASELINE_REGISTRY : options.registry,
      pfs: [],
      vms: [],
      macs: {},
    },
    [BASELINE_POLICY],
    { durations: { byKind: {}, byModel: {} } },
  );
}
