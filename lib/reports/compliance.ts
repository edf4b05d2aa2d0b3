// BIOS and OS compliance: each host against the built-in SR-IOV baseline policy
// (lib/policies/baseline.ts: BIOS Sriov, the IOMMU — IntelProcVtd on Intel, ProcAmdIoVt on AMD — and
// VT-x enabled; the IOMMU kernel arguments; vfio-pci loaded), judged by the policy engine as every
// policy is: the host's plan against the baseline alone (lib/policies/plan.ts) read as compliant,
// drifted, pending-reboot, refused or unknown (lib/policies/verdict.ts). The report, a policy's
// page and a plan use one vocabulary; each check column says which part of the baseline differs.
//
// The baseline is narrower than the fleet's readiness chain (lib/inventory/readiness.ts): it says
// nothing of the NIC, its firmware, the drivers, kvm, or whether the kernel's IOMMU came up. A
// host can meet it and still not be ready, so each row also carries the readiness verdict and the
// links that fail outside the baseline, and the page says plainly what the baseline covers.
//
// "Since when": the baseline is not stored, so no transitions are kept for it (a policy's page
// has them). What can be said honestly is when the difference was last seen — the BIOS read
// through the iLO for BIOS checks, the agent's report for kernel checks — so that is what
// failureSeenAt holds. The difference may be older.
//
// Pure: the service computes each host's plan (server-side) and hands it in.

import { z } from 'zod';
import { BASELINE_POLICY } from '@/lib/policies/baseline';
import type { HostPlan } from '@/lib/policies/plan';
import { complianceOf, describeChange } from '@/lib/policies/verdict';
import { COMPLIANCE_STATES, type ComplianceState } from '@/lib/policies/words';
import { iso, type Column } from './columns';
import { hostFilterShape, type HostFilters } from './filters';
import { readinessIfSelected } from './host-filter';
import type { ComplianceHostRecord } from './records';
import { observedRangeTally, type ObservedRange, type Tally } from './tally';
import type { ReadinessLinkId } from '@/lib/inventory/readiness';

export const COMPLIANCE_VERDICTS = COMPLIANCE_STATES;
export type ComplianceVerdict = ComplianceState;
/** "pending": the value the baseline asks is staged in the BIOS, applied at the next reboot. */
export type CheckResult = 'pass' | 'fail' | 'pending' | 'unknown';

export const complianceQuerySchema = z.strictObject({ ...hostFilterShape, compliance: z.enum(COMPLIANCE_VERDICTS).optional() });
export type ComplianceQuery = HostFilters & { compliance?: ComplianceVerdict };

export const BASELINE_CHECKS = ['sriov', 'iommuBios', 'vtx', 'kernelArgs', 'vfioPci'] as const;
export type BaselineCheck = (typeof BASELINE_CHECKS)[number];

/** What the report page says under its title, so "meets the baseline" is never read as "ready". */
export const BASELINE_SCOPE =
  `The baseline is the built-in policy ${BASELINE_POLICY.name}: BIOS SR-IOV, VT-d (Intel) or AMD IOMMU, and VT-x enabled; the IOMMU kernel arguments; the vfio-pci module. ` +
  'Each host is judged by the same engine as every policy and plan, in the same words: drifted (a plan would change it), refused (a plan cannot, and says why), pending reboot (the values are staged in the BIOS). ' +
  'It does not cover whether the host has an SR-IOV capable NIC, whether the NIC’s firmware allows VFs, the PF and VF drivers, kvm, or whether the kernel’s IOMMU came up: ' +
  'the fleet’s readiness checks those too, so a host can meet the baseline and still not be ready (“What differs” says what fails outside the baseline).';

export const CHECK_LABELS: Record<BaselineCheck, string> = {
  sriov: 'BIOS SR-IOV',
  iommuBios: 'BIOS VT-d / AMD IOMMU',
  vtx: 'BIOS VT-x',
  kernelArgs: 'Kernel arguments',
  vfioPci: 'vfio-pci loaded',
};

export type ComplianceRow = {
  host: string;
  model: string;
  generation: string;
  cpuVendor: string;
  ilo: string | null;
  compliance: ComplianceVerdict;
  sriov: CheckResult;
  iommuBios: CheckResult;
  vtx: CheckResult;
  kernelArgs: CheckResult;
  vfioPci: CheckResult;
  /** The baseline's changes in the plan's words (refused ones with the reason), or why it is not known. */
  failing: string | null;
  pending: string | null;
  failureSeenAt: string | null;
  biosReadAt: string | null;
  observedAt: string | null;
  readiness: string;
  /** Readiness links that fail on checks the baseline does not make ("SR-IOV NIC", "NIC firmware"). */
  outsideBaseline: string | null;
};

export const COMPLIANCE_COLUMNS: Column<ComplianceRow>[] = [
  { key: 'host', header: 'Host' },
  { key: 'model', header: 'Model', downloadOnly: true },
  { key: 'generation', header: 'Gen', downloadOnly: true },
  { key: 'cpuVendor', header: 'CPU', downloadOnly: true },
  { key: 'ilo', header: 'iLO', downloadOnly: true },
  {
    key: 'compliance',
    header: 'Baseline',
    kind: 'compliance',
    description: `Against the built-in policy ${BASELINE_POLICY.name}, as a policy's page says it: compliant, drifted, pending reboot, refused (no plan can make the change) or unknown. It is not the whole readiness chain`,
  },
  { key: 'sriov', header: 'SR-IOV', kind: 'check', description: 'BIOS Sriov = Enabled' },
  { key: 'iommuBios', header: 'VT-d / IOMMU', kind: 'check', description: 'BIOS IntelProcVtd (Intel) or ProcAmdIoVt (AMD) = Enabled' },
  { key: 'vtx', header: 'VT-x', kind: 'check', description: 'BIOS ProcVirtualization = Enabled' },
  { key: 'kernelArgs', header: 'Kernel args', kind: 'check', description: 'intel_iommu=on iommu=pt (Intel) or amd_iommu=on iommu=pt (AMD) on the kernel command line' },
  { key: 'vfioPci', header: 'vfio-pci', kind: 'check', description: 'The vfio_pci module is loaded' },
  { key: 'failing', header: 'What differs', wrap: true, secondary: { key: 'outsideBaseline', label: 'Outside the baseline' } },
  {
    key: 'readiness',
    header: 'Readiness (whole chain)',
    kind: 'verdict',
    description: 'The fleet’s readiness: the whole chain, including NIC, firmware and drivers',
  },
  { key: 'outsideBaseline', header: 'Fails outside the baseline', downloadOnly: true, description: 'Readiness links that fail on what the baseline does not check' },
  { key: 'pending', header: 'Pending until reset', wrap: true, description: 'BIOS values set through the iLO, applied at the next server reset' },
  {
    key: 'failureSeenAt',
    header: 'Difference last seen',
    kind: 'time',
    description: 'The read (BIOS through the iLO, kernel facts from the agent) that showed the difference. The baseline keeps no history, so it may be older.',
  },
  { key: 'biosReadAt', header: 'BIOS read at', kind: 'time', downloadOnly: true },
  { key: 'observedAt', header: 'Agent report at', kind: 'time', downloadOnly: true },
];

function latest(...dates: (string | null)[]): string | null {
  return dates.reduce<string | null>((a, b) => (b !== null && (a === null || b > a) ? b : a), null);
}

/** A BIOS attribute of the baseline in the plan: changed (planned or refused), staged, or as asked. */
function biosCheck(plan: HostPlan, attribute: string, known: boolean): CheckResult {
  if (!known) return 'unknown';
  if (plan.changes.some((c) => c.kind === 'bios' && c.target === `BIOS ${attribute}`)) return 'fail';
  if (plan.staged.some((s) => s.attribute === attribute)) return 'pending';
  return 'pass';
}

/**
 * The host's row, from its record and its plan against the baseline alone
 * (planHost(host, [BASELINE_POLICY])); null when the filters leave it out.
 */
export function complianceRow(host: ComplianceHostRecord, plan: HostPlan, query: ComplianceQuery): ComplianceRow | null {
  const readiness = readinessIfSelected(host, query);
  if (!readiness) return null;
  const entry = complianceOf(plan, BASELINE_POLICY.name);
  // The engine judges BIOS values once the iLO has been read, OS facts once the agent has reported.
  const biosKnown = host.biosRead !== null;
  const reported = host.observedAt !== null;
  const iommuAttribute = host.cpuVendor === 'AMD' ? 'ProcAmdIoVt' : 'IntelProcVtd';
  const osCheck = (kind: 'kernel-args' | 'vfio-at-boot'): CheckResult => (!reported ? 'unknown' : plan.changes.some((c) => c.kind === kind) ? 'fail' : 'pass');
  const checks: Record<BaselineCheck, CheckResult> = {
    sriov: biosCheck(plan, 'Sriov', biosKnown),
    iommuBios: biosCheck(plan, iommuAttribute, biosKnown),
    vtx: biosCheck(plan, 'ProcVirtualization', biosKnown),
    kernelArgs: osCheck('kernel-args'),
    vfioPci: osCheck('vfio-at-boot'),
  };
  const bios = biosKnown ? host.bios : [];
  const pending = bios.filter((s) => s.pending !== null && s.pending !== s.current).map((s) => `${s.name}=${s.pending}`);
  const biosReadAt = iso(host.biosRead?.readAt);
  const observedAt = iso(host.observedAt);
  const differs = plan.changes.map(describeChange);
  if (entry.state === 'unknown' && plan.unknownReason) differs.push(`Not known: ${plan.unknownReason}`);
  const biosDiffers = checks.sriov === 'fail' || checks.iommuBios === 'fail' || checks.vtx === 'fail';
  const osDiffers = checks.kernelArgs === 'fail' || checks.vfioPci === 'fail';
  // The readiness links the baseline stands for: BIOS, the modules (kvm aside) and, when the
  // baseline explains it, the kernel's IOMMU; any other failing link fails outside it.
  const iommuExplained = checks.iommuBios !== 'pass' || checks.kernelArgs !== 'pass';
  const inBaseline = (id: ReadinessLinkId) => id === 'bios' || (id === 'modules' && host.kvmLoaded !== false) || (id === 'iommu' && iommuExplained);
  const row: ComplianceRow = {
    host: host.name,
    model: host.model,
    generation: host.generation,
    cpuVendor: host.cpuVendor,
    ilo: host.bmc ? `${host.bmc.generation}${host.bmc.firmwareVersion ? ` ${host.bmc.firmwareVersion}` : ''}` : null,
    compliance: entry.state,
    ...checks,
    failing: differs.length > 0 ? differs.join('; ') : null,
    pending: pending.length > 0 ? pending.sort().join(', ') : null,
    failureSeenAt: latest(biosDiffers ? biosReadAt : null, osDiffers ? observedAt : null),
    biosReadAt,
    observedAt,
    readiness: readiness.verdict,
    outsideBaseline:
      readiness.links
        .filter((l) => l.status === 'failing' && !inBaseline(l.id))
        .map((l) => l.label)
        .join(', ') || null,
  };
  return query.compliance && row.compliance !== query.compliance ? null : row;
}

export interface ComplianceSummary {
  hosts: number;
  byVerdict: Record<ComplianceVerdict, number>;
  /** Hosts the fleet calls SR-IOV ready (the whole chain), and those meeting the baseline that are not. */
  ready: number;
  compliantNotReady: number;
  byCheck: { check: BaselineCheck; label: string; pass: number; fail: number; pending: number; unknown: number }[];
  pendingHosts: number;
  observed: ObservedRange;
}

export function complianceTally(): Tally<ComplianceRow, ComplianceSummary> {
  const observed = observedRangeTally();
  const byVerdict = Object.fromEntries(COMPLIANCE_VERDICTS.map((v) => [v, 0])) as Record<ComplianceVerdict, number>;
  const byCheck = BASELINE_CHECKS.map((check) => ({ check, label: CHECK_LABELS[check], pass: 0, fail: 0, pending: 0, unknown: 0 }));
  let pendingHosts = 0;
  let ready = 0;
  let compliantNotReady = 0;
  return {
    add(row) {
      observed.add(row.host, row.observedAt);
      byVerdict[row.compliance]++;
      if (row.readiness === 'ready') ready++;
      else if (row.compliance === 'compliant') compliantNotReady++;
      for (const c of byCheck) c[row[c.check]]++;
      if (row.pending) pendingHosts++;
    },
    result: () => ({ hosts: observed.hosts(), byVerdict, ready, compliantNotReady, byCheck, pendingHosts, observed: observed.result() }),
  };
}
