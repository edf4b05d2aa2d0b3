import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, silentLog } from '../src/agent';
import type { Inventory } from '../src/api-types';
import { CommandError, type CommandRunner } from '../src/exec';
import { MemoryEtcFiles, SimulatedHost } from '../src/sim/host';
import { FAST_TIMING } from '../src/sim/kernel';
import { NodeHostFs } from '../src/sysfs/host-fs';
import { IP_LINK_SHOW_JSON, writeProliantTree } from './fixtures/proliant-tree';

describe('inventory of a fixture tree (node:fs under a root)', () => {
  let dir: string;
  let inventory: Inventory;
  const calls: string[][] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sriov-fixture-'));
    const roots = writeProliantTree(dir);
    const run: CommandRunner = async (command, args) => {
      calls.push([command, ...args]);
      if (command === 'ip' && args.join(' ') === '-j link show') return { stdout: IP_LINK_SHOW_JSON, stderr: '' };
      throw new CommandError(command, args, 1, `Device "${args.at(-1) ?? ''}" does not exist.\n`);
    };
    const agent = new Agent({ fs: new NodeHostFs(roots), run, hypervisor: null, etc: new MemoryEtcFiles(), stateDir: null, log: silentLog });
    inventory = await agent.inventory();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the host facts from /proc and /sys', () => {
    expect(inventory.host).toEqual({
      hostname: 'dl380-rack4-u12',
      bootId: '3f2a8c1e-5b7d-4e0f-9a61-2c8d4b7e1f05',
      kernelRelease: '5.14.0-427.13.1.el9_4.x86_64',
      cmdline: 'BOOT_IMAGE=(hd0,gpt2)/vmlinuz-5.14.0-427.13.1.el9_4.x86_64 root=/dev/mapper/rhel-root ro intel_iommu=on iommu=pt',
      cpuVendor: 'intel',
      numaNodes: 2,
      iommu: { active: true, groups: 6, units: ['dmar0'], acpiTable: 'DMAR', cmdlineArgs: ['intel_iommu=on', 'iommu=pt'] },
      modules: { kvm: true, vfioPci: true },
    });
  });

  it('lists every function with the SR-IOV capability and nothing else', () => {
    expect(inventory.pfs.map((pf) => pf.address)).toEqual(['0000:12:00.0', '0000:12:00.1', '0000:41:00.0']);
  });

  it('reads the ixgbe PF and its VFs field by field', () => {
    const pf = inventory.pfs[0];
    expect(pf).toMatchObject({
      address: '0000:12:00.0', vendorId: '8086', deviceId: '10fb', subsystemVendorId: '103c', subsystemDeviceId: '17d3',
      classCode: '020000', driver: 'ixgbe', netdev: 'ens1f0', numaNode: 0, totalVfs: 63, numVfs: 2, autoprobe: true, vfDeviceId: '10ed',
    });
    expect(pf?.vfs).toEqual([
      {
        index: 0, address: '0000:12:10.0', vendorId: '8086', deviceId: '10ed', driver: 'ixgbevf', driverOverride: null, netdev: 'ens1f0v0',
        iommuGroup: 31, mac: '02:11:22:33:44:55', vlan: 100, qos: 3, trust: true, spoofchk: false, linkState: 'auto', maxTxRate: 0, minTxRate: 0, vm: null,
      },
      {
        index: 1, address: '0000:12:10.2', vendorId: '8086', deviceId: '10ed', driver: 'vfio-pci', driverOverride: 'vfio-pci', netdev: null,
        iommuGroup: 32, mac: '00:00:00:00:00:00', vlan: 0, qos: 0, trust: false, spoofchk: true, linkState: 'auto', maxTxRate: 1000, minTxRate: 0, vm: null,
      },
    ]);
  });

  it('reports an unbound PF with its capability but no driver or netdev', () => {
    expect(inventory.pfs[1]).toMatchObject({ address: '0000:12:00.1', driver: null, netdev: null, totalVfs: 63, numVfs: 0, vfs: [] });
  });

  it('reads the mlx5 PF: NUMA node -1 is unknown, autoprobe off', () => {
    expect(inventory.pfs[2]).toMatchObject({
      address: '0000:41:00.0', vendorId: '15b3', deviceId: '1015', driver: 'mlx5_core', netdev: 'ens2f0np0', numaNode: null, totalVfs: 8, numVfs: 0, autoprobe: false, vfDeviceId: '1016', vfs: [],
    });
  });

  it('asks ip once for every link, with an argument array', () => {
    expect(calls).toEqual([['ip', '-j', 'link', 'show']]);
    expect(inventory.warnings).toEqual([]);
  });
});

describe('the simulated kernel dumped to disk reads the same as in memory', () => {
  it('gives one inventory through SimFs and through node:fs on the dump', async () => {
    const host = new SimulatedHost({ profile: 'dl380-gen10', timing: FAST_TIMING, log: silentLog });
    await host.agent.setNumVfs('0000:12:00.0', 3);
    await host.agent.bind('0000:12:10.2', 'vfio-pci');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sriov-dump-'));
    try {
      host.kernel.fs.dump(dir);
      const fromDisk = new Agent({ fs: new NodeHostFs({ sysRoot: path.join(dir, 'sys'), procRoot: path.join(dir, 'proc') }), run: host.run, hypervisor: null, etc: new MemoryEtcFiles(), stateDir: null, log: silentLog });
      const memory = await host.agent.inventory();
      const disk = await fromDisk.inventory();
      const strip = (inv: Inventory) => ({ host: inv.host, pfs: inv.pfs });
      expect(strip(disk)).toEqual(strip(memory));
      expect(fs.readlinkSync(path.join(dir, 'sys/bus/pci/devices/0000:12:00.0/virtfn1'))).toBe('../0000:12:10.2');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
