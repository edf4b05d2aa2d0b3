import { describe, expect, it } from 'vitest';
import { FAST_TIMING, SimKernel, kstrtou16 } from './kernel';
import { hostProfile } from './profiles';

const PF = '/sys/bus/pci/devices/0000:12:00.0';

function kernel(bios = { sriov: true, iommu: true }) {
  const profile = hostProfile('dl380-gen10');
  return new SimKernel(profile, { bios, cmdline: profile.cmdline, extraModules: ['vfio-pci'] }, FAST_TIMING);
}

async function writeError(k: SimKernel, file: string, data: string): Promise<string | undefined> {
  try {
    await k.fs.write(file, data);
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code;
  }
}

describe('simulated sriov_numvfs follows drivers/pci/iov.c', () => {
  it('creates VFs with virtfn/physfn links and removes them again', async () => {
    const k = kernel();
    await k.fs.write(`${PF}/sriov_numvfs`, '2');
    expect(k.fs.read(`${PF}/sriov_numvfs`)).toBe('2\n');
    expect(k.fs.readlink(`${PF}/virtfn1`)).toBe('../0000:12:10.2');
    expect(k.fs.readlink('/sys/bus/pci/devices/0000:12:10.2/physfn')).toBe('../0000:12:00.0');
    expect(k.fs.read('/sys/bus/pci/devices/0000:12:10.2/device')).toBe('0x10ed\n');
    await k.fs.write(`${PF}/sriov_numvfs`, '0');
    expect(k.fs.list(PF).filter((e) => e.startsWith('virtfn'))).toEqual([]);
    expect(() => k.fs.read('/sys/bus/pci/devices/0000:12:10.2/vendor')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('answers EBUSY for a non-zero count over a non-zero count, and accepts the same value', async () => {
    const k = kernel();
    await k.fs.write(`${PF}/sriov_numvfs`, '4');
    expect(await writeError(k, `${PF}/sriov_numvfs`, '4')).toBeUndefined();
    expect(await writeError(k, `${PF}/sriov_numvfs`, '2')).toBe('EBUSY');
    expect(k.fs.read(`${PF}/sriov_numvfs`)).toBe('4\n');
  });

  it('answers ERANGE above sriov_totalvfs and EINVAL for what is not an unsigned number', async () => {
    const k = kernel();
    expect(await writeError(k, `${PF}/sriov_numvfs`, '64')).toBe('ERANGE');
    expect(await writeError(k, `${PF}/sriov_numvfs`, '70000')).toBe('ERANGE');
    expect(await writeError(k, `${PF}/sriov_numvfs`, 'abc')).toBe('EINVAL');
    expect(await writeError(k, `${PF}/sriov_numvfs`, '-1')).toBe('EINVAL');
    expect(await writeError(k, `${PF}/sriov_numvfs`, '0x2')).toBeUndefined();
    expect(k.fs.read(`${PF}/sriov_numvfs`)).toBe('2\n');
  });

  it('parses like kstrtou16 with base 0', () => {
    expect(kstrtou16('2\n')).toBe(2);
    expect(kstrtou16('0x10')).toBe(16);
    expect(kstrtou16('010')).toBe(8);
    expect(kstrtou16('2\n\n')).toBe('EINVAL');
    expect(kstrtou16(' 2')).toBe('EINVAL');
  });

  it('shows the chip’s TotalVFs while no driver is bound and the driver’s limit once bound (igb: 8, then 7)', async () => {
    const k = kernel();
    const igb = '/sys/bus/pci/devices/0000:02:00.0';
    expect(k.fs.read(`${igb}/sriov_totalvfs`)).toBe('7\n');
    await k.fs.write(`${igb}/driver/unbind`, '0000:02:00.0');
    expect(k.fs.read(`${igb}/sriov_totalvfs`)).toBe('8\n');
    // Within range now, so the missing driver is what the kernel reports.
    expect(await writeError(k, `${igb}/sriov_numvfs`, '8')).toBe('ENOENT');
  });

  it('answers ENOENT when no driver is bound to the PF', async () => {
    const k = kernel();
    await k.fs.write(`${PF}/driver/unbind`, '0000:12:00.0');
    expect(await writeError(k, `${PF}/sriov_numvfs`, '2')).toBe('ENOENT');
  });

  it('answers EPERM when disabling VFs a guest holds, ENOMEM with BIOS SR-IOV off', async () => {
    const k = kernel();
    await k.fs.write(`${PF}/sriov_numvfs`, '2');
    k.assigned.add('0000:12:10.0');
    expect(await writeError(k, `${PF}/sriov_numvfs`, '0')).toBe('EPERM');
    const off = kernel({ sriov: false, iommu: true });
    expect(await writeError(off, `${PF}/sriov_numvfs`, '2')).toBe('ENOMEM');
  });

  it('answers EACCES for read-only attributes', async () => {
    const k = kernel();
    expect(await writeError(k, `${PF}/sriov_totalvfs`, '8')).toBe('EACCES');
  });

  it('gives IOMMU groups only when VT-d is on and the kernel uses it', async () => {
    const off = kernel({ sriov: true, iommu: false });
    await off.fs.write(`${PF}/sriov_numvfs`, '1');
    expect(off.fs.list('/sys/kernel/iommu_groups')).toEqual([]);
    expect(() => off.fs.readlink('/sys/bus/pci/devices/0000:12:10.0/iommu_group')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(() => off.fs.read('/sys/firmware/acpi/tables/DMAR')).toThrow();
    const on = kernel();
    await on.fs.write(`${PF}/sriov_numvfs`, '1');
    expect(on.fs.readlink('/sys/bus/pci/devices/0000:12:10.0/iommu_group')).toMatch(/^\.\.\/\.\.\/\.\.\/kernel\/iommu_groups\/\d+$/);
  });

  it('leaves a VF unbound when vfio-pci cannot probe it for want of an IOMMU group', async () => {
    const k = kernel({ sriov: true, iommu: false });
    await k.fs.write(`${PF}/sriov_numvfs`, '1');
    const vf = '/sys/bus/pci/devices/0000:12:10.0';
    await k.fs.write(`${vf}/driver_override`, 'vfio-pci');
    await k.fs.write(`${vf}/driver/unbind`, '0000:12:10.0');
    await k.fs.write('/sys/bus/pci/drivers_probe', '0000:12:10.0');
    expect(() => k.fs.readlink(`${vf}/driver`)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(k.fs.read(`${vf}/driver_override`)).toBe('vfio-pci\n');
  });
});

describe('functions without SR-IOV', () => {
  it('has no sriov_* files on a chip without the capability (331i) nor on a NIC whose firmware turned it off, but netdevs', () => {
    const base = hostProfile('dl380-gen10');
    const profile = {
      ...base,
      nics: [
        { model: 'hpe-331i' as const, bus: 0x02, slot: null, numaNode: 0 },
        { model: 'hpe-640sfp28' as const, bus: 0x98, slot: 3, numaNode: 1, firmwareSriovOff: true },
      ],
    };
    const k = new SimKernel(profile, { bios: { sriov: true, iommu: true }, cmdline: base.cmdline, extraModules: [] }, FAST_TIMING);
    for (const address of ['0000:02:00.0', '0000:02:00.3', '0000:98:00.0']) {
      const dir = `/sys/bus/pci/devices/${address}`;
      expect(k.fs.list(dir).filter((e) => e.startsWith('sriov_'))).toEqual([]);
      expect(k.fs.list(`${dir}/net`)).toHaveLength(1);
    }
    // Embedded ports get systemd's onboard names, slot cards ens<slot>f<port>.
    expect(k.fs.list('/sys/class/net').sort()).toEqual(['eno1', 'eno2', 'eno3', 'eno4', 'ens3f0', 'ens3f1']);
    expect(k.fs.readlink('/sys/bus/pci/devices/0000:02:00.0/driver')).toMatch(/\/tg3$/);
  });
});

describe('a reset during a write', () => {
  it('fails the write that was sleeping in the old kernel and leaves the new one clean', async () => {
    const profile = hostProfile('dl380-gen10');
    const boot = { bios: { sriov: true, iommu: true }, cmdline: profile.cmdline, extraModules: [] };
    const k = new SimKernel(profile, boot, { enableMs: 50, disableMs: 50, netdevMs: 0 });
    const write = k.fs.write(`${PF}/sriov_numvfs`, '2').catch((err: NodeJS.ErrnoException) => err.code);
    k.start(boot);
    expect(await write).toBe('ENODEV');
    expect(k.fs.read(`${PF}/sriov_numvfs`)).toBe('0\n');
    expect(k.fs.list(PF).filter((e) => e.startsWith('virtfn'))).toEqual([]);
  });
});
