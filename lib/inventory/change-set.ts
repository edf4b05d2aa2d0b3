// A host's change set: the changes that bring it to a target state, in the order they are made,
// and how many reboots they cost. Pure — host state in, changes out — so the host page's fix and a
// plan over many hosts (policies) compute it the same way. Changes that share a cause are one
// change (VT-d off in BIOS fails both the BIOS and the kernel IOMMU links: one BIOS change), and
// everything that waits for a reboot waits for the same one: BIOS values, kernel arguments and
// NIC firmware settings all take effect at the next boot.

import { BIOS_ATTRIBUTE_WORDS, ENABLED, hasIommuArgs, iommuArgs, iommuAttribute, PROFILES_DISABLING_SRIOV, VIRTUALIZATION_PROFILE } from './bios-facts';
import { evaluateReadiness, type ReadinessInput, type ReadinessLinkId } from './readiness';

/** What a host should be. Today the readiness chain's; a policy will bring its own. */
export interface HostTarget {
  /** BIOS attributes and the values wanted. */
  bios: Record<string, string>;
  /** The kernel's IOMMU active (IOMMU groups present). */
  kernelIommu: boolean;
  /** vfio-pci loaded, now and at every boot. */
  vfioPci: boolean;
}

/** What "SR-IOV ready" asks of a host's BIOS, kernel and modules (SRIOV-FACTS.md section 1). */
export function readinessTarget(cpuVendor: string): HostTarget {
  return { bios: { Sriov: ENABLED, [iommuAttribute(cpuVendor)]: ENABLED, ProcVirtualization: ENABLED }, kernelIommu: true, vfioPci: true };
}

/** A change the dashboard makes through the iLO or the agent; `kind` is the operation that does it. */
export type HostChange =
  | {
      kind: 'set-bios';
      /** The attributes sent to the iLO in one PATCH, and what each is now. */
      attributes: Record<string, string>;
      from: Record<string, string | null>;
      needsReboot: true;
      label: string;
      /** The readiness links it fixes. */
      fixes: ReadinessLinkId[];
    }
  | { kind: 'os-fix'; fix: 'iommu-args'; args: string; needsReboot: true; label: string; fixes: ReadinessLinkId[] }
  | { kind: 'os-fix'; fix: 'vfio'; needsReboot: false; label: string; fixes: ReadinessLinkId[] }
  /** Something only a person at the server can do; `needsReboot` when it takes effect at the next boot. */
  | { kind: 'manual'; needsReboot: boolean; label: string; how: string; fixes: ReadinessLinkId[] };

export type HostChangeKind = HostChange['kind'];
export type AutomaticChange = Exclude<HostChange, { kind: 'manual' }>;

/** The changes the dashboard itself makes (through the iLO or the agent), in order. */
export function automaticChanges(set: HostChangeSet): AutomaticChange[] {
  return set.changes.filter((c): c is AutomaticChange => c.kind !== 'manual');
}

export interface HostChangeSet {
  changes: HostChange[];
  /** Values already staged in the iLO (pending until the next reset): the reboot applies them too. */
  pendingBios: { name: string; value: string; current: string | null }[];
  /** Reboots the set costs: every change that needs one waits for the same reboot, at the end. */
  reboots: number;
  /** Readiness links that only wait for the reboot (their values are already pending). */
  fixedByReboot: ReadinessLinkId[];
}

/** The change set's reboot count in words: "1 reboot", "no reboot". */
export function rebootWords(reboots: number): string {
  return reboots === 0 ? 'no reboot' : reboots === 1 ? '1 reboot' : `${reboots} reboots`;
}

function listWords(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

type Bios = NonNullable<ReadinessInput['bios']>;

/**
 * The host's change set: its state as the readiness chain reads it (BIOS rows only once the iLO
 * has been read), and the state wanted (by default, SR-IOV ready).
 */
export function hostChangeSet(host: ReadinessInput, target: HostTarget = readinessTarget(host.cpuVendor)): HostChangeSet {
  const changes: HostChange[] = [];
  const bios: Bios | null = host.bios;
  const byName = new Map((bios ?? []).map((s) => [s.name, s]));
  const pendingBios = (bios ?? []).filter((s) => s.pending !== null && s.pending !== s.current).map((s) => ({ name: s.name, value: s.pending!, current: s.current }));
  const iommuName = iommuAttribute(host.cpuVendor);
  const fixedByReboot = new Set<ReadinessLinkId>();

  // BIOS: every wanted attribute that is neither set nor staged, in one PATCH.
  let biosChange: Extract<HostChange, { kind: 'set-bios' }> | null = null;
  if (bios) {
    const missing = Object.entries(target.bios).filter(([name, value]) => {
      const s = byName.get(name);
      return s !== undefined && s.current !== null && s.current !== value && s.pending !== value;
    });
    const staged = Object.entries(target.bios).filter(([name, value]) => byName.get(name)?.current !== value && byName.get(name)?.pending === value);
    if (staged.length > 0) fixedByReboot.add('bios');
    if (missing.length > 0) {
      const profile = byName.get('WorkloadProfile')?.current ?? null;
      const locked = missing.some(([name]) => name === 'Sriov') && profile !== null && PROFILES_DISABLING_SRIOV.has(profile);
      const names = missing.map(([name]) => name);
      biosChange = locked
        ? {
            kind: 'set-bios',
            attributes: { WorkloadProfile: VIRTUALIZATION_PROFILE },
            from: { WorkloadProfile: profile },
            needsReboot: true,
            label: `Set the ${VIRTUALIZATION_PROFILE} workload profile (it turns ${listWords(names.map((n) => BIOS_ATTRIBUTE_WORDS[n] ?? n))} on)`,
            fixes: ['bios'],
          }
        : {
            kind: 'set-bios',
            attributes: Object.fromEntries(missing),
            from: Object.fromEntries(missing.map(([name]) => [name, byName.get(name)?.current ?? null])),
            needsReboot: true,
            label: `Enable ${listWords(names.map((n) => BIOS_ATTRIBUTE_WORDS[n] ?? n))} in BIOS`,
            fixes: ['bios'],
          };
      changes.push(biosChange);
    }
  }

  // Kernel IOMMU: off because of the BIOS (the same cause as above: no second change), or because
  // the kernel is not asked for it (arguments for the next boot, which the BIOS change shares).
  if (target.kernelIommu && host.iommuActive === false) {
    const iommuBios = byName.get(iommuName);
    const biosFixesIt = biosChange !== null && (iommuName in biosChange.attributes || 'WorkloadProfile' in biosChange.attributes) && iommuBios?.current !== ENABLED;
    const pendingFixesIt = iommuBios?.current !== ENABLED && iommuBios?.pending === ENABLED;
    if (biosFixesIt) biosChange!.fixes.push('iommu');
    if (pendingFixesIt) fixedByReboot.add('iommu');
    const args = iommuArgs(host.cpuVendor);
    if (!hasIommuArgs(host.cpuVendor, host.kernelCmdline)) {
      changes.push({ kind: 'os-fix', fix: 'iommu-args', args, needsReboot: true, label: `Add ${args} to the kernel command line`, fixes: ['iommu'] });
    } else if (!biosFixesIt && !pendingFixesIt && iommuBios?.current === ENABLED) {
      changes.push({
        kind: 'manual',
        needsReboot: false,
        label: 'Find out why the kernel has no IOMMU',
        how: 'VT-d / AMD IOMMU is on in BIOS and the kernel asks for it: check the kernel log for DMAR or IVRS errors; the firmware may not expose the IOMMU.',
        fixes: ['iommu'],
      });
    }
  }

  // Modules: vfio-pci now and at every boot needs no reboot; kvm missing is a person's job.
  if (host.kvmLoaded === false) {
    changes.push({ kind: 'manual', needsReboot: false, label: 'Load kvm', how: `Load kvm and ${host.cpuVendor === 'AMD' ? 'kvm_amd' : 'kvm_intel'} (modprobe) and list them in /etc/modules-load.d/; check that VT-x / AMD-V is on in BIOS.`, fixes: ['modules'] });
  } else if (target.vfioPci && host.vfioPciLoaded === false) {
    changes.push({ kind: 'os-fix', fix: 'vfio', needsReboot: false, label: 'Load vfio-pci now and at every boot', fixes: ['modules'] });
  }

  // What no API can do: fit an adapter, change NIC firmware, install drivers.
  const failing = new Set(evaluateReadiness(host).links.flatMap((l) => (l.status === 'failing' ? [l.id] : [])));
  if (failing.has('hardware')) {
    changes.push({ kind: 'manual', needsReboot: false, label: 'Fit an SR-IOV capable adapter', how: 'With the server powered off, fit an SR-IOV capable adapter (e.g. HPE 560SFP+, 562SFP+, 640SFP28 or E810).', fixes: ['hardware'] });
  }
  if (failing.has('firmware')) {
    changes.push({
      kind: 'manual',
      needsReboot: true,
      label: 'Enable SR-IOV in the adapter’s firmware',
      how: 'On the host, before the reboot: mlxconfig -d <PCI address> set SRIOV_EN=1 NUM_OF_VFS=8 (Mellanox / NVIDIA), or the vendor’s tool; it takes effect at the next boot.',
      fixes: ['firmware'],
    });
  }
  if (failing.has('drivers')) {
    // With a PF driver bound, what fails is a driver for the VFs: vfio-pci is one, when it is on its way.
    const pfDriverBound = host.physicalFunctions.some((pf) => pf.driver !== null);
    const vfio = changes.find((c) => c.kind === 'os-fix' && c.fix === 'vfio');
    if (pfDriverBound && vfio) vfio.fixes.push('drivers');
    else if (pfDriverBound) changes.push({ kind: 'manual', needsReboot: false, label: 'Install a VF driver', how: 'Install the VF driver of the adapter (ixgbevf, iavf, mlx5_core, bnxt_en) or load vfio-pci.', fixes: ['drivers'] });
    else changes.push({ kind: 'manual', needsReboot: false, label: 'Load the PF driver', how: 'Load the driver of the SR-IOV adapter (ixgbe, i40e, ice, mlx5_core, bnxt_en, igb).', fixes: ['drivers'] });
  }

  const reboots = changes.some((c) => c.needsReboot) || fixedByReboot.size > 0 ? 1 : 0;
  return { changes, pendingBios, reboots, fixedByReboot: [...fixedByReboot] };
}

/** A link's place in the fix: the change that fixes it, or the reboot. */
export function fixStepFor(set: HostChangeSet, link: ReadinessLinkId): { step: number; label: string } | { step: 'reboot' } | null {
  const i = set.changes.findIndex((c) => c.fixes.includes(link));
  if (i >= 0) return { step: i + 1, label: set.changes[i]!.label };
  return set.fixedByReboot.includes(link) ? { step: 'reboot' } : null;
}
