import type { CpuVendor, HostFacts, PhysicalFunction, VirtualFunction } from '../api-types';
import type { IpLink, VfLinkInfo } from '../netlink/ip-link';
import { type HostFs, linkName, listOptional, readOptional } from './host-fs';
import { parseNodeset } from '../hypervisor/virsh';
import { PCI_DEVICES, devicePath, hexId, isPciAddress } from './paths';

export const BOOT_ID = '/proc/sys/kernel/random/boot_id';

export function readHostFacts(fs: HostFs): HostFacts {
  const cmdline = readOptional(fs, '/proc/cmdline') ?? '';
  const groups = listOptional(fs, '/sys/kernel/iommu_groups').length;
  const units = listOptional(fs, '/sys/class/iommu');
  const tables = listOptional(fs, '/sys/firmware/acpi/tables');
  const acpiTable = tables.includes('DMAR') ? 'DMAR' : tables.includes('IVRS') ? 'IVRS' : null;
  return {
    hostname: readOptional(fs, '/proc/sys/kernel/hostname') ?? '',
    bootId: readOptional(fs, BOOT_ID),
    kernelRelease: readOptional(fs, '/proc/sys/kernel/osrelease') ?? '',
    cmdline,
    cpuVendor: cpuVendorOf(readOptional(fs, '/proc/cpuinfo') ?? ''),
    numaNodes: parseNodeset(readOptional(fs, '/sys/devices/system/node/online')?.trim() ?? '')?.length ?? null,
    iommu: {
      // Decided from sysfs, not the command line: some kernels turn the IOMMU on by default.
      active: groups > 0 && units.length > 0,
      groups,
      units,
      acpiTable,
      cmdlineArgs: cmdline.split(/\s+/).filter((arg) => /^(intel_iommu|amd_iommu|iommu)=/.test(arg)),
    },
    modules: {
      kvm: listOptional(fs, '/sys/module').includes('kvm'),
      vfioPci: listOptional(fs, '/sys/module').includes('vfio_pci'),
    },
  };
}

function cpuVendorOf(cpuinfo: string): CpuVendor {
  const vendor = /^vendor_id\s*:\s*(\S+)/m.exec(cpuinfo)?.[1];
  if (vendor === 'GenuineIntel') return 'intel';
  if (vendor === 'AuthenticAMD' || vendor === 'HygonGenuine') return 'amd';
  return 'unknown';
}

/**
 * Addresses of the PCI functions that have the SR-IOV capability (an sriov_totalvfs file), and of
 * the network functions that do not (an adapter without SR-IOV, or with it off in its firmware):
 * the dashboard needs those to say why a host has no VFs. They are reported with totalVfs 0.
 * A VF's routing ID is its PF's plus a positive offset, so in address order every PF comes before
 * its VFs: the VFs met through virtfnN links are skipped without touching their directories, which
 * keeps a 256-VF host to a few hundred system calls here.
 */
export function listPfAddresses(fs: HostFs): string[] {
  const pfs: string[] = [];
  const vfs = new Set<string>();
  for (const address of listOptional(fs, PCI_DEVICES)) {
    if (!isPciAddress(address) || vfs.has(address)) continue;
    if (readOptional(fs, devicePath(address, 'sriov_totalvfs')) === null) {
      // PCI class 02xxxx: network controller. A VF of a PF listed later (never, by routing ID) has physfn.
      const networkFunction = readOptional(fs, devicePath(address, 'class'))?.trim().startsWith('0x02') === true;
      if (networkFunction && linkName(fs, devicePath(address, 'physfn')) === null) pfs.push(address);
      continue;
    }
    pfs.push(address);
    for (const entry of listOptional(fs, devicePath(address))) {
      if (!entry.startsWith('virtfn')) continue;
      const vf = linkName(fs, devicePath(address, entry));
      if (vf) vfs.add(vf);
    }
  }
  return pfs;
}

/** The PF as sysfs shows it, VFs without their netlink settings. */
export function readPhysicalFunction(fs: HostFs, address: string): PhysicalFunction {
  const numaNode = intOrNull(readOptional(fs, devicePath(address, 'numa_node')));
  const vfs: VirtualFunction[] = [];
  const entries = listOptional(fs, devicePath(address));
  const vendorId = hexId(readOptional(fs, devicePath(address, 'vendor'))) ?? '';
  const vfDeviceId = hexId(withPrefix(readOptional(fs, devicePath(address, 'sriov_vf_device'))));
  // A VF's ids are the PF's vendor and the SR-IOV capability's VF device id (drivers/pci/iov.c).
  const ids = vfDeviceId ? { vendorId, deviceId: vfDeviceId } : undefined;
  for (const entry of entries) {
    const m = /^virtfn(\d+)$/.exec(entry);
    if (!m?.[1]) continue;
    const vfAddress = linkName(fs, devicePath(address, entry));
    if (vfAddress && isPciAddress(vfAddress)) vfs.push(readVirtualFunction(fs, vfAddress, Number(m[1]), ids));
  }
  vfs.sort((a, b) => a.index - b.index);
  const autoprobe = readOptional(fs, devicePath(address, 'sriov_drivers_autoprobe'));
  return {
    address,
    vendorId,
    deviceId: hexId(readOptional(fs, devicePath(address, 'device'))) ?? '',
    subsystemVendorId: hexId(readOptional(fs, devicePath(address, 'subsystem_vendor'))),
    subsystemDeviceId: hexId(readOptional(fs, devicePath(address, 'subsystem_device'))),
    classCode: hexId(readOptional(fs, devicePath(address, 'class'))),
    driver: entries.includes('driver') ? linkName(fs, devicePath(address, 'driver')) : null,
    netdev: entries.includes('net') ? firstNetdev(fs, address) : null,
    numaNode: numaNode === null || numaNode < 0 ? null : numaNode,
    totalVfs: intOrNull(readOptional(fs, devicePath(address, 'sriov_totalvfs'))) ?? 0,
    numVfs: intOrNull(readOptional(fs, devicePath(address, 'sriov_numvfs'))) ?? 0,
    autoprobe: autoprobe === null ? true : autoprobe !== '0',
    vfDeviceId,
    vfs,
  };
}

export function readVirtualFunction(fs: HostFs, address: string, index: number, ids?: { vendorId: string; deviceId: string }): VirtualFunction {
  // Each of these is absent on some VFs (unbound: no driver; no IOMMU: no group; vfio-pci: no net/).
  const group = linkName(fs, devicePath(address, 'iommu_group'));
  const override = readOptional(fs, devicePath(address, 'driver_override'));
  return {
    index,
    address,
    vendorId: ids?.vendorId ?? hexId(readOptional(fs, devicePath(address, 'vendor'))) ?? '',
    deviceId: ids?.deviceId ?? hexId(readOptional(fs, devicePath(address, 'device'))) ?? '',
    driver: linkName(fs, devicePath(address, 'driver')),
    driverOverride: override === null || override === '' || override === '(null)' ? null : override,
    netdev: firstNetdev(fs, address),
    iommuGroup: intOrNull(group),
    mac: null,
    vlan: null,
    qos: null,
    trust: null,
    spoofchk: null,
    linkState: null,
    maxTxRate: null,
    minTxRate: null,
    vm: null,
  };
}

/** Fills in what the PF driver reports per VF. A PF without a netdev (unbound, or not a NIC) has none. */
export async function addVfSettings(ipLink: IpLink, pf: PhysicalFunction): Promise<string | null> {
  if (!pf.netdev || pf.vfs.length === 0) return null;
  try {
    applyVfSettings(pf, await ipLink.showVfs(pf.netdev));
  } catch (err) {
    return `ip link show dev ${pf.netdev} failed: ${err instanceof Error ? err.message : String(err)}`;
  }
  return null;
}

export function applyVfSettings(pf: PhysicalFunction, infos: VfLinkInfo[]): void {
  const byIndex = new Map(infos.map((info) => [info.vf, info]));
  for (const vf of pf.vfs) {
    const info = byIndex.get(vf.index);
    if (!info) continue;
    vf.mac = info.mac;
    vf.vlan = info.vlan;
    vf.qos = info.qos;
    vf.trust = info.trust;
    vf.spoofchk = info.spoofchk;
    vf.linkState = info.linkState;
    vf.maxTxRate = info.maxTxRate;
    vf.minTxRate = info.minTxRate;
  }
}

function firstNetdev(fs: HostFs, address: string): string | null {
  // udev renames netdevs: read the name back, never derive it.
  return listOptional(fs, devicePath(address, 'net'))[0] ?? null;
}

function intOrNull(raw: string | null): number | null {
  if (raw === null || !/^-?\d+$/.test(raw)) return null;
  return Number(raw);
}

/** sriov_vf_device is printed without "0x" ("%x"). */
function withPrefix(raw: string | null): string | null {
  if (raw === null) return null;
  return raw.startsWith('0x') ? raw : `0x${raw}`;
}
