// The BIOS attributes the simulated server knows, and the workload profiles that lock some of
// them. A real ProLiant has hundreds of attributes; these are the ones SR-IOV depends on plus a
// few others so that "unknown attribute" and free-text attributes can be exercised.

export type CpuVendor = 'intel' | 'amd';

/** As the BIOS holds it: Enumeration and String attributes as text, Integer ones as JSON numbers. */
export type SimBiosValue = string | number;

export interface SimBiosAttribute {
  readonly name: string;
  readonly displayName: string;
  /** Enumeration values; absent for free-text and Integer attributes. */
  readonly values?: readonly string[];
  /** Integer attributes, with their bounds; the BIOS refuses "12" for 12 (PropertyValueTypeError). */
  readonly integer?: { readonly lowerBound: number; readonly upperBound: number };
  readonly maxLength?: number;
  readonly readOnly?: boolean;
  /** Present only on servers with this CPU vendor (IntelProcVtd does not exist on AMD). */
  readonly cpu?: CpuVendor;
  /**
   * In the attribute registry, not among this server's BIOS attributes: a registry describes the
   * whole platform (every riser slot), the BIOS lists what this server has.
   */
  readonly registryOnly?: boolean;
  readonly defaultValue: SimBiosValue;
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
  // Recorded from an iLO 5: hours between memory patrol scrubs, an Integer from 1 to 24.
  { name: 'PatrolScrubDuration', displayName: 'Memory Patrol Scrubbing Interval', integer: { lowerBound: 1, upperBound: 24 }, defaultValue: 24 },
  { name: 'Slot8NicBoot1', displayName: 'Slot 8 Port 1 Network Boot', values: ['NetworkBoot', 'Disabled'], registryOnly: true, defaultValue: 'Disabled' },
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

/** The attributes the registry describes for this server (registry-only ones included). */
export function registryAttributesFor(cpu: CpuVendor): SimBiosAttribute[] {
  return SIM_BIOS_ATTRIBUTES.filter((a) => a.cpu === undefined || a.cpu === cpu);
}

/** The attributes this server's BIOS has. */
export function attributesFor(cpu: CpuVendor): SimBiosAttribute[] {
  return registryAttributesFor(cpu).filter((a) => !a.registryOnly);
}

export function defaultBios(cpu: CpuVendor): Record<string, SimBiosValue> {
  return Object.fromEntries(attributesFor(cpu).map((a) => [a.name, a.defaultValue]));
}

export function locksFor(profile: string, cpu: CpuVendor): Record<string, string> {
  const known = new Set(attributesFor(cpu).map((a) => a.name));
  return Object.fromEntries(Object.entries(PROFILE_LOCKS[profile] ?? {}).filter(([name]) => known.has(name)));
}
