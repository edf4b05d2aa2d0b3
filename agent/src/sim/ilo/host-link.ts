// The simulated iLO and the simulated host are one server: same model, CPU, NICs (same PCI bus
// numbers, so the iLO's PCI addresses match the host's sysfs) and BIOS. This builds the iLO side
// from a host profile's shape, without depending on the host simulator's code.

import type { IloGeneration } from './machine';
import type { SimNic, SimRedfishShape } from './nics';
import type { IloSimulatorOptions } from './server';

/** A NIC of the host profile, with its model's catalogue entry spread in (hex ids as sysfs has them). */
export interface HostNicShape {
  hpeName: string;
  chip: string;
  vendorId: string;
  pfDeviceId: string;
  subsystemVendorId: string;
  subsystemDeviceId: string;
  totalVfsPerPort: number;
  ports: number;
  bus: number;
  slot: number | null;
  /** How the iLO reports this adapter, where a recorded iLO differs from the plain Redfish shape. */
  ilo?: { vepaCapable?: boolean; onlyInBaseNetworkAdapters?: boolean };
}

export interface HostShape {
  model: string;
  iloGeneration: 'iLO 4' | 'iLO 5' | 'iLO 6';
  cpuVendor: 'intel' | 'amd' | 'unknown';
  /** The BIOS the host runs with when the simulation starts. */
  bios: { sriov: boolean; iommu: boolean };
  nics: readonly HostNicShape[];
  /** What the iLO reports ("2.72", "U30 v2.76 (02/09/2023)"); default: its generation's usual ones. */
  iloFirmware?: string;
  biosVersion?: string;
  /** The iLO's Redfish layout (recorded iLO 5 variants); default: the simulator's usual one. */
  redfishShape?: SimRedfishShape;
}

const MANUFACTURERS: Record<string, string> = { '8086': 'Intel Corporation', '14e4': 'Broadcom', '15b3': 'Mellanox Technologies' };

export function iloNicsForHost(nics: readonly HostNicShape[], seed = 1): SimNic[] {
  return nics.map((nic, index) => {
    const maxPerPort = nic.totalVfsPerPort;
    return {
      // iLO 5 names adapters after their PCI location.
      id: `DE${nic.bus.toString(16).padStart(2, '0').toUpperCase()}${index}000`,
      name: nic.hpeName,
      manufacturer: MANUFACTURERS[nic.vendorId] ?? nic.vendorId,
      model: nic.chip,
      partNumber: `P${String(10_000 + seed * 100 + index)}-B21`,
      serialNumber: `SN${String(seed).padStart(3, '0')}${index}${nic.bus.toString(16)}`,
      firmwareVersion: '1.0.0',
      slot: nic.slot,
      vendorId: parseInt(nic.vendorId, 16),
      deviceId: parseInt(nic.pfDeviceId, 16),
      subsystemVendorId: parseInt(nic.subsystemVendorId, 16),
      subsystemDeviceId: parseInt(nic.subsystemDeviceId, 16),
      bus: nic.bus,
      deviceMaxVirtualFunctions: maxPerPort * nic.ports,
      ports: Array.from({ length: nic.ports }, (_, port) => ({
        macAddress: [0x14, 0x02, 0xec, seed & 0xff, nic.bus & 0xff, port].map((b) => b.toString(16).padStart(2, '0')).join(':'),
        maxVirtualFunctions: maxPerPort,
      })),
      ...(nic.ilo?.vepaCapable !== undefined ? { vepaCapable: nic.ilo.vepaCapable } : {}),
      ...(nic.ilo?.onlyInBaseNetworkAdapters ? { onlyInBaseNetworkAdapters: true } : {}),
    };
  });
}

/** Options for `startIloSimulator` that describe the same server as the host profile. */
export function iloOptionsForHost(host: HostShape, seed = 1): IloSimulatorOptions {
  const generation = Number(host.iloGeneration.replace('iLO ', '')) as IloGeneration;
  const cpu = host.cpuVendor === 'amd' ? 'amd' : 'intel';
  const on = (flag: boolean) => (flag ? 'Enabled' : 'Disabled');
  const iommu: Record<string, string> = cpu === 'intel' ? { IntelProcVtd: on(host.bios.iommu) } : { ProcAmdIoVt: on(host.bios.iommu), AmdDmaRemapping: on(host.bios.iommu) };
  return {
    generation,
    cpu,
    model: host.model,
    seed,
    bios: { Sriov: on(host.bios.sriov), ...iommu },
    nics: iloNicsForHost(host.nics, seed),
    ...(host.iloFirmware ? { iloFirmware: host.iloFirmware } : {}),
    ...(host.biosVersion ? { biosVersion: host.biosVersion } : {}),
    ...(host.redfishShape ? { redfishShape: host.redfishShape } : {}),
  };
}
