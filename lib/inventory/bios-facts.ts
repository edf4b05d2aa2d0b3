// What HPE's BIOS does with the attributes SR-IOV depends on (SRIOV-FACTS.md section 5), shared by
// the readiness chain (what is wrong) and the change set (what to change). Pure.

export const ENABLED = 'Enabled';

/** Workload profiles that force Sriov Disabled and make it read-only. */
export const PROFILES_DISABLING_SRIOV: ReadonlySet<string> = new Set(['I/OThroughput', 'LowLatency']);

/** A profile that forces SR-IOV, VT-d / AMD IOMMU and VT-x on (and locks them). */
export const VIRTUALIZATION_PROFILE = 'Virtualization-MaxPerformance';

/** "Sriov" -> "SR-IOV": the words on buttons and in sentences. */
export const BIOS_ATTRIBUTE_WORDS: Readonly<Record<string, string>> = {
  Sriov: 'SR-IOV',
  IntelProcVtd: 'VT-d',
  ProcAmdIoVt: 'AMD IOMMU',
  ProcVirtualization: 'VT-x',
  AmdDmaRemapping: 'DMA remapping',
};

/** The BIOS attribute that turns the IOMMU on for this CPU vendor. */
export function iommuAttribute(cpuVendor: string): 'ProcAmdIoVt' | 'IntelProcVtd' {
  return cpuVendor === 'AMD' ? 'ProcAmdIoVt' : 'IntelProcVtd';
}

/** The kernel arguments that ask for the IOMMU in passthrough mode. */
export function iommuArgs(cpuVendor: string): string {
  return cpuVendor === 'AMD' ? 'amd_iommu=on iommu=pt' : 'intel_iommu=on iommu=pt';
}

/** Does the command line carry every one of the IOMMU arguments? */
export function hasIommuArgs(cpuVendor: string, cmdline: string | null): boolean {
  const words = (cmdline ?? '').split(/\s+/);
  return iommuArgs(cpuVendor)
    .split(' ')
    .every((a) => words.includes(a));
}
