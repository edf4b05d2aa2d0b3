import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, silentLog } from './agent';
import { writeProliantTree } from '../test/fixtures/proliant-tree';
import type { CommandRunner } from './exec';
import { nodeEtcFiles } from './os/host-os';
import { MemoryEtcFiles, SimulatedHost } from './sim/host';
import { FAST_TIMING } from './sim/kernel';
import { NodeHostFs } from './sysfs/host-fs';

const run: CommandRunner = async (command) => {
  throw new Error(`${command} is not run by a readiness check`);
};

describe('readiness of a simulated host', () => {
  it('is ready: sysfs lists the PCI functions and the state folder takes a write', async () => {
    const host = new SimulatedHost({ profile: 'dl380-gen10', timing: FAST_TIMING, log: silentLog });
    expect(await host.agent.readiness()).toEqual({
      ready: true,
      checks: {
        sysfs: { state: 'ok', detail: expect.stringMatching(/^\d+ PCI functions in \/sys\/bus\/pci\/devices$/) },
        state: { state: 'ok', detail: '/var/lib/sriov-agent is writable' },
      },
    });
  });

  it('is not ready while the state folder refuses writes, and ready again after', async () => {
    const host = new SimulatedHost({ profile: 'dl380-gen10', timing: FAST_TIMING, log: silentLog });
    (host.etc as MemoryEtcFiles).writeFault = 'EROFS';
    const readiness = await host.agent.readiness();
    expect(readiness.ready).toBe(false);
    expect(readiness.checks.state).toEqual({ state: 'failing', detail: 'cannot write in /var/lib/sriov-agent: EROFS (changes would not survive a reboot)' });
    expect(readiness.checks.sysfs.state).toBe('ok');
    (host.etc as MemoryEtcFiles).writeFault = null;
    expect((await host.agent.readiness()).ready).toBe(true);
  });
});

describe('readiness on node:fs (a fixture tree and a real state folder)', () => {
  let dir: string;
  let roots: { sysRoot: string; procRoot: string };
  const agent = (options: { sysRoot?: string; stateDir: string | null }) =>
    new Agent({ fs: new NodeHostFs({ ...roots, ...(options.sysRoot ? { sysRoot: options.sysRoot } : {}) }), run, hypervisor: null, etc: nodeEtcFiles, stateDir: options.stateDir, log: silentLog });

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sriov-ready-'));
    roots = writeProliantTree(dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates a state folder that does not exist yet, and leaves nothing in it', async () => {
    const stateDir = path.join(dir, 'var', 'lib', 'sriov-agent');
    const readiness = await agent({ stateDir }).readiness();
    const functions = fs.readdirSync(path.join(roots.sysRoot, 'bus', 'pci', 'devices')).length;
    expect(readiness).toMatchObject({ ready: true, checks: { sysfs: { state: 'ok', detail: `${functions} PCI functions in /sys/bus/pci/devices` }, state: { state: 'ok' } } });
    expect(fs.readdirSync(stateDir)).toEqual([]);
  });

  it('is not ready when the state folder cannot be made (a file stands in its way)', async () => {
    const blocker = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocker, '');
    const readiness = await agent({ stateDir: path.join(blocker, 'sriov-agent') }).readiness();
    expect(readiness.ready).toBe(false);
    expect(readiness.checks.state.detail).toBe(`cannot write in ${path.join(blocker, 'sriov-agent')}: ENOTDIR (changes would not survive a reboot)`);
  });

  it('is not ready when sysfs is not there, without naming the folder standing for it', async () => {
    const readiness = await agent({ sysRoot: path.join(dir, 'no-sys'), stateDir: null }).readiness();
    expect(readiness).toEqual({
      ready: false,
      checks: {
        sysfs: { state: 'failing', detail: 'cannot list /sys/bus/pci/devices: ENOENT' },
        state: { state: 'skipped', detail: 'this agent keeps no desired state' },
      },
    });
  });

  it('is not ready when sysfs lists no PCI function (not the host’s sysfs)', async () => {
    const empty = path.join(dir, 'empty-sys');
    fs.mkdirSync(path.join(empty, 'bus', 'pci', 'devices'), { recursive: true });
    const readiness = await agent({ sysRoot: empty, stateDir: null }).readiness();
    expect(readiness.ready).toBe(false);
    expect(readiness.checks.sysfs.detail).toBe('/sys/bus/pci/devices lists no PCI function: is sysfs mounted?');
  });
});
