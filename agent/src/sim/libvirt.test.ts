import { describe, expect, it } from 'vitest';
import { silentLog } from '../agent';
import { parseCpuNodes } from '../hypervisor/virsh';
import { SimulatedHost } from './host';
import { FAST_TIMING } from './kernel';
import { hostProfile, type HostProfile } from './profiles';

const simHost = (hostname: string, profile: string | HostProfile = 'dl380-gen10') => new SimulatedHost({ profile, hostname, timing: FAST_TIMING, log: silentLog });

describe('simulated libvirt', () => {
  it('answers virsh dumpxml with the VM definition: vCPUs, memory, NUMA node, or libvirt defaults', async () => {
    const vms = await simHost('kvm-x01').agent.listVms();
    expect(vms.map((v) => [v.name, v.state, v.vcpus, v.memoryMiB, v.numaNode])).toEqual([
      ['vm-web-01', 'running', 2, 4096, 0],
      ['vm-db-01', 'shut off', 2, 4096, null],
    ]);
  });

  it('gives each VM a UUID that is stable for its host and name and differs between hosts', async () => {
    const uuids = async (hostname: string) => (await simHost(hostname).agent.listVms()).map((v) => v.uuid);
    const first = await uuids('kvm-x01');
    expect(await uuids('kvm-x01')).toEqual(first);
    const other = await uuids('kvm-x02');
    expect(new Set([...first, ...other]).size).toBe(4);
  });

  it('keeps a paused domain active: listed with an id, its devices attached live', async () => {
    const base = hostProfile('dl380-gen10');
    const host = simHost('kvm-x03', { ...base, vms: [{ name: 'paused-01', autostart: true, running: true, paused: true, vcpus: 16, memoryMiB: 32768, numaNode: 0 }] });
    expect(host.libvirt.run(['list', '--all']).stdout).toMatch(/^ 1 +paused-01 +paused$/m);
    await host.agent.setNumVfs('0000:12:00.0', 2);
    const vf = '0000:12:10.0';
    const { result } = await host.agent.attach('paused-01', { vf });
    expect(result).toMatchObject({ state: 'paused', vcpus: 16, memoryMiB: 32768, numaNode: 0, hostdevs: [vf] });
    const pf = (await host.agent.inventory()).pfs.find((p) => p.address === '0000:12:00.0');
    expect(pf?.vfs.find((v) => v.address === vf)).toMatchObject({ driver: 'vfio-pci', vm: 'paused-01' });
  });

  it('describes the host topology in virsh capabilities, one cell per NUMA node', () => {
    const cpuNodes = parseCpuNodes(simHost('kvm-x04', 'dl385-gen10-plus-v2').libvirt.run(['capabilities']).stdout);
    expect(new Set(cpuNodes.values())).toEqual(new Set([0, 1, 2, 3]));
    expect(cpuNodes.get(32)).toBe(1);
  });

  it('answers the guest agent per VM profile: driver there or not, Windows, no channel, guest-exec blocked', async () => {
    const base = hostProfile('dl380-gen10');
    const host = simHost('kvm-x05', {
      ...base,
      vms: [
        { name: 'rhel-01', autostart: true, running: true },
        { name: 'minimal-01', autostart: true, running: true, guest: { missingDrivers: ['ixgbevf'] } },
        { name: 'win-01', autostart: true, running: true, guest: { os: 'windows2022' } },
        { name: 'bare-01', autostart: true, running: true, guest: { agent: 'no-channel' } },
        { name: 'locked-01', autostart: true, running: true, guest: { exec: false } },
      ],
    });
    await host.agent.setNumVfs('0000:12:00.0', 8);
    const vfs = ['0000:12:10.0', '0000:12:10.2', '0000:12:10.4', '0000:12:10.6', '0000:12:11.0'];
    const names = ['rhel-01', 'minimal-01', 'win-01', 'bare-01', 'locked-01'];
    for (const [i, vm] of names.entries()) await host.agent.attach(vm, { vf: vfs[i] ?? '', mac: `52:00:00:00:00:0${i}`, vlan: 100 });
    const guest = async (vm: string) => host.agent.guest(vm);

    expect(await guest('rhel-01')).toMatchObject({ agent: 'connected', exec: 'allowed', os: { id: 'rhel' }, vfs: [{ address: vfs[0], mac: '52:00:00:00:00:00', seen: 'seen', interface: 'enp7s0', driver: 'ixgbevf', link: 'up' }] });
    expect(await guest('minimal-01')).toMatchObject({ agent: 'connected', vfs: [{ seen: 'not-seen', pci: 'no-driver', detail: expect.stringMatching(/install or load ixgbevf/) }] });
    expect(await guest('win-01')).toMatchObject({ os: { id: 'mswindows' }, vfs: [{ seen: 'seen', interface: 'Ethernet 2', driver: 'vxn68x64.sys', link: 'up', detail: expect.stringContaining('Intel(R) 82599 Virtual Function') }] });
    expect(await guest('bare-01')).toMatchObject({ agent: 'not-configured', detail: expect.stringMatching(/qemu-guest-agent/), vfs: [{ seen: 'unknown' }] });
    expect(await guest('locked-01')).toMatchObject({ exec: 'disabled', vfs: [{ seen: 'seen', driver: null }] });

    // The PF turns the VF's link off: the guest sees its link go down.
    await host.agent.setVf(vfs[0] ?? '', { linkState: 'disable' });
    expect((await guest('rhel-01')).vfs[0]).toMatchObject({ seen: 'seen', link: 'down' });
  });
});
