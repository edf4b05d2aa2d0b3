// BIOS and readiness compliance: each host against the SR-IOV baseline — BIOS Sriov, the IOMMU
// (IntelProcVtd on Intel, ProcAmdIoVt on AMD) and VT-x (ProcVirtualization) enabled; the kernel's
// IOMMU active; vfio-pci loaded (SRIOV-FACTS.md section 1).
//
// The baseline is narrower than the fleet's readiness chain (lib/inventory/readiness.ts): it says
// nothing of the NIC, its firmware, the drivers or kvm. A host can meet it and still not be ready,
// so each row also carries the readiness verdict and the links that fail outside the baseline,
// and the page says plainly what the baseline covers (BASELINE_SCOPE).
//
// "Since when": the inventory keeps the latest reading only, no history. What can be said
// honestly is when the failure was last seen — the BIOS read through the iLO for BIOS checks,
// the agent's report for kernel checks — so that is what failureSeenAt holds. The failure may be
// older.

import { z } from 'zod';
import { iso, type Column } from './columns';
import { hostFilterShape, type HostFilters } from './filters';
import { readinessIfSelected } from './host-filter';
import type { ComplianceHostRecord } from './records';
import { observedRangeTally, type ObservedRange, type Tally } from './tally';
import type { ReadinessLinkId } from '@/lib/inventory/readiness';

export const COMPLIANCE_VERDICTS = ['compliant', 'non-compliant', 'unknown'] as const;
export type ComplianceVerdict = (typeof COMPLIANCE_VERDICTS)[number];
export type CheckResult = 'pass' | 'fail' | 'unknown';

export const complianceQuerySchema = z.strictObject({ ...hostFilterShape, compliance: z.enum(COMPLIANCE_VERDICTS).optional() });
export type ComplianceQuery = HostFilters & { compliance?: ComplianceVerdict };

export const BASELINE_CHECKS = ['sriov', 'iommuBios', 'vtx', 'kernelIommu', 'vfioPci'] as const;
export type BaselineCheck = (typeof BASELINE_CHECKS)[number];

/** What the report page says under its title, so "meets the baseline" is never read as "ready". */
export const BASELINE_SCOPE =
  'The baseline covers BIOS SR-IOV, VT-d (Intel) or AMD IOMMU, and VT-x; the kernel’s IOMMU; and the vfio-pci module. ' +
  'It does not cover whether the host has an SR-IOV capable NIC, whether the NIC’s firmware allows VFs, the PF and VF drivers, or kvm: ' +
  'the fleet’s readiness checks those too, so a host can meet the baseline and still not be ready (“What fails” says what fails outside the baseline).';

/** Readiness links the baseline's checks stand for (kvm aside): the other links fail "outside the baseline". */
const LINKS_IN_BASELINE: ReadonlySet<ReadinessLinkId> = new Set(['bios', 'iommu', 'modules']);

export const CHECK_LABELS: Record<BaselineCheck, string> = {
  sriov: 'BIOS SR-IOV',
  iommuBios: 'BIOS VT-d / AMD IOMMU',
  vtx: 'BIOS VT-x',
  kernelIommu: 'Kernel IOMMU',
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
  kernelIommu: CheckResult;
  vfioPci: CheckResult;
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
  { key: 'compliance', header: 'Baseline', kind: 'verdict', description: 'Met when every check of the baseline passes; it is not the whole readiness chain' },
  { key: 'sriov', header: 'SR-IOV', kind: 'check', description: 'BIOS Sriov = Enabled' },
  { key: 'iommuBios', header: 'VT-d / IOMMU', kind: 'check', description: 'BIOS IntelProcVtd (Intel) or ProcAmdIoVt (AMD) = Enabled' },
  { key: 'vtx', header: 'VT-x', kind: 'check', description: 'BIOS ProcVirtualization = Enabled' },
  { key: 'kernelIommu', header: 'Kernel IOMMU', kind: 'check', description: 'IOMMU groups present in /sys/kernel/iommu_groups' },
  { key: 'vfioPci', header: 'vfio-pci', kind: 'check', description: 'The vfio_pci module is loaded' },
  { key: 'failing', header: 'What fails', wrap: true, secondary: { key: 'outsideBaseline', label: 'Outside the baseline' } },
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
    header: 'Failure last seen',
    kind: 'time',
    description: 'The read (BIOS through the iLO, kernel facts from the agent) that showed the failure. No history is kept yet, so it may be older.',
  },
  { key: 'biosReadAt', header: 'BIOS read at', kind: 'time', downloadOnly: true },
  { key: 'observedAt', header: 'Agent report at', kind: 'time', downloadOnly: true },
];

const ENABLED = 'Enabled';
const KERNEL_FAILURE: Partial<Record<BaselineCheck, string>> = { kernelIommu: 'no IOMMU groups', vfioPci: 'vfio_pci not loaded' };

function biosCheck(bios: Map<string, { current: string | null; pending: string | null }> | null, name: string): CheckResult {
  const value = bios?.get(name)?.current;
  if (value === null || value === undefined) return 'unknown';
  return value === ENABLED ? 'pass' : 'fail';
}

function flagCheck(value: boolean | null): CheckResult {
  return value === null ? 'unknown' : value ? 'pass' : 'fail';
}

function latest(...dates: (string | null)[]): string | null {
  return dates.reduce<string | null>((a, b) => (b !== null && (a === null || b > a) ? b : a), null);
}

export function complianceRow(host: ComplianceHostRecord, query: ComplianceQuery): ComplianceRow | null {
  const readiness = readinessIfSelected(host, query);
  if (!readiness) return null;
  // BIOS rows count only once the iLO has been read (as in readiness.ts).
  const bios = host.biosRead ? new Map(host.bios.map((s) => [s.name, s])) : null;
  const iommuAttribute = host.cpuVendor === 'AMD' ? 'ProcAmdIoVt' : 'IntelProcVtd';
  const biosAttribute: Partial<Record<BaselineCheck, string>> = { sriov: 'Sriov', iommuBios: iommuAttribute, vtx: 'ProcVirtualization' };
  const checks: Record<BaselineCheck, CheckResult> = {
    sriov: biosCheck(bios, 'Sriov'),
    iommuBios: biosCheck(bios, iommuAttribute),
    vtx: biosCheck(bios, 'ProcVirtualization'),
    kernelIommu: flagCheck(host.iommuActive),
    vfioPci: flagCheck(host.vfioPciLoaded),
  };
  const failed = BASELINE_CHECKS.filter((c) => checks[c] === 'fail');
  const compliance: ComplianceVerdict = failed.length > 0 ? 'non-compliant' : BASELINE_CHECKS.some((c) => checks[c] === 'unknown') ? 'unknown' : 'compliant';
  const pending = bios
    ? [...bios.entries()].filter(([, s]) => s.pending !== null && s.pending !== s.current).map(([name, s]) => `${name}=${s.pending}`)
    : [];
  const biosReadAt = iso(host.biosRead?.readAt);
  const observedAt = iso(host.observedAt);
  const failedBios = failed.some((c) => biosAttribute[c]);
  const failedKernel = failed.some((c) => !biosAttribute[c]);
  const row: ComplianceRow = {
    host: host.name,
    model: host.model,
    generation: host.generation,
    cpuVendor: host.cpuVendor,
    ilo: host.bmc ? `${host.bmc.generation}${host.bmc.firmwareVersion ? ` ${host.bmc.firmwareVersion}` : ''}` : null,
    compliance,
    ...checks,
    failing: failed.length > 0 ? failed.map((c) => (biosAttribute[c] ? `${biosAttribute[c]} not enabled` : KERNEL_FAILURE[c])).join('; ') : null,
    pending: pending.length > 0 ? pending.sort().join(', ') : null,
    failureSeenAt: latest(failedBios ? biosReadAt : null, failedKernel ? observedAt : null),
    biosReadAt,
    observedAt,
    readiness: readiness.verdict,
    outsideBaseline:
      readiness.links
        .filter((l) => l.status === 'failing' && (!LINKS_IN_BASELINE.has(l.id) || (l.id === 'modules' && host.kvmLoaded === false)))
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
  byCheck: { check: BaselineCheck; label: string; pass: number; fail: number; unknown: number }[];
  pendingHosts: number;
  observed: ObservedRange;
}

export function complianceTally(): Tally<ComplianceRow, ComplianceSummary> {
  const observed = observedRangeTally();
  const byVerdict = { compliant: 0, 'non-compliant': 0, unknown: 0 } satisfies Record<ComplianceVerdict, number>;
  const byCheck = BASELINE_CHECKS.map((check) => ({ check, label: CHECK_LABELS[check], pass: 0, fail: 0, unknown: 0 }));
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
