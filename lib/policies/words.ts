// A policy and where hosts stand against it, in words: the policy list, the policy page and the
// plan page say the same things the same way. Pure.

import type { PolicyDocument } from './document';
import type { HostPlanStatus } from './plan';

export const COMPLIANCE_STATES = ['compliant', 'drifted', 'pending-reboot', 'refused', 'unknown'] as const;
export type ComplianceState = (typeof COMPLIANCE_STATES)[number];

type Tone = 'good' | 'bad' | 'warn' | 'neutral' | 'info';

export const COMPLIANCE_TEXT: Record<ComplianceState, { word: string; tone: Tone }> = {
  compliant: { word: 'Compliant', tone: 'good' },
  drifted: { word: 'Drifted', tone: 'warn' },
  'pending-reboot': { word: 'Pending reboot', tone: 'info' },
  refused: { word: 'Refused', tone: 'bad' },
  unknown: { word: 'Unknown', tone: 'neutral' },
};

/**
 * What a policy with no host in any state says: never judged (it was written before compliance
 * was evaluated, or the evaluation has not run yet), or judged and selecting no host. Neither
 * may read as compliant.
 */
export function noHostWords(evaluatedAt: string | Date | null): string {
  return evaluatedAt === null ? 'not evaluated yet' : 'matches no host';
}

export const HOST_PLAN_TEXT: Record<HostPlanStatus, { word: string; tone: Tone }> = {
  compliant: { word: 'No change', tone: 'good' },
  changes: { word: 'Changes', tone: 'info' },
  'pending-reboot': { word: 'Pending reboot', tone: 'info' },
  refused: { word: 'Refused', tone: 'bad' },
  unknown: { word: 'Unknown', tone: 'neutral' },
};

/** "BIOS Sriov=Enabled, IOMMU=Enabled", "IOMMU kernel arguments", "560SFP+: 8 VFs, vfio-pci". */
export function describeDocument(document: PolicyDocument): string[] {
  const out: string[] = [];
  const bios = Object.entries(document.bios ?? {});
  if (bios.length) out.push(`BIOS ${bios.map(([k, v]) => `${k}=${String(v)}`).join(', ')}`);
  const os = [document.os?.iommuKernelArgs && 'IOMMU kernel arguments', document.os?.vfioAtBoot && 'vfio-pci at boot'].filter(Boolean);
  if (os.length) out.push(os.join(', '));
  for (const rule of document.nics ?? []) {
    const match = rule.match.nicModel ?? rule.match.pciIds ?? `PFs ${rule.match.pfName}`;
    const sets = [
      rule.numVfs !== undefined && (rule.numVfs === 'max' ? 'as many VFs as the NIC allows' : `${rule.numVfs} VFs`),
      rule.driver && (rule.driver === 'default' ? 'the VF driver' : rule.driver),
      ...Object.entries(rule.vfDefaults ?? {}).map(([k, v]) => `${k} ${String(v)}`),
      rule.macs === 'stable' && 'stable MACs',
    ].filter(Boolean);
    out.push(`${match}: ${sets.join(', ')}`);
  }
  return out;
}

/** "2 h 5 min", "40 s": an estimate or a past duration in seconds. */
export function seconds(total: number | null): string {
  if (total === null) return 'no estimate';
  if (total < 60) return `${Math.round(total)} s`;
  const minutes = Math.round(total / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
