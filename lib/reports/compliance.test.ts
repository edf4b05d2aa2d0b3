import { describe, expect, it } from 'vitest';
import { COMPLIANCE_COLUMNS, complianceRow, complianceTally, type ComplianceQuery, type ComplianceRow } from './compliance';
import { summarize } from './tally';
import { baseHost, baselinePlan, complianceHost } from './test-fixtures';
import type { ComplianceHostRecord } from './records';

const bios = (changes: Record<string, [string | null, string | null]>) =>
  baseHost('x').bios.map((s) => (changes[s.name] ? { name: s.name, current: changes[s.name]![0], pending: changes[s.name]![1] } : s));
const row = (host: ComplianceHostRecord, query: ComplianceQuery = {}, options: Parameters<typeof baselinePlan>[1] = {}) => complianceRow(host, baselinePlan(host, options), query);

describe('compliance report: each host against the built-in baseline policy', () => {
  it('passes a host that meets the whole baseline', () => {
    const r = row(complianceHost('kvm-a01'));
    expect(r).toMatchObject({ compliance: 'compliant', sriov: 'pass', iommuBios: 'pass', vtx: 'pass', kernelArgs: 'pass', vfioPci: 'pass', failing: null, pending: null, failureSeenAt: null, ilo: 'iLO 5 2.72' });
    expect(COMPLIANCE_COLUMNS.map((c) => c.key).sort()).toEqual(Object.keys(r ?? {}).sort());
  });

  it('says when a host meets the baseline but is not ready, and why, in the readiness chain’s words', () => {
    const noSriovNic = complianceHost('kvm-c04', { physicalFunctions: [{ ...complianceHost('x').physicalFunctions[0]!, vendorId: '14e4', deviceId: '1657', totalVfs: 0, modelName: 'HPE 331i' }] });
    const r = row(noSriovNic);
    expect(r).toMatchObject({ compliance: 'compliant', readiness: 'not-ready' });
    expect(r?.outsideBaseline).toContain('SR-IOV NIC');
    const firmwareOff = row(complianceHost('kvm-e01', { physicalFunctions: complianceHost('x').physicalFunctions.map((pf) => ({ ...pf, firmwareMaxVfs: 0 })) }));
    expect(firmwareOff).toMatchObject({ compliance: 'compliant', readiness: 'not-ready', outsideBaseline: 'NIC firmware' });
    // vfio-pci is in the baseline: its failure is not "outside" it.
    expect(row(complianceHost('kvm-d01', { vfioPciLoaded: false }))?.outsideBaseline).toBeNull();
    // No IOMMU groups with the BIOS and the kernel arguments as the baseline asks: the firmware's
    // business, outside the baseline.
    expect(row(complianceHost('kvm-f01', { iommuActive: false }))).toMatchObject({ compliance: 'compliant', outsideBaseline: 'Kernel IOMMU' });
    const summary = summarize(complianceTally(), [r!, firmwareOff!, row(complianceHost('kvm-a01'))!]);
    expect(summary).toMatchObject({ byVerdict: { compliant: 3 }, ready: 1, compliantNotReady: 2 });
  });

  it('drifted: names what differs in the plan’s words, and when it was last seen', () => {
    const r = row(complianceHost('kvm-a04', { bios: bios({ Sriov: ['Disabled', null] }) }));
    expect(r).toMatchObject({ compliance: 'drifted', sriov: 'fail', iommuBios: 'pass', failing: 'BIOS Sriov: Disabled → Enabled', pending: null, failureSeenAt: '2026-11-24T09:55:00.000Z' });
    const noArgs = row(complianceHost('kvm-c03', { kernelCmdline: 'ro quiet', iommuActive: false }));
    expect(noArgs).toMatchObject({ compliance: 'drifted', kernelArgs: 'fail', failing: 'Kernel command line: + intel_iommu=on iommu=pt', failureSeenAt: '2026-11-24T10:00:00.000Z', outsideBaseline: null });
    const vfio = row(complianceHost('kvm-d01', { vfioPciLoaded: false }));
    expect(vfio).toMatchObject({ compliance: 'drifted', vfioPci: 'fail', failing: 'vfio-pci module: not loaded → loaded now and at every boot' });
  });

  it('pending reboot: the value the baseline asks is staged in the BIOS', () => {
    const r = row(complianceHost('kvm-c02', { bios: bios({ IntelProcVtd: ['Disabled', 'Enabled'] }), iommuActive: false }));
    expect(r).toMatchObject({ compliance: 'pending-reboot', iommuBios: 'pending', kernelArgs: 'pass', pending: 'IntelProcVtd=Enabled', failing: null, readiness: 'not-ready', outsideBaseline: null });
  });

  it('refused: a change no plan can make, with the reason (a workload profile’s lock, no registry read)', () => {
    const locked = complianceHost('kvm-d02', { bios: [...bios({ Sriov: ['Disabled', null] }), { name: 'WorkloadProfile', current: 'LowLatency', pending: null }] });
    const r = row(locked);
    expect(r?.compliance).toBe('refused');
    expect(r?.sriov).toBe('fail');
    expect(r?.failing).toMatch(/^BIOS Sriov: refused \(locked: WorkloadProfile is LowLatency/);
    expect(row(complianceHost('kvm-a04', { bios: bios({ Sriov: ['Disabled', null] }) }), {}, { registry: null })).toMatchObject({
      compliance: 'refused',
      failing: 'BIOS Sriov: refused (the BIOS attribute registry has not been read from the iLO yet)',
    });
  });

  it('checks ProcAmdIoVt and the AMD kernel arguments, not Intel’s, on AMD', () => {
    const amd = complianceHost('kvm-b02', {
      cpuVendor: 'AMD',
      kernelCmdline: 'ro amd_iommu=on iommu=pt',
      bios: [
        { name: 'Sriov', current: 'Enabled', pending: 'Enabled' },
        { name: 'ProcAmdIoVt', current: 'Disabled', pending: 'Disabled' },
        { name: 'ProcVirtualization', current: 'Enabled', pending: 'Enabled' },
      ],
    });
    expect(row(amd)).toMatchObject({ compliance: 'drifted', iommuBios: 'fail', kernelArgs: 'pass', failing: 'BIOS ProcAmdIoVt: Disabled → Enabled' });
  });

  it('says unknown, not failing, for a host with no iLO data or no agent report yet', () => {
    const noIlo = complianceHost('kvm-new', { bmc: null, biosRead: null, bios: [] });
    expect(row(noIlo)).toMatchObject({ compliance: 'unknown', sriov: 'unknown', iommuBios: 'unknown', vtx: 'unknown', kernelArgs: 'pass', ilo: null, biosReadAt: null });
    expect(row(noIlo)?.failing).toBe('Not known: its BIOS has not been read through the iLO yet');
    // BIOS rows left from before are not trusted until the iLO has been read.
    expect(row(complianceHost('kvm-new', { biosRead: null }))?.sriov).toBe('unknown');
    const neverSeen = row(complianceHost('kvm-d03', { observedAt: null, kernelCmdline: null, vfioPciLoaded: null, iommuActive: null }));
    expect(neverSeen).toMatchObject({ compliance: 'unknown', sriov: 'pass', kernelArgs: 'unknown', vfioPci: 'unknown', failureSeenAt: null });
  });

  it('filters by the policy states and counts each check', () => {
    const hosts = [
      complianceHost('a'),
      complianceHost('b', { vfioPciLoaded: false }),
      complianceHost('c', { biosRead: null }),
      complianceHost('d', { bios: bios({ Sriov: ['Disabled', 'Enabled'] }) }),
    ];
    expect(hosts.map((h) => row(h, { compliance: 'drifted' })?.host ?? null)).toEqual([null, 'b', null, null]);
    expect(hosts.map((h) => row(h, { compliance: 'pending-reboot' })?.host ?? null)).toEqual([null, null, null, 'd']);
    const rows = hosts.map((h) => row(h)).filter((r): r is ComplianceRow => r !== null);
    const summary = summarize(complianceTally(), rows);
    expect(summary.byVerdict).toEqual({ compliant: 1, drifted: 1, 'pending-reboot': 1, refused: 0, unknown: 1 });
    expect(summary.byCheck.find((c) => c.check === 'vfioPci')).toMatchObject({ pass: 3, fail: 1, pending: 0, unknown: 0 });
    expect(summary.byCheck.find((c) => c.check === 'sriov')).toMatchObject({ pass: 2, fail: 0, pending: 1, unknown: 1 });
  });
});
