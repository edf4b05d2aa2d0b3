import { describe, expect, it } from 'vitest';
import { evaluateReadiness, type ReadinessInput, type ReadinessLinkId } from './readiness';

const ixgbePf = {
  pciAddress: '0000:5d:00.0',
  vendorId: '8086',
  deviceId: '10fb',
  modelName: 'HPE Ethernet 10Gb 2-port 560SFP+ Adapter',
  driver: 'ixgbe',
  totalVfs: 63,
  firmwareMaxVfs: 64,
  vfDriver: 'ixgbevf',
  vfDriverAvailable: true,
};

function readyIntelHost(): ReadinessInput {
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
    physicalFunctions: [ixgbePf],
  };
}

function link(input: ReadinessInput, id: ReadinessLinkId) {
  const found = evaluateReadiness(input).links.find((l) => l.id === id);
  if (!found) throw new Error(`no link ${id}`);
  return found;
}

function setBios(input: ReadinessInput, name: string, current: string | null, pending: string | null = current) {
  input.bios = (input.bios ?? []).filter((s) => s.name !== name).concat({ name, current, pending });
  return input;
}

describe('evaluateReadiness', () => {
  it('calls a host with every link holding ready', () => {
    const r = evaluateReadiness(readyIntelHost());
    expect(r.verdict).toBe('ready');
    expect(r.links.map((l) => [l.id, l.status])).toEqual([
      ['hardware', 'ok'],
      ['bios', 'ok'],
      ['firmware', 'ok'],
      ['iommu', 'ok'],
      ['modules', 'ok'],
      ['drivers', 'ok'],
    ]);
  });

  it('reports a host the agent has never seen as unknown, not as failing', () => {
    const input: ReadinessInput = { ...readyIntelHost(), observedAt: null, iommuActive: null, kvmLoaded: null, vfioPciLoaded: null, bios: null, physicalFunctions: [] };
    const r = evaluateReadiness(input);
    expect(r.verdict).toBe('unknown');
    expect(r.links.every((l) => l.status === 'unknown')).toBe(true);
  });

  describe('hardware', () => {
    it('fails when no function has the SR-IOV capability', () => {
      const input = readyIntelHost();
      input.physicalFunctions = [{ ...ixgbePf, vendorId: '14e4', deviceId: '1657', modelName: 'HPE 331i', totalVfs: 0, firmwareMaxVfs: null }];
      const l = link(input, 'hardware');
      expect(l.status).toBe('failing');
      expect(l.fix).toMatch(/SR-IOV capable adapter/);
      expect(evaluateReadiness(input).verdict).toBe('not-ready');
    });

    it('counts a known SR-IOV chip whose firmware hides the capability as hardware present', () => {
      const input = readyIntelHost();
      input.physicalFunctions = [{ ...ixgbePf, vendorId: '15b3', deviceId: '1015', driver: 'mlx5_core', totalVfs: 0, firmwareMaxVfs: 0 }];
      expect(link(input, 'hardware').status).toBe('ok');
      expect(link(input, 'firmware').status).toBe('failing');
    });
  });

  describe('bios', () => {
    it('fails when Sriov is disabled, naming it', () => {
      const l = link(setBios(readyIntelHost(), 'Sriov', 'Disabled'), 'bios');
      expect(l.status).toBe('failing');
      expect(l.detail).toContain('Sriov');
      expect(l.fix).toBe('Enable Sriov in BIOS through the iLO, then reboot.');
    });

    it('checks IntelProcVtd on Intel and ProcAmdIoVt on AMD', () => {
      const intel = setBios(readyIntelHost(), 'IntelProcVtd', 'Disabled');
      expect(link(intel, 'bios').fix).toContain('IntelProcVtd');

      const amd = readyIntelHost();
      amd.cpuVendor = 'AMD';
      setBios(amd, 'IntelProcVtd', null);
      setBios(amd, 'ProcAmdIoVt', 'Enabled');
      expect(link(amd, 'bios').status).toBe('ok');
      setBios(amd, 'ProcAmdIoVt', 'Disabled');
      expect(link(amd, 'bios').fix).toContain('ProcAmdIoVt');
    });

    it('fails when VT-x (ProcVirtualization) is off', () => {
      expect(link(setBios(readyIntelHost(), 'ProcVirtualization', 'Disabled'), 'bios').status).toBe('failing');
    });

    it('says a reboot applies values already pending', () => {
      const l = link(setBios(readyIntelHost(), 'Sriov', 'Disabled', 'Enabled'), 'bios');
      expect(l.status).toBe('failing');
      expect(l.pending).toBe(true);
      expect(l.fix).toMatch(/Reboot through the iLO/);
    });

    it('points at a workload profile that locks Sriov off', () => {
      const input = setBios(setBios(readyIntelHost(), 'Sriov', 'Disabled'), 'WorkloadProfile', 'LowLatency');
      const l = link(input, 'bios');
      expect(l.detail).toContain('LowLatency');
      expect(l.fix).toMatch(/^Set a Virtualization workload profile \(or Custom, then enable Sriov\)/);
    });

    it('is unknown before the iLO has been read', () => {
      const input = readyIntelHost();
      input.bios = null;
      expect(link(input, 'bios').status).toBe('unknown');
      expect(evaluateReadiness(input).verdict).toBe('unknown');
    });
  });

  describe('firmware', () => {
    it('fails when the iLO reports zero VFs for every capable PF', () => {
      const input = readyIntelHost();
      input.physicalFunctions = [{ ...ixgbePf, firmwareMaxVfs: 0 }];
      const l = link(input, 'firmware');
      expect(l.status).toBe('failing');
      expect(l.fix).toMatch(/SRIOV_EN=1/);
    });

    it('accepts the kernel’s word when the iLO reports no limit', () => {
      const input = readyIntelHost();
      input.physicalFunctions = [{ ...ixgbePf, firmwareMaxVfs: null }];
      expect(link(input, 'firmware')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/reports no firmware limit/) });
    });
  });

  describe('iommu', () => {
    it('fails with a command-line fix when VT-d is on but the kernel has no IOMMU', () => {
      const input = readyIntelHost();
      input.iommuActive = false;
      input.kernelCmdline = 'BOOT_IMAGE=/vmlinuz ro quiet';
      const l = link(input, 'iommu');
      expect(l.status).toBe('failing');
      expect(l.fix).toContain('intel_iommu=on iommu=pt');
    });

    it('sends the operator to the BIOS first when VT-d is off there', () => {
      const input = setBios(readyIntelHost(), 'IntelProcVtd', 'Disabled');
      input.iommuActive = false;
      expect(link(input, 'iommu').fix).toBe('Enable IntelProcVtd in BIOS, then reboot.');
    });

    it('sends the operator to the reboot when VT-d is already pending', () => {
      const input = setBios(readyIntelHost(), 'IntelProcVtd', 'Disabled', 'Enabled');
      input.iommuActive = false;
      expect(link(input, 'iommu')).toMatchObject({ status: 'failing', pending: true, fix: expect.stringMatching(/^Reboot through the iLO/) });
    });

    it('uses the AMD arguments on AMD hosts', () => {
      const input = readyIntelHost();
      input.cpuVendor = 'AMD';
      input.iommuActive = false;
      input.kernelCmdline = 'ro';
      expect(link(input, 'iommu').fix).toContain('amd_iommu=on iommu=pt');
    });
  });

  describe('modules', () => {
    it('names the missing module', () => {
      const input = readyIntelHost();
      input.vfioPciLoaded = false;
      const l = link(input, 'modules');
      expect(l.status).toBe('failing');
      expect(l.detail).toBe('vfio_pci not loaded.');
      expect(l.fix).toContain('/etc/modules-load.d/');
    });

    it('fails when kvm is missing', () => {
      const input = readyIntelHost();
      input.kvmLoaded = false;
      expect(link(input, 'modules').detail).toBe('kvm not loaded.');
    });
  });

  describe('drivers', () => {
    it('fails when no driver is bound to the capable PF, naming the driver to load', () => {
      const input = readyIntelHost();
      input.physicalFunctions = [{ ...ixgbePf, driver: null }];
      const l = link(input, 'drivers');
      expect(l.status).toBe('failing');
      expect(l.fix).toBe('Load the PF driver (ixgbe).');
    });

    it('fails when neither the VF driver nor vfio-pci is available', () => {
      const input = readyIntelHost();
      input.vfioPciLoaded = false;
      input.physicalFunctions = [{ ...ixgbePf, vfDriverAvailable: false }];
      const l = link(input, 'drivers');
      expect(l.status).toBe('failing');
      expect(l.fix).toContain('ixgbevf');
    });
  });
});
