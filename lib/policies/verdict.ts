// Where a host stands against one policy, read off the host's plan over all its policies: the
// policy's own changes make the host "drifted", its refused ones (or a tie with another policy)
// "refused", values it already staged "pending-reboot", facts not reported "unknown". A value a
// higher-priority policy overrides is that policy's business, not this one's. Pure: the policy
// pages (compliance.ts stores it) and the compliance report (lib/reports/compliance.ts) use it.

import type { HostPlan, PlanChange } from './plan';
import type { ComplianceState } from './words';

export interface ComplianceEntry {
  state: ComplianceState;
  /** What differs or is refused, in words. */
  details: string[];
}

const fmt = (v: unknown) => (typeof v === 'object' && v !== null ? Object.entries(v).map(([k, x]) => `${k} ${String(x)}`).join(', ') : String(v));

/** "BIOS Sriov: Disabled → Enabled", "Kernel command line: + intel_iommu=on iommu=pt", "BIOS Sriov: refused (…)". */
export function describeChange(c: PlanChange): string {
  if (c.status !== 'planned') return `${c.target}: ${c.status} (${c.reason ?? ''})`;
  // The whole command line says nothing the arguments to add do not.
  if (c.kind === 'kernel-args') return `${c.target}: ${fmt(c.to)}`;
  return `${c.target}: ${fmt(c.from)} → ${fmt(c.to)}`;
}

/** The host's state against one policy, from the host's plan over all its policies. */
export function complianceOf(plan: HostPlan, policyName: string): ComplianceEntry {
  if (plan.status === 'unknown') return { state: 'unknown', details: [plan.unknownReason ?? 'not reported'] };
  const mine = plan.changes.filter((c) => c.policy === policyName || (c.status === 'refused' && c.reason?.includes(`${policyName} (`)));
  const refused = mine.filter((c) => c.status === 'refused');
  if (refused.length) return { state: 'refused', details: refused.map(describeChange) };
  if (mine.length) return { state: 'drifted', details: mine.map(describeChange) };
  const staged = plan.staged.filter((s) => s.policy === policyName);
  if (staged.length) return { state: 'pending-reboot', details: staged.map((s) => `BIOS ${s.attribute}=${s.value} staged, applied at the next reboot`) };
  return { state: 'compliant', details: [] };
}
