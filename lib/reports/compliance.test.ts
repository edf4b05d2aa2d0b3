import { describe, expect, it } from 'vitest';
import { COMPLIANCE_COLUMNS, complianceRow, complianceTally, type ComplianceRow } from './compliance';
import { summarize } from './tally';
import { baseHost, complianceHost } from './test-fixtures';

const bios = (changes: Record<string, [string | null, string | null]>) =>
  baseHost('x').bios.map((s) => (changes[s.name] ? { name: s.name, current: changes[s.name]![0], pending: changes[s.name]![1] } : s));

describe('compliance report', () => {
  it('passes a host that meets the whole baseline', () => {
    const row = complianceRow(complianceHost('kvm-a01'), {});
    expect(row).toMatchObject({ compliance: 'compliant', sriov: 'pass', iommuBios: 'pass', vtx: 'pass', kernelIommu: 'pass', vfioPci: 'pass', failing: null, pending: null, failureSeenAt: null, ilo: 'iLO 5 2.72' });
    expect(COMPLIANCE_COLUMNS.map((c) => c.key).sort()).toEqual(Object.keys(row ?? {}).sort());
  });

  it('says when a host meets the baseline but is not ready, and why, in the readiness chain’s words', () => {
    const noSriovNic = complianceHost('kvm-c04', { physicalFunctions: [{ ...complianceHost('x').physicalFunctions[0]!, vendorId: '14e4', deviceId: '1657', totalVfs: 0, modelName: 'HPE 331i' }] });
    const row = complianceRow(noSriovNic, {});
    expect(row).toMatchObject({ compliance: 'compliant', readiness: 'not-ready' });
    expect(row?.outsideBaseline).toContain('SR-IOV NIC');
    const firmwareOff = complianceRow(complianceHost('kvm-e01', { physicalFunctions: complianceHost('x').physicalFunctions.map((pf) => ({ ...pf, firmwareMaxVfs: 0 })) }), {});
    expect(firmwareOff).toMatchObject({ compliance: 'compliant', readiness: 'not-ready', outsideBaseline: 'NIC firmware' });
    // vfio-pci is in the baseline: its failure is not "outside" it.
    expect(complianceRow(complianceHost('kvm-d01', { vfioPciLoaded: false }), {})?.outsideBaseline).toBeNull();
    const summary = summarize(complianceTally(), [row!, firmwareOff!, complianceRow(complianceHost('kvm-a01'), {})!]);
    expect(summary).toMatchObject({ byVerdict: { compliant: 3 }, ready: 1, compliantNotReady: 2 });
  });

  it('names what fails, what is pending, and when the failure was last seen', () => {
    const row = complianceRow(complianceHost('kvm-c02', { bios: bios({ IntelProcVtd: ['Disabled', 'Enabled'] }), iommuActive: false }), {});
    expect(row).toMatchObject({
      compliance: 'non-compliant',
      iommuBios: 'fail',
      kernelIommu: 'fail',
      failing: 'IntelProcVtd not enabled; no IOMMU groups',
      pending: 'IntelProcVtd=Enabled',
      // The later of the BIOS read (09:55) and the agent's report (10:00) that showed failures.
      failureSeenAt: '2026-11-24T10:00:00.000Z',
      readiness: 'not-ready',
    });
    const biosOnly = complianceRow(complianceHost('kvm-a04', { bios: bios({ Sriov: ['Disabled', 'Disabled'] }) }), {});
    expect(biosOnly).toMatchObject({ sriov: 'fail', failing: 'Sriov not enabled', pending: null, failureSeenAt: '2026-11-24T09:55:00.000Z' });
    const vfio = complianceRow(complianceHost('kvm-d01', { vfioPciLoaded: false }), {});
    expect(vfio).toMatchObject({ compliance: 'non-compliant', vfioPci: 'fail', failing: 'vfio_pci not loaded', failureSeenAt: '2026-11-24T10:00:00.000Z' });
  });

  it('checks ProcAmdIoVt, not IntelProcVtd, on AMD', () => {
    const amd = complianceHost('kvm-b02', {
      cpuVendor: 'AMD',
      bios: [
        { name: 'Sriov', current: 'Enabled', pending: 'Enabled' },
        { name: 'ProcAmdIoVt', current: 'Disabled', pending: 'Disabled' },
        { name: 'ProcVirtualization', current: 'Enabled', pending: 'Enabled' },
      ],
    });
    expect(complianceRow(amd, {})).toMatchObject({ iommuBios: 'fail', failing: 'ProcAmdIoVt not enabled' });
  });

  it('says unknown, not failing, for a host with no iLO data yet', () => {
    const noIlo = complianceHost('kvm-new', { bmc: null, biosRead: null, bios: [] });
    expect(complianceRow(noIlo, {})).toMatchObject({ compliance: 'unknown', sriov: 'unknown', iommuBios: 'unknown', vtx: 'unknown', kernelIommu: 'pass', ilo: null, biosReadAt: null, failing: null });
    // BIOS rows left from before are not trusted until the iLO has been read.
    expect(complianceRow(complianceHost('kvm-new', { biosRead: null }), {})?.sriov).toBe('unknown');
  });

  it('filters by verdict and counts each check', () => {
    const hosts = [complianceHost('a'), complianceHost('b', { vfioPciLoaded: false }), complianceHost('c', { biosRead: null })];
    expect(hosts.map((h) => complianceRow(h, { compliance: 'non-compliant' })?.host ?? null)).toEqual([null, 'b', null]);
    const rows = hosts.map((h) => complianceRow(h, {})).filter((r): r is ComplianceRow => r !== null);
    const summary = summarize(complianceTally(), rows);
    expect(summary.byVerdict).toEqual({ compliant: 1, 'non-compliant': 1, unknown: 1 });
    expect(summary.byCheck.find((c) => c.check === 'vfioPci')).toMatchObject({ pass: 2, fail: 1, unknown: 0 });
    expect(summary.byCheck.find((c) => c.check === 'sriov')).toMatchObject({ pass: 2, fail: 0, unknown: 1 });
  });
});
