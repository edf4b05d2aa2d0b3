// The SR-IOV readiness chain (SRIOV-FACTS.md section 1): six links, each ok, failing or unknown,
// with what to do when it fails, in words. One module so the fleet view, the host page, the API
// and the reports all judge a host the same way. What the dashboard changes to fix a host is the
// change set's (change-set.ts), computed from the same facts.

import { ENABLED, hasIommuArgs, iommuArgs, iommuAttribute, PROFILES_DISABLING_SRIOV } from './bios-facts';
import { NIC_MODELS, nicModelKeyOf } from './nic-catalog';

export const READINESS_LINKS = ['hardware', 'bios', 'firmware', 'iommu', 'modules', 'drivers'] as const;
export type ReadinessLinkId = (typeof READINESS_LINKS)[number];

export const LINK_LABELS: Record<ReadinessLinkId, string> = {
  hardware: 'SR-IOV NIC',
  bios: 'BIOS',
  firmware: 'NIC firmware',
  iommu: 'Kernel IOMMU',
  modules: 'kvm + vfio-pci',
  drivers: 'Drivers',
};

export type LinkStatus = 'ok' | 'failing' | 'unknown';

export interface ReadinessLink {
  id: ReadinessLinkId;
  label: string;
  status: LinkStatus;
  /** What was seen, in an operator's words. */
  detail: string;
  /** What to do, when the link fails. */
  fix?: string;
  /** A fix is already staged (BIOS values pending until the next reset). */
  pending?: boolean;
}

export type ReadinessVerdict = 'ready' | 'not-ready' | 'unknown';
export const READINESS_VERDICTS = ['ready', 'not-ready', 'unknown'] as const satisfies readonly ReadinessVerdict[];

export interface Readiness {
  verdict: ReadinessVerdict;
  links: ReadinessLink[];
}

export interface ReadinessInput {
  cpuVendor: string;
  /** When the agent last reported the host (null: never). */
  observedAt: Date | null;
  kernelCmdline: string | null;
  iommuActive: boolean | null;
  kvmLoaded: boolean | null;
  vfioPciLoaded: boolean | null;
  /** Null when the BIOS has not been read through the iLO yet. */
  bios: { name: string; current: string | null; pending: string | null }[] | null;
  physicalFunctions: {
    pciAddress: string;
    vendorId: string;
    deviceId: string;
    modelName: string;
    driver: string | null;
    totalVfs: number;
    firmwareMaxVfs: number | null;
    vfDriver: string | null;
    vfDriverAvailable: boolean | null;
  }[];
}

function knownModel(pf: { vendorId: string; deviceId: string }) {
  const key = nicModelKeyOf(pf.vendorId, pf.deviceId);
  return key ? NIC_MODELS[key] : null;
}

type Pf = ReadinessInput['physicalFunctions'][number];

/** A PF that can do SR-IOV: the kernel sees the capability, or it is a chip known to have it. */
function sriovCapablePfs(input: ReadinessInput): Pf[] {
  return input.physicalFunctions.filter((pf) => pf.totalVfs > 0 || (knownModel(pf)?.totalVfs ?? 0) > 0);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function hardwareLink(input: ReadinessInput): ReadinessLink {
  const base = { id: 'hardware', label: LINK_LABELS.hardware } as const;
  if (input.observedAt === null && input.physicalFunctions.length === 0) {
    return { ...base, status: 'unknown', detail: 'The agent has not reported this host’s PCI functions yet.' };
  }
  const capable = sriovCapablePfs(input);
  if (capable.length > 0) {
    return { ...base, status: 'ok', detail: `${capable.length} of ${plural(input.physicalFunctions.length, 'PF')} SR-IOV capable.` };
  }
  return {
    ...base,
    status: 'failing',
    detail:
      input.physicalFunctions.length === 0
        ? 'No network PCI functions found.'
        : `None of the ${plural(input.physicalFunctions.length, 'PCI function')} has the SR-IOV capability (sriov_totalvfs).`,
    fix: 'Fit an SR-IOV capable adapter (e.g. HPE 560SFP+, 562SFP+, 640SFP28 or E810).',
  };
}

function biosLink(input: ReadinessInput): ReadinessLink {
  const base = { id: 'bios', label: LINK_LABELS.bios } as const;
  if (input.bios === null) {
    return { ...base, status: 'unknown', detail: 'The BIOS has not been read through the iLO yet.' };
  }
  const byName = new Map(input.bios.map((s) => [s.name, s]));
  const required = ['Sriov', iommuAttribute(input.cpuVendor), 'ProcVirtualization'];
  const off = required.filter((name) => byName.get(name)?.current !== ENABLED);
  if (off.length === 0) {
    return { ...base, status: 'ok', detail: `${required.join(', ')} enabled.` };
  }
  const unread = off.filter((name) => byName.get(name)?.current == null);
  if (unread.length === off.length) {
    return { ...base, status: 'unknown', detail: `The iLO did not report ${unread.join(', ')}.` };
  }
  const pendingFix = off.every((name) => byName.get(name)?.pending === ENABLED);
  if (pendingFix) {
    return {
      ...base,
      status: 'failing',
      pending: true,
      detail: `${off.join(', ')} set to Enabled, pending until the server is reset.`,
      fix: 'Reboot through the iLO to apply the pending BIOS settings.',
    };
  }
  const profile = byName.get('WorkloadProfile')?.current;
  if (off.includes('Sriov') && profile && PROFILES_DISABLING_SRIOV.has(profile)) {
    return {
      ...base,
      status: 'failing',
      detail: `${off.join(', ')} disabled; the workload profile “${profile}” forces Sriov off and locks it.`,
      fix: `Set a Virtualization workload profile (or Custom, then enable ${off.join(' and ')}) in BIOS and reboot.`,
    };
  }
  return {
    ...base,
    status: 'failing',
    detail: `${off.join(', ')} ${off.length === 1 ? 'is' : 'are'} not enabled.`,
    fix: `Enable ${off.join(' and ')} in BIOS through the iLO, then reboot.`,
  };
}

function firmwareLink(input: ReadinessInput): ReadinessLink {
  const base = { id: 'firmware', label: LINK_LABELS.firmware } as const;
  const capable = sriovCapablePfs(input);
  if (capable.length === 0) {
    return { ...base, status: 'unknown', detail: input.observedAt === null ? 'The agent has not reported this host’s PCI functions yet.' : 'No SR-IOV capable PF to check.' };
  }
  const allowing = capable.filter((pf) => pf.totalVfs > 0 && pf.firmwareMaxVfs !== 0);
  if (allowing.length > 0) {
    const reported = allowing.filter((pf) => pf.firmwareMaxVfs !== null).length;
    return {
      ...base,
      status: 'ok',
      detail:
        reported > 0
          ? `Firmware allows VFs on ${plural(allowing.length, 'PF')} (limits reported by the iLO).`
          : `The kernel sees VFs possible on ${plural(allowing.length, 'PF')}; the iLO reports no firmware limit.`,
    };
  }
  const models = [...new Set(capable.map((pf) => pf.modelName))].join(', ');
  return {
    ...base,
    status: 'failing',
    detail: `The adapter firmware allows no VFs (${models}).`,
    fix: 'Enable SR-IOV in the adapter firmware (Mellanox: mlxconfig set SRIOV_EN=1 NUM_OF_VFS=8), then reboot.',
  };
}

function iommuLink(input: ReadinessInput): ReadinessLink {
  const base = { id: 'iommu', label: LINK_LABELS.iommu } as const;
  if (input.iommuActive === null) {
    return { ...base, status: 'unknown', detail: 'The agent has not reported the kernel’s IOMMU yet.' };
  }
  if (input.iommuActive) {
    return { ...base, status: 'ok', detail: 'IOMMU groups present in /sys/kernel/iommu_groups.' };
  }
  const amd = input.cpuVendor === 'AMD';
  const biosIommuSetting = input.bios?.find((s) => s.name === iommuAttribute(input.cpuVendor));
  const biosIommu = biosIommuSetting?.current;
  const args = iommuArgs(input.cpuVendor);
  const hasArgs = hasIommuArgs(input.cpuVendor, input.kernelCmdline);
  if (biosIommu === 'Disabled' && biosIommuSetting?.pending === ENABLED) {
    return {
      ...base,
      status: 'failing',
      pending: true,
      detail: `No IOMMU groups: ${amd ? 'AMD IOMMU' : 'VT-d'} is off in BIOS until the pending change is applied.`,
      fix: 'Reboot through the iLO to apply the pending BIOS settings.',
    };
  }
  if (biosIommu === 'Disabled') {
    return {
      ...base,
      status: 'failing',
      detail: `No IOMMU groups: ${amd ? 'AMD IOMMU' : 'VT-d'} is off in BIOS.`,
      fix: `Enable ${iommuAttribute(input.cpuVendor)} in BIOS, then reboot.`,
    };
  }
  return {
    ...base,
    status: 'failing',
    detail: hasArgs ? 'No IOMMU groups although the kernel command line asks for them.' : `No IOMMU groups; the kernel command line lacks “${args}”.`,
    fix: hasArgs ? 'Check the kernel log for DMAR/IVRS errors; the firmware may not expose the IOMMU.' : `Add “${args}” to the kernel command line (grubby --update-kernel=ALL --args="${args}") and reboot.`,
  };
}

function modulesLink(input: ReadinessInput): ReadinessLink {
  const base = { id: 'modules', label: LINK_LABELS.modules } as const;
  if (input.kvmLoaded === null || input.vfioPciLoaded === null) {
    return { ...base, status: 'unknown', detail: 'The agent has not reported loaded modules yet.' };
  }
  const missing = [!input.kvmLoaded && 'kvm', !input.vfioPciLoaded && 'vfio_pci'].filter((m): m is string => Boolean(m));
  if (missing.length === 0) {
    return { ...base, status: 'ok', detail: 'kvm and vfio_pci loaded.' };
  }
  return {
    ...base,
    status: 'failing',
    detail: `${missing.join(' and ')} not loaded.`,
    fix: `Load ${missing.join(' and ')} (modprobe) and list ${missing.length === 1 ? 'it' : 'them'} in /etc/modules-load.d/ so ${missing.length === 1 ? 'it loads' : 'they load'} at every boot.`,
  };
}

function driversLink(input: ReadinessInput): ReadinessLink {
  const base = { id: 'drivers', label: LINK_LABELS.drivers } as const;
  if (input.observedAt === null) {
    return { ...base, status: 'unknown', detail: 'The agent has not reported drivers yet.' };
  }
  const capable = sriovCapablePfs(input);
  if (capable.length === 0) {
    return { ...base, status: 'unknown', detail: 'No SR-IOV capable PF to check.' };
  }
  const bound = capable.filter((pf) => pf.driver !== null);
  if (bound.length === 0) {
    const expected = [...new Set(capable.map((pf) => knownModel(pf)?.pfDriver).filter(Boolean))];
    return {
      ...base,
      status: 'failing',
      detail: `No driver bound to the SR-IOV capable ${capable.length === 1 ? 'PF' : 'PFs'} (${capable.map((pf) => pf.pciAddress).join(', ')}).`,
      fix: expected.length > 0 ? `Load the PF driver (${expected.join(', ')}).` : 'Load an SR-IOV capable PF driver.',
    };
  }
  const vfReady = bound.filter((pf) => pf.vfDriverAvailable === true || input.vfioPciLoaded === true);
  if (vfReady.length === 0) {
    const vfDrivers = [...new Set(bound.map((pf) => pf.vfDriver).filter(Boolean))];
    return {
      ...base,
      status: 'failing',
      detail: `No VF driver available (${vfDrivers.join(', ') || 'unknown'}) and vfio-pci not loaded.`,
      fix: `Install the VF driver${vfDrivers.length ? ` (${vfDrivers.join(', ')})` : ''} or load vfio-pci.`,
    };
  }
  const names = [...new Set(bound.map((pf) => pf.driver))].join(', ');
  return { ...base, status: 'ok', detail: `PF driver ${names} bound; VFs can be driven.` };
}

export function evaluateReadiness(input: ReadinessInput): Readiness {
  const links = [hardwareLink(input), biosLink(input), firmwareLink(input), iommuLink(input), modulesLink(input), driversLink(input)];
  const verdict: ReadinessVerdict = links.some((l) => l.status === 'failing')
    ? 'not-ready'
    : links.some((l) => l.status === 'unknown')
      ? 'unknown'
      : 'ready';
  return { verdict, links };
}

/** A host record as the inventory stores it: BIOS rows count only once the iLO has been read. */
export type HostReadinessFacts = Omit<ReadinessInput, 'bios'> & {
  bios: NonNullable<ReadinessInput['bios']>;
  biosRead: object | null;
};

export function hostReadiness({ biosRead, bios, ...host }: HostReadinessFacts): Readiness {
  return evaluateReadiness({ ...host, bios: biosRead ? bios : null });
}
