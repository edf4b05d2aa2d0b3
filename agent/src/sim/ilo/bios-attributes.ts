// The BIOS attributes the simulated server knows, and the workload profiles that lock some of
// them. A real ProLiant has hundreds of attributes; these are the ones SR-IOV depends on plus a
// few others so that "unknown attribute" and free-text attributes can be exercised.

export type CpuVendor = 'intel' | 'amd';

export interface SimBiosAttribute {
  readonly name: string;
  readonly displayName: string;
  /** Enumeration values; absent for free-text attributes. */
  readonly values?: readonly string[];
  readonly maxLength?: number;
  readonly readOnly?: boolean;
  /** Present only on servers with this CPU vendor (IntelProcVtd does not exist on AMD). */
  readonly cpu?: CpuVendor;
  readonly defaultValue: string;
}

const ENABLED_DISABLED = ['Enabled', 'Disabled'] as const;

export const WORKLOAD_PROFILES = [
  'GeneralPowerEfficientCompute',
  'GeneralPeakFrequencyCompute',
  'GeneralThroughputCompute',
  'Virtualization-PowerEfficient',
  'Virtualization-MaxPerformance',
  'LowLatency',
  'MissionCritical',
  'TransactionalApplicationProcessing',
  'HighPerformanceCompute',
  'DecisionSupport',
  'GraphicProcessing',
  'I/OThroughput',
  'Custom',
] as const;

export const SIM_BIOS_ATTRIBUTES: readonly SimBiosAttribute[] = [
  { name: 'WorkloadProfile', displayName: 'Workload Profile', values: WORKLOAD_PROFILES, defaultValue: 'GeneralPowerEfficientCompute' },
  { name: 'Sriov', displayName: 'SR-IOV', values: ENABLED_DISABLED, defaultValue: 'Disabled' },
  { name: 'ProcVirtualization', displayName: 'Intel(R) Virtualization Technology', values: ENABLED_DISABLED, defaultValue: 'Enabled' },
  { name: 'IntelProcVtd', displayName: 'Intel(R) VT-d', values: ENABLED_DISABLED, cpu: 'intel', defaultValue: 'Disabled' },
  { name: 'ProcAmdIoVt', displayName: 'AMD I/O Virtualization Technology', values: ENABLED_DISABLED, cpu: 'amd', defaultValue: 'Disabled' },
  { name: 'AmdDmaRemapping', displayName: 'AMD DMA Remapping', values: ENABLED_DISABLED, cpu: 'amd', defaultValue: 'Disabled' },
  { name: 'ProcHyperthreading', displayName: 'Hyper-Threading', values: ENABLED_DISABLED, defaultValue: 'Enabled' },
  { name: 'BootMode', displayName: 'Boot Mode', values: ['Uefi', 'LegacyBios'], defaultValue: 'Uefi' },
  { name: 'PowerRegulator', displayName: 'Power Regulator', values: ['DynamicPowerSavings', 'StaticLowPower', 'StaticHighPerf', 'OsControl'], defaultValue: 'DynamicPowerSavings' },
  { name: 'ServerAssetTag', displayName: 'Server Asset Tag', maxLength: 31, defaultValue: '' },
  { name: 'RomSelection', displayName: 'ROM Selection', values: ['CurrentRom', 'BackupRom'], readOnly: true, defaultValue: 'CurrentRom' },
];

const VIRTUALIZATION_ON: Readonly<Record<string, string>> = {
  Sriov: 'Enabled',
  ProcVirtualization: 'Enabled',
  IntelProcVtd: 'Enabled',
  ProcAmdIoVt: 'Enabled',
  AmdDmaRemapping: 'Enabled',
};

/**
 * What each workload profile forces (and makes read-only). HPE's profiles set dozens of
 * attributes; only the ones the readiness chain cares about are modelled. I/O Throughput and
 * Low Latency turn SR-IOV off, the Virtualization profiles turn everything on.
 */
export const PROFILE_LOCKS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'I/OThroughput': { Sriov: 'Disabled' },
  LowLatency: { Sriov: 'Disabled' },
  'Virtualization-PowerEfficient': VIRTUALIZATION_ON,
  'Virtualization-MaxPerformance': VIRTUALIZATION_ON,
};

export function attributesFor(cpu: CpuVendor): SimBiosAttribute[] {
  return SIM_BIOS_ATTRIBUTES.filter((a) => a.cpu === undefined || a.cpu === cpu);
}

export function defaultBios(cpu: CpuVendor): Record<string, string> {
  return Object.fromEntries(attributesFor(cpu).map((a) => [a.name, a.defaultValue]));
}

export function locksFor(profile: string, cpu: CpuVendor): Record<string, string> {
  const known = new Set(attributesFor(cpu).map((a) => a.name));
  return Object.fromEntries(Object.entries(PROFILE_LOCKS[profile] ?? {}).filter(([name]) => known.has(name)));
}
