// The agent's inventory reader over a sysfs tree captured from a real Linux 6.1 kernel (QEMU's
// emulated Intel 82576, igb PF with 2 igbvf VFs, emulated VT-d): agent/test/fixtures/real-igb/tree.json,
// written by `node agent/test/kernel/run.mjs --update-fixture`. The tree is laid out as the kernel
// lays it out: device directories under /sys/devices/..., /sys/bus/pci/devices/* as symlinks to them,
// and every captured symlink (virtfnN, physfn, driver, iommu_group) with its original relative target.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, silentLog } from '../../src/agent';
import type { Inventory } from '../../src/api-types';
import { CommandError, type CommandRunner } from '../../src/exec';
import { MemoryEtcFiles } from '../../src/sim/host';
import { NodeHostFs } from '../../src/sysfs/host-fs';

type Entry = { file: string } | { link: string } | { dir: true };
interface Capture {
  tree: Record<string, Entry>;
  ip: unknown;
}

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/real-igb/tree.json');
const capture = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Capture;
const BUS = '/sys/bus/pci/devices/';

/** Writes the capture under root: the bus entries become links to the device directories, as in the kernel. */
function materialize(root: string): void {
  const realDir = new Map<string, string>(); // /sys/bus/pci/devices/X -> /sys/devices/.../X
  for (const [p, e] of Object.entries(capture.tree)) {
    if (p.startsWith(BUS) && !p.slice(BUS.length).includes('/') && 'link' in e) realDir.set(p, path.posix.resolve(path.posix.dirname(p), e.link));
  }
  const place = (p: string): string => {
    for (const [bus, real] of realDir) if (p.startsWith(`${bus}/`)) return real + p.slice(bus.length);
    return p;
  };
  const on = (p: string) => path.join(root, p.startsWith('/sys') ? 'sys' : 'proc', p.replace(/^\/(sys|proc)/, ''));
  for (const [p, e] of Object.entries(capture.tree)) {
    const at = on(place(p));
    fs.mkdirSync(path.dirname(at), { recursive: true });
    if ('file' in e) fs.writeFileSync(at, `${e.file}\n`);
    else if ('dir' in e) fs.mkdirSync(at, { recursive: true });
    else {
      fs.symlinkSync(e.link, at);
      // Give driver links something to point at, as /sys/bus/pci/drivers/<name> would.
      if (/\/driver$/.test(p)) fs.mkdirSync(path.resolve(path.dirname(at), e.link), { recursive: true });
    }
  }
}

describe('inventory of a sysfs tree captured on a real kernel (igb, 82576, Linux 6.1)', () => {
  let dir: string;
  let inventory: Inventory;
  const calls: string[][] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sriov-real-igb-'));
    materialize(dir);
    const run: CommandRunner = async (command, args) => {
      calls.push([command, ...args]);
      if (command === 'ip' && args.join(' ') === '-j link show') return { stdout: JSON.stringify(capture.ip), stderr: '' };
      throw new CommandError(command, args, 1, 'not captured\n');
    };
    const agent = new Agent({
      fs: new NodeHostFs({ sysRoot: path.join(dir, 'sys'), procRoot: path.join(dir, 'proc') }),
      run, hypervisor: null, etc: new MemoryEtcFiles(), stateDir: null, log: silentLog,
    });
    inventory = await agent.inventory();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lays the tree out as the kernel does (bus entries are links, virtfn links resolve)', () => {
    const bus = path.join(dir, 'sys/bus/pci/devices/0000:01:00.0');
    expect(fs.lstatSync(bus).isSymbolicLink()).toBe(true);
    expect(fs.realpathSync(path.join(bus, 'virtfn1'))).toBe(fs.realpathSync(path.join(dir, 'sys/bus/pci/devices/0000:01:10.2')));
    expect(fs.realpathSync(path.join(dir, 'sys/bus/pci/devices/0000:01:10.2/physfn'))).toBe(fs.realpathSync(bus));
  });

  it('reads the host facts: emulated VT-d active, DMAR table, vfio-pci loaded, no kvm', () => {
    expect(inventory.host).toMatchObject({
      hostname: 'kernel-guest',
      kernelRelease: expect.stringMatching(/^6\.1\.0-\d+-amd64$/),
      iommu: { active: true, units: ['dmar0'], acpiTable: 'DMAR', cmdlineArgs: ['intel_iommu=on', 'iommu=pt'] },
      modules: { kvm: false, vfioPci: true },
    });
    expect(inventory.host.iommu.groups).toBeGreaterThan(0);
    expect(inventory.host.bootId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('finds exactly the igb PF (the VFs have no sriov_* files)', () => {
    expect(inventory.pfs.map((pf) => pf.address)).toEqual(['0000:01:00.0']);
  });

  it('reads the PF field by field: 82576 ids, 7 VFs possible, NUMA -1 is null, VF device id without 0x', () => {
    expect(inventory.pfs[0]).toMatchObject({
      address: '0000:01:00.0', vendorId: '8086', deviceId: '10c9', subsystemVendorId: '1af4', subsystemDeviceId: '1100',
      classCode: '020000', driver: 'igb', netdev: 'eth0', numaNode: null, totalVfs: 7, numVfs: 2, autoprobe: true, vfDeviceId: '10ca',
    });
  });

  it('reads both VFs: igbvf, netdevs, IOMMU groups, "(null)" driver_override as null, settings from ip', () => {
    const vfs = inventory.pfs[0]?.vfs ?? [];
    expect(vfs.map((vf) => [vf.index, vf.address, vf.driver, vf.driverOverride, vf.netdev, vf.vendorId, vf.deviceId])).toEqual([
      [0, '0000:01:10.0', 'igbvf', null, 'eth1', '8086', '10ca'],
      [1, '0000:01:10.2', 'igbvf', null, 'eth2', '8086', '10ca'],
    ]);
    for (const vf of vfs) expect(vf.iommuGroup).toEqual(expect.any(Number));
    // VF 0 as the suite set it before the capture (vlan removed again), read from the real `ip -j link show`.
    expect(vfs[0]).toMatchObject({ mac: '02:11:22:33:44:55', vlan: 0, qos: 0, trust: true, spoofchk: false, linkState: 'auto', maxTxRate: 0, minTxRate: 0 });
    expect(vfs[1]).toMatchObject({ mac: '00:00:00:00:00:00', trust: false, spoofchk: true });
  });

  it('asks ip once and reports no warnings', () => {
    expect(calls).toEqual([['ip', '-j', 'link', 'show']]);
    expect(inventory.warnings).toEqual([]);
  });
});
