import { describe, expect, it } from 'vitest';
import { silentLog } from './agent';
import { AgentError } from './errors';
import { SimulatedHost } from './sim/host';
import { FAST_TIMING } from './sim/kernel';

const PF = '0000:12:00.0';

function host(profile = 'dl380-gen10') {
  return new SimulatedHost({ profile, timing: FAST_TIMING, log: silentLog });
}

describe('Agent', () => {
  it('refuses to change the VF count while a VF is attached to a VM', async () => {
    const h = host();
    await h.agent.setNumVfs(PF, 2);
    await h.agent.attach('vm-db-01', { vf: '0000:12:10.2' });
    await expect(h.agent.setNumVfs(PF, 0)).rejects.toThrow('cannot change the VF count of 0000:12:00.0 while its VFs are attached to VMs: 0000:12:10.2 (VM vm-db-01); detach them first');
    // A shut-off VM holds the VF in its definition only: no vfio-pci binding yet.
    expect(h.kernel.device('0000:12:10.2').driver).toBe('ixgbevf');
  });

  it('refuses to attach a VF that has no IOMMU group, or that another VM holds', async () => {
    const h = host('dl360-gen11'); // VT-d on in BIOS, but no intel_iommu=on
    await h.agent.setNumVfs('0000:31:00.0', 1);
    await expect(h.agent.attach('vm-web-01', { vf: '0000:32:00.0' })).rejects.toThrow(/has no IOMMU group/);
    const g10 = host();
    await g10.agent.setNumVfs(PF, 1);
    await g10.agent.attach('vm-web-01', { vf: '0000:12:10.0' });
    await expect(g10.agent.attach('vm-db-01', { vf: '0000:12:10.0' })).rejects.toThrow('0000:12:10.0 is already attached to VM vm-web-01');
  });

  it('answers busy to a second change on the same PF and lets other PFs proceed', async () => {
    const h = new SimulatedHost({ profile: 'dl380-gen10', timing: { enableMs: 50, disableMs: 50, netdevMs: 0 }, log: silentLog });
    const first = h.agent.setNumVfs(PF, 2);
    await expect(h.agent.setNumVfs(PF, 3)).rejects.toMatchObject({ code: 'busy' });
    await expect(h.agent.setNumVfs('0000:12:00.1', 1)).resolves.toMatchObject({ changed: true });
    await first;
  });

  it('re-applies the desired state after a reboot, VF settings and vfio-pci included', async () => {
    const h = host();
    await h.agent.setNumVfs(PF, 3);
    await h.agent.setVf('0000:12:10.2', { mac: '02:00:00:00:00:aa', vlan: 42 });
    await h.agent.bind('0000:12:10.4', 'vfio-pci');
    const report = await h.reboot({ sriov: true, iommu: true });
    expect(report.reapply.failed).toEqual([]);
    expect(report.reapply.applied).toEqual(['3 VFs on 0000:12:00.0', 'settings of VF 1 (0000:12:10.2)', 'vfio-pci driver for VF 2 (0000:12:10.4)']);
    const vf = await h.agent.virtualFunctionWithSettings('0000:12:10.2');
    expect(vf).toMatchObject({ mac: '02:00:00:00:00:aa', vlan: 42 });
    expect(h.kernel.device('0000:12:10.4').driver).toBe('vfio-pci');
    expect((await h.agent.desiredStateReport()).drift).toEqual([]);
  });

  it('logs what it could not re-apply when the BIOS lost SR-IOV, and shows the drift', async () => {
    const h = host();
    await h.agent.setNumVfs(PF, 2);
    const report = await h.reboot({ sriov: false, iommu: true });
    expect(report.reapply.failed).toEqual([{ what: '2 VFs on 0000:12:00.0', error: expect.stringContaining('enable SR-IOV in the system BIOS') }]);
    expect((await h.agent.desiredStateReport()).drift).toEqual([{ address: PF, field: 'numVfs', desired: 2, actual: 0 }]);
  });

  it('shows a change made by hand as drift', async () => {
    const h = host();
    await h.agent.setNumVfs(PF, 2);
    await h.agent.setVf('0000:12:10.0', { vlan: 7 });
    await h.run('ip', ['link', 'set', 'dev', 'ens1f0', 'vf', '0', 'vlan', '8']);
    expect((await h.agent.desiredStateReport()).drift).toEqual([{ address: '0000:12:10.0', field: 'vlan', desired: 7, actual: 8 }]);
  });

  it('drops VFs on reboot and brings back autostart VMs only when their VFs return', async () => {
    const h = host();
    await h.agent.setNumVfs(PF, 1);
    await h.agent.attach('vm-web-01', { vf: '0000:12:10.0' });
    const lost = await h.reboot({ sriov: false, iommu: true });
    expect(lost.libvirt).toEqual(['vm-web-01: Failed to autostart: PCI device 0000:12:10.0 not available']);
    const back = await h.reboot({ sriov: true, iommu: true });
    expect(back.libvirt).toEqual([]);
    expect(h.kernel.device('0000:12:10.0').driver).toBe('vfio-pci');
  });

  it('fixes the IOMMU kernel arguments with grubby (reboot needed) and vfio-pci now and at boot', async () => {
    const h = host('dl360-gen11');
    const args = await h.agent.fixIommuArgs();
    expect(args).toMatchObject({ changed: true, rebootNeeded: true });
    expect(await h.agent.fixIommuArgs()).toMatchObject({ changed: false, rebootNeeded: true });
    const rebooted = await h.reboot({ sriov: true, iommu: true });
    expect(rebooted.iommuActive).toBe(true);
    expect(await h.agent.fixIommuArgs()).toMatchObject({ changed: false, rebootNeeded: false });

    const gen9 = host('dl380-gen9');
    expect((await gen9.agent.inventory()).host.modules.vfioPci).toBe(false);
    expect(await gen9.agent.fixVfioPci()).toMatchObject({ changed: true, steps: ['modprobe vfio-pci', 'added vfio-pci to /etc/modules-load.d/sriov-agent.conf'] });
    expect((await gen9.agent.inventory()).host.modules.vfioPci).toBe(true);
    await gen9.reboot({ sriov: true, iommu: true });
    expect((await gen9.agent.inventory()).host.modules.vfioPci).toBe(true);
    expect((await gen9.agent.fixVfioPci()).changed).toBe(false);
  });

  it('answers 404-style errors for addresses that are not PFs or VFs', () => {
    const h = host();
    expect(() => h.agent.physicalFunction('0000:99:00.0')).toThrow(AgentError);
    expect(() => h.agent.virtualFunction(PF)).toThrow(`${PF} is not a VF`);
    expect(() => h.agent.physicalFunction('../../etc')).toThrow('not a PCI address');
  });
});

describe('VF settings', () => {
  it('is idempotent, and refuses a QoS priority without a VLAN', async () => {
    const h = host();
    await h.agent.setNumVfs(PF, 1);
    const vf = '0000:12:10.0';
    expect((await h.agent.setVf(vf, { mac: '02:00:00:00:00:01', spoofchk: false, maxTxRate: 500 })).changed).toBe(true);
    expect((await h.agent.setVf(vf, { mac: '02:00:00:00:00:01', spoofchk: false, maxTxRate: 500 })).changed).toBe(false);
    await expect(h.agent.setVf(vf, { qos: 3 })).rejects.toMatchObject({ code: 'bad-request' });
    const tagged = await h.agent.setVf(vf, { vlan: 10, qos: 3 });
    expect(tagged.result).toMatchObject({ vlan: 10, qos: 3, mac: '02:00:00:00:00:01', spoofchk: false, maxTxRate: 500 });
    expect((await h.agent.setVf(vf, { qos: 5 })).result).toMatchObject({ vlan: 10, qos: 5 });
  });

  it('loses the VFs when the PF driver is unbound, and answers 404 for them afterwards', async () => {
    const h = host();
    await h.agent.setNumVfs(PF, 1);
    await h.kernel.fs.write(`/sys/bus/pci/devices/${PF}/driver/unbind`, PF);
    // Unbinding the PF driver took its VFs with it, as ixgbe_remove does.
    expect(h.agent.physicalFunction(PF).numVfs).toBe(0);
    await expect(h.agent.setVf('0000:12:10.0', { vlan: 5 })).rejects.toMatchObject({ code: 'not-found', message: 'no PCI function 0000:12:10.0' });
  });
});
