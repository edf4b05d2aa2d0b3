// Drift: where what a host reports differs from what the operator asked for. The MAC and VLAN
// libvirt sets on a VF it gave to a VM are that assignment's desired state, not drift; nor is
// the driver of an assigned VF (libvirt binds it to vfio-pci while the VM runs). A VF given to a
// running VM that its guest has not shown for a few minutes is drift too (lib/inventory/guest.ts).

import { assignmentGuestVerdict, type AssignmentGuestRead } from './guest';

export interface DriftItem {
  targetType: 'pf' | 'vf' | 'bios';
  /** PF id, VF id, or the BIOS attribute name. */
  targetId: string;
  label: string;
  field: string;
  desired: string | number | boolean | null;
  actual: string | number | boolean | null;
  /** The likely cause, where one is known (a VF its guest does not show). */
  cause?: string;
}

/** What the guest of an assigned VF's VM last said (the host page's assignment rows). */
export type DriftGuestFacts = AssignmentGuestRead & { vm: { name: string } };

export interface DriftInput {
  bios: { name: string; current: string | null; pending: string | null; desired: string | null }[];
  physicalFunctions: {
    id: string;
    pciAddress: string;
    /** The Linux driver for this PF's VF type (the NIC catalog's), named in a guest's likely cause. */
    vfDriver?: string | null;
    currentVfs: number;
    desiredVfs: number | null;
    virtualFunctions: {
      id: string;
      index: number;
      driver: string | null;
      mac: string | null;
      vlan: number | null;
      trust: boolean | null;
      spoofchk: boolean | null;
      desiredMac: string | null;
      desiredVlan: number | null;
      desiredTrust: boolean | null;
      desiredSpoofchk: boolean | null;
      desiredDriver: string | null;
      linkState?: string | null;
      assignment: ({ mac: string | null; vlan: number | null } & Partial<DriftGuestFacts>) | null;
    }[];
  }[];
}

const sameMac = (a: string | null, b: string | null) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

export function findDrift(host: DriftInput, now = Date.now()): DriftItem[] {
  const drift: DriftItem[] = [];
  for (const b of host.bios) {
    // A desired value waiting in pending is on its way (the readiness chain says "reboot").
    if (b.desired === null || b.desired === b.current || b.desired === b.pending) continue;
    drift.push({ targetType: 'bios', targetId: b.name, label: `BIOS ${b.name}`, field: b.name, desired: b.desired, actual: b.pending ?? b.current });
  }
  for (const pf of host.physicalFunctions) {
    if (pf.desiredVfs !== null && pf.desiredVfs !== pf.currentVfs) {
      drift.push({ targetType: 'pf', targetId: pf.id, label: pf.pciAddress, field: 'numVfs', desired: pf.desiredVfs, actual: pf.currentVfs });
    }
    for (const vf of pf.virtualFunctions) {
      const label = `VF ${vf.index} of ${pf.pciAddress}`;
      const push = (field: string, desired: DriftItem['desired'], actual: DriftItem['actual']) => drift.push({ targetType: 'vf', targetId: vf.id, label, field, desired, actual });
      if (vf.assignment) {
        if (vf.assignment.mac !== null && !sameMac(vf.assignment.mac, vf.mac)) push('mac', vf.assignment.mac, vf.mac);
        if (vf.assignment.vlan !== null && vf.assignment.vlan !== (vf.vlan ?? 0)) push('vlan', vf.assignment.vlan, vf.vlan);
      } else {
        if (vf.desiredMac !== null && !sameMac(vf.desiredMac, vf.mac)) push('mac', vf.desiredMac, vf.mac);
        if (vf.desiredVlan !== null && vf.desiredVlan !== (vf.vlan ?? 0)) push('vlan', vf.desiredVlan, vf.vlan);
        if (vf.desiredDriver !== null && vf.desiredDriver !== vf.driver) push('driver', vf.desiredDriver, vf.driver);
      }
      if (vf.desiredTrust !== null && vf.trust !== null && vf.desiredTrust !== vf.trust) push('trust', vf.desiredTrust, vf.trust);
      if (vf.desiredSpoofchk !== null && vf.spoofchk !== null && vf.desiredSpoofchk !== vf.spoofchk) push('spoofchk', vf.desiredSpoofchk, vf.spoofchk);
      const guest = vf.assignment?.vm ? guestDrift(vf.assignment as DriftGuestFacts, vf.linkState ?? null, pf.vfDriver ?? null, now) : null;
      if (guest) drift.push({ targetType: 'vf', targetId: vf.id, label, field: 'guest', ...guest });
    }
  }
  return drift;
}

/** An assigned VF its VM's guest has not shown for GUEST_DRIFT_AFTER_MS: wanted seen, reported not, and why. */
function guestDrift(a: DriftGuestFacts, linkState: string | null, expectedDriver: string | null, now: number): Pick<DriftItem, 'desired' | 'actual' | 'cause'> | null {
  const verdict = assignmentGuestVerdict(a, linkState, expectedDriver, now);
  if (!verdict.drift) return null;
  const minutes = Math.floor((now - new Date(a.guestNotSeenSince ?? now).getTime()) / 60_000);
  return { desired: `seen by ${a.vm.name}'s guest`, actual: `not seen for ${minutes} min`, ...(verdict.cause ? { cause: verdict.cause } : {}) };
}
