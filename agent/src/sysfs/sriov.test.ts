import { describe, expect, it } from 'vitest';
import { silentLog } from '../agent';
import { AgentError } from '../errors';
import { SimulatedHost } from '../sim/host';
import { FAST_TIMING } from '../sim/kernel';
import { setNumVfs } from './sriov';

const PF = '0000:12:00.0';

function host(bios?: { sriov: boolean; iommu: boolean }) {
  const h = new SimulatedHost({ profile: 'dl380-gen10', timing: FAST_TIMING, log: silentLog });
  if (bios) h.kernel.start({ ...h.kernel.boot, bios });
  return h;
}

async function refusal(p: Promise<unknown>): Promise<AgentError> {
  const err = await p.then(() => null, (e: unknown) => e);
  if (!(err instanceof AgentError)) throw new Error(`expected an AgentError, got ${String(err)}`);
  return err;
}

describe('setNumVfs', () => {
  it('writes 0 first when changing a non-zero count, and nothing when the count is already right', async () => {
    const h = host();
    const first = await setNumVfs(h.kernel.fs, PF, 4);
    expect(first.changed).toBe(true);
    const second = await setNumVfs(h.kernel.fs, PF, 2);
    expect(second.steps.slice(0, 2)).toEqual([`wrote 0 to /sys/bus/pci/devices/${PF}/sriov_numvfs (was 4)`, `wrote 2 to /sys/bus/pci/devices/${PF}/sriov_numvfs`]);
    expect(h.kernel.fs.read(`/sys/bus/pci/devices/${PF}/sriov_numvfs`)).toBe('2\n');
    expect((await setNumVfs(h.kernel.fs, PF, 2)).changed).toBe(false);
  });

  it('waits until every VF has its netdev', async () => {
    const h = new SimulatedHost({ profile: 'dl380-gen10', timing: { enableMs: 0, disableMs: 0, netdevMs: 60 }, log: silentLog });
    await setNumVfs(h.kernel.fs, PF, 3);
    for (const i of [0, 1, 2]) expect(h.kernel.fs.list(`/sys/bus/pci/devices/${PF}/virtfn${i}/net`)).toEqual([`ens1f0v${i}`]);
  });

  it('times out with what is missing when netdevs do not appear', async () => {
    const h = new SimulatedHost({ profile: 'dl380-gen10', timing: { enableMs: 0, disableMs: 0, netdevMs: 5_000 }, log: silentLog });
    const err = await refusal(setNumVfs(h.kernel.fs, PF, 2, { timeoutMs: 100 }));
    expect(err.code).toBe('timeout');
    expect(err.message).toContain('the netdev of VF 0 (0000:12:10.0)');
  });

  it('refuses a count above sriov_totalvfs before touching the VFs the PF has', async () => {
    const h = host();
    await setNumVfs(h.kernel.fs, PF, 2);
    const err = await refusal(setNumVfs(h.kernel.fs, PF, 64));
    expect(err).toMatchObject({ code: 'refused', errno: 'ERANGE' });
    expect(h.kernel.fs.read(`/sys/bus/pci/devices/${PF}/sriov_numvfs`)).toBe('2\n');
  });

  it('turns ERANGE into the driver limit', async () => {
    const err = await refusal(setNumVfs(host().kernel.fs, PF, 64));
    expect(err).toMatchObject({ code: 'refused', errno: 'ERANGE' });
    expect(err.message).toBe('64 VFs is more than the 63 the ixgbe driver allows on 0000:12:00.0 (sriov_totalvfs); on Mellanox cards raise NUM_OF_VFS in the firmware');
  });

  it('turns ENOENT into "no SR-IOV capable driver bound"', async () => {
    const h = host();
    await h.kernel.fs.write(`/sys/bus/pci/devices/${PF}/driver/unbind`, PF);
    const err = await refusal(setNumVfs(h.kernel.fs, PF, 2));
    expect(err).toMatchObject({ errno: 'ENOENT' });
    expect(err.message).toMatch(/^no SR-IOV capable driver bound to 0000:12:00.0: load and bind the PF driver first$/);
  });

  it('turns ENOMEM into "enable SR-IOV in the BIOS"', async () => {
    const err = await refusal(setNumVfs(host({ sriov: false, iommu: true }).kernel.fs, PF, 2));
    expect(err).toMatchObject({ errno: 'ENOMEM' });
    expect(err.message).toContain('enable SR-IOV in the system BIOS (iLO: Sriov = Enabled)');
  });

  it('turns EPERM into "detach them from their VMs"', async () => {
    const h = host();
    await setNumVfs(h.kernel.fs, PF, 2);
    h.kernel.assigned.add('0000:12:10.2');
    const err = await refusal(setNumVfs(h.kernel.fs, PF, 0));
    expect(err).toMatchObject({ errno: 'EPERM' });
    expect(err.message).toContain('detach them from their VMs first');
  });

  it('turns EBUSY (someone else set a count between our two writes) into a message', async () => {
    const h = host();
    await setNumVfs(h.kernel.fs, PF, 2);
    // Another tool re-enables VFs right after our 0 write: the kernel answers EBUSY to ours.
    const fs = h.kernel.fs;
    const racing = {
      read: fs.read.bind(fs), list: fs.list.bind(fs), readlink: fs.readlink.bind(fs),
      write: async (file: string, data: string) => {
        await fs.write(file, data);
        if (data === '0') await fs.write(file, '1');
      },
    };
    const err = await refusal(setNumVfs(racing, PF, 3));
    expect(err).toMatchObject({ errno: 'EBUSY' });
    expect(err.message).toContain('set 0 first');
  });

  it('turns EINVAL into "must be an unsigned number"', async () => {
    const h = host();
    const fs = h.kernel.fs;
    const garbled = { read: fs.read.bind(fs), list: fs.list.bind(fs), readlink: fs.readlink.bind(fs), write: (file: string) => fs.write(file, '-1') };
    const err = await refusal(setNumVfs(garbled, PF, 2));
    expect(err).toMatchObject({ errno: 'EINVAL' });
    expect(err.message).toContain('must be an unsigned number');
  });
});
