import { describe, expect, it } from 'vitest';
import { automaticChanges, fixStepFor, hostChangeSet, readinessTarget, rebootWords } from './change-set';
import type { ReadinessInput } from './readiness';

const e810 = { pciAddress: '0000:31:00.0', vendorId: '8086', deviceId: '159b', modelName: 'Intel E810', driver: 'ice', totalVfs: 128, firmwareMaxVfs: null, vfDriver: 'iavf', vfDriverAvailable: true };

function readyHost(change: Partial<ReadinessInput> = {}): ReadinessInput {
  return {
    cpuVendor: 'Intel',
    observedAt: new Date('2026-11-24T10:00:00Z'),
    kernelCmdline: 'BOOT_IMAGE=/vmlinuz ro intel_iommu=on iommu=pt',
    iommuActive: true,
    kvmLoaded: true,
    vfioPciLoaded: true,
    bios: [
      { name: 'Sriov', current: 'Enabled', pending: 'Enabled' },
      { name: 'IntelProcVtd', current: 'Enabled', pending: 'Enabled' },
      { name: 'ProcVirtualization', current: 'Enabled', pending: 'Enabled' },
      { name: 'WorkloadProfile', current: 'Custom', pending: 'Custom' },
    ],
    physicalFunctions: [e810],
    ...change,
  };
}

const bios = (host: ReadinessInput, values: Record<string, [string | null, string | null]>) =>
  (host.bios ?? []).map((s) => (values[s.name] ? { name: s.name, current: values[s.name]![0], pending: values[s.name]![1] } : s));

describe('a host’s change set', () => {
  it('is empty for a ready host: nothing to change, no reboot', () => {
    expect(hostChangeSet(readyHost())).toEqual({ changes: [], pendingBios: [], reboots: 0, fixedByReboot: [] });
    expect(rebootWords(0)).toBe('no reboot');
  });

  it('fixes SR-IOV and VT-d off in BIOS with one BIOS change, which also fixes the kernel IOMMU, and one reboot', () => {
    const host = readyHost({ iommuActive: false });
    host.bios = bios(host, { Sriov: ['Disabled', 'Disabled'], IntelProcVtd: ['Disabled', 'Disabled'] });
    const set = hostChangeSet(host);
    expect(set.changes).toEqual([
      {
        kind: 'set-bios',
        attributes: { Sriov: 'Enabled', IntelProcVtd: 'Enabled' },
        from: { Sriov: 'Disabled', IntelProcVtd: 'Disabled' },
        needsReboot: true,
        label: 'Enable SR-IOV and VT-d in BIOS',
        fixes: ['bios', 'iommu'],
      },
    ]);
    expect(set.reboots).toBe(1);
    expect(fixStepFor(set, 'iommu')).toEqual({ step: 1, label: 'Enable SR-IOV and VT-d in BIOS' });
  });

  it('puts a BIOS change and the kernel arguments behind the same reboot', () => {
    const host = readyHost({ iommuActive: false, kernelCmdline: 'BOOT_IMAGE=/vmlinuz ro quiet' });
    host.bios = bios(host, { Sriov: ['Disabled', 'Disabled'], IntelProcVtd: ['Disabled', 'Disabled'] });
    const set = hostChangeSet(host);
    expect(set.changes.map((c) => [c.kind, c.label, c.needsReboot])).toEqual([
      ['set-bios', 'Enable SR-IOV and VT-d in BIOS', true],
      ['os-fix', 'Add intel_iommu=on iommu=pt to the kernel command line', true],
    ]);
    expect(set.reboots).toBe(1);
  });

  it('adds only the kernel arguments when the BIOS is right', () => {
    const set = hostChangeSet(readyHost({ iommuActive: false, kernelCmdline: 'ro quiet' }));
    expect(set.changes).toEqual([expect.objectContaining({ kind: 'os-fix', fix: 'iommu-args', args: 'intel_iommu=on iommu=pt', fixes: ['iommu'] })]);
    expect(set.reboots).toBe(1);
  });

  it('needs only the reboot when the values are already pending', () => {
    const host = readyHost({ iommuActive: false });
    host.bios = bios(host, { IntelProcVtd: ['Disabled', 'Enabled'] });
    const set = hostChangeSet(host);
    expect(set).toEqual({ changes: [], pendingBios: [{ name: 'IntelProcVtd', value: 'Enabled', current: 'Disabled' }], reboots: 1, fixedByReboot: ['bios', 'iommu'] });
    expect(fixStepFor(set, 'bios')).toEqual({ step: 'reboot' });
  });

  it('loads vfio-pci without a reboot; that also gives the VFs a driver', () => {
    const set = hostChangeSet(readyHost({ vfioPciLoaded: false, physicalFunctions: [{ ...e810, vfDriverAvailable: false }] }));
    expect(set.changes).toEqual([{ kind: 'os-fix', fix: 'vfio', needsReboot: false, label: 'Load vfio-pci now and at every boot', fixes: ['modules', 'drivers'] }]);
    expect(set.reboots).toBe(0);
  });

  it('unlocks SR-IOV from a workload profile that forces it off by changing the profile', () => {
    const host = readyHost();
    host.bios = bios(host, { Sriov: ['Disabled', 'Disabled'], WorkloadProfile: ['LowLatency', 'LowLatency'] });
    expect(hostChangeSet(host).changes).toEqual([
      expect.objectContaining({ kind: 'set-bios', attributes: { WorkloadProfile: 'Virtualization-MaxPerformance' }, label: 'Set the Virtualization-MaxPerformance workload profile (it turns SR-IOV on)' }),
    ]);
  });

  it('checks ProcAmdIoVt on AMD and asks the kernel for amd_iommu', () => {
    const host = readyHost({
      cpuVendor: 'AMD',
      iommuActive: false,
      kernelCmdline: 'ro',
      bios: [
        { name: 'Sriov', current: 'Enabled', pending: 'Enabled' },
        { name: 'ProcAmdIoVt', current: 'Disabled', pending: 'Disabled' },
        { name: 'ProcVirtualization', current: 'Enabled', pending: 'Enabled' },
      ],
    });
    const set = hostChangeSet(host);
    expect(set.changes.map((c) => c.label)).toEqual(['Enable AMD IOMMU in BIOS', 'Add amd_iommu=on iommu=pt to the kernel command line']);
  });

  it('says what only a person can do, and whether it waits for the reboot', () => {
    const firmwareOff = hostChangeSet(readyHost({ physicalFunctions: [{ ...e810, firmwareMaxVfs: 0 }] }));
    expect(firmwareOff.changes).toEqual([expect.objectContaining({ kind: 'manual', label: 'Enable SR-IOV in the adapter’s firmware', needsReboot: true, fixes: ['firmware'] })]);
    expect(firmwareOff.reboots).toBe(1);
    expect(automaticChanges(firmwareOff)).toEqual([]);
    const noSriovNic = hostChangeSet(readyHost({ physicalFunctions: [{ ...e810, vendorId: '14e4', deviceId: '1657', totalVfs: 0 }] }));
    expect(noSriovNic.changes).toEqual([expect.objectContaining({ kind: 'manual', label: 'Fit an SR-IOV capable adapter', needsReboot: false })]);
    expect(noSriovNic.reboots).toBe(0);
  });

  it('changes nothing it cannot see: a BIOS not read yet, a host never reported', () => {
    expect(hostChangeSet(readyHost({ bios: null })).changes).toEqual([]);
    expect(hostChangeSet(readyHost({ observedAt: null, iommuActive: null, kvmLoaded: null, vfioPciLoaded: null, bios: null, physicalFunctions: [] })).changes).toEqual([]);
  });

  it('takes another target: a plan’s BIOS values', () => {
    const host = readyHost();
    host.bios = [...(host.bios ?? []), { name: 'AmdDmaRemapping', current: 'Disabled', pending: 'Disabled' }];
    const set = hostChangeSet(host, { ...readinessTarget('Intel'), bios: { ...readinessTarget('Intel').bios, AmdDmaRemapping: 'Enabled' } });
    expect(set.changes).toEqual([expect.objectContaining({ kind: 'set-bios', attributes: { AmdDmaRemapping: 'Enabled' }, needsReboot: true })]);
    expect(set.reboots).toBe(1);
  });
});
