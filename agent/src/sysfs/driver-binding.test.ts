import { describe, expect, it } from 'vitest';
import { silentLog } from '../agent';
import { AgentError } from '../errors';
import { SimulatedHost } from '../sim/host';
import { FAST_TIMING } from '../sim/kernel';
import { bindVf } from './driver-binding';
import { setNumVfs } from './sriov';

const PF = '0000:12:00.0';
const VF = '0000:12:10.0';

async function hostWithVfs(options: { iommu?: boolean; vfio?: boolean } = {}) {
  const h = new SimulatedHost({ profile: 'dl380-gen10', timing: FAST_TIMING, log: silentLog });
  h.kernel.start({ bios: { sriov: true, iommu: options.iommu ?? true }, cmdline: h.profile.cmdline, extraModules: options.vfio === false ? [] : ['vfio-pci'] });
  await setNumVfs(h.kernel.fs, PF, 2);
  return h;
}

const driverOf = (h: SimulatedHost, vf: string) => h.kernel.device(vf).driver;

describe('bindVf', () => {
  it('answers a bind back to the default driver once the VF has its netdev, as the real kernel does', async () => {
    const h = new SimulatedHost({ profile: 'dl380-gen10', timing: { enableMs: 0, disableMs: 0, netdevMs: 60 }, log: silentLog });
    h.kernel.start({ bios: { sriov: true, iommu: true }, cmdline: h.profile.cmdline, extraModules: ['vfio-pci'] });
    await setNumVfs(h.kernel.fs, PF, 2);
    await bindVf(h.kernel.fs, VF, 'vfio-pci');
    const back = await bindVf(h.kernel.fs, VF, 'default');
    expect(back.steps.at(-1)).toBe(`${VF} has its netdev`);
    expect(h.kernel.fs.list(`/sys/bus/pci/devices/${VF}/net`)).toHaveLength(1);
  });

  it('binds to vfio-pci through driver_override, unbind and drivers_probe, then back', async () => {
    const h = await hostWithVfs();
    const toVfio = await bindVf(h.kernel.fs, VF, 'vfio-pci');
    expect(toVfio.changed).toBe(true);
    expect(driverOf(h, VF)).toBe('vfio-pci');
    expect(h.kernel.fs.list(`/sys/bus/pci/devices/${VF}`)).not.toContain('net');
    expect((await bindVf(h.kernel.fs, VF, 'vfio-pci')).changed).toBe(false);

    const back = await bindVf(h.kernel.fs, VF, 'default');
    expect(back.changed).toBe(true);
    expect(driverOf(h, VF)).toBe('ixgbevf');
    expect(h.kernel.fs.read(`/sys/bus/pci/devices/${VF}/driver_override`)).toBe('(null)\n');
    expect((await bindVf(h.kernel.fs, VF, 'default')).changed).toBe(false);
  });

  it('names the default driver when autoprobe is 0 (clearing the override would leave the VF unbound)', async () => {
    const h = await hostWithVfs();
    await bindVf(h.kernel.fs, VF, 'vfio-pci');
    await h.kernel.fs.write(`/sys/bus/pci/devices/${PF}/sriov_drivers_autoprobe`, '0');
    const back = await bindVf(h.kernel.fs, VF, 'default');
    expect(back.steps[0]).toBe(`wrote "ixgbevf" to /sys/bus/pci/devices/${VF}/driver_override`);
    expect(driverOf(h, VF)).toBe('ixgbevf');
  });

  it('shows the trap itself: with autoprobe 0, clearing driver_override and probing leaves the VF unbound', async () => {
    const h = await hostWithVfs();
    await bindVf(h.kernel.fs, VF, 'vfio-pci');
    await h.kernel.fs.write(`/sys/bus/pci/devices/${PF}/sriov_drivers_autoprobe`, '0');
    await h.kernel.fs.write(`/sys/bus/pci/devices/${VF}/driver_override`, '\n');
    await h.kernel.fs.write(`/sys/bus/pci/devices/${VF}/driver/unbind`, VF);
    await h.kernel.fs.write('/sys/bus/pci/drivers_probe', VF);
    expect(driverOf(h, VF)).toBeNull();
  });

  it('refuses vfio-pci for a VF without an IOMMU group, saying why', async () => {
    const h = await hostWithVfs({ iommu: false });
    const err = await bindVf(h.kernel.fs, VF, 'vfio-pci').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentError);
    expect((err as AgentError).message).toMatch(/^0000:12:10.0 has no IOMMU group, so vfio-pci cannot take it/);
    expect(driverOf(h, VF)).toBe('ixgbevf');
  });

  it('refuses vfio-pci while the module is not loaded', async () => {
    const h = await hostWithVfs({ vfio: false });
    await expect(bindVf(h.kernel.fs, VF, 'vfio-pci')).rejects.toThrow(/vfio-pci module is not loaded/);
  });

  it('refuses a function that is not a VF', async () => {
    const h = await hostWithVfs();
    await expect(bindVf(h.kernel.fs, PF, 'vfio-pci')).rejects.toThrow('0000:12:00.0 is not a VF');
  });
});
