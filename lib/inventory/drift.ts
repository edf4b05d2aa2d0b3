// Drift: where what a host reports differs from what the operator asked for. The MAC and VLAN
// libvirt sets on a VF it gave to a VM are that assignment's desired state, not drift; nor is
// the driver of an assigned VF (libvirt binds it to vfio-pci while the VM runs).

export interface DriftItem {
  targetType: 'pf' | 'vf' | 'bios';
  /** PF id, VF id, or the BIOS attribute name. */
  targetId: string;
  label: string;
  field: string;
  desired: string | number | boolean | null;
  actual: string | number | boolean | null;
}

export interface DriftInput {
  bios: { name: string; current: string | null; pending: string | null; desired: string | null }[];
  physicalFunctions: {
    id: string;
    pciAddress: string;
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
      assignment: { mac: string | null; vlan: number | null } | null;
    }[];
  }[];
}

const sameMac = (a: string | null, b: string | null) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

export function findDrift(host: DriftInput): DriftItem[] {
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
    }
  }
  return drift;
}
