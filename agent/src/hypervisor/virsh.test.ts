import { describe, expect, it } from 'vitest';
import { AgentError } from '../errors';
import type { CommandRunner } from '../exec';
import { VirshHypervisor, hostdevInterfaceXml, parseHostdevs, parseVirshList } from './virsh';

const DOMAIN_XML = `<domain type='kvm' id='3'>
  <name>vm-web-01</name>
  <devices>
    <interface type='hostdev' managed='yes'>
      <mac address='02:11:22:33:44:55'/>
      <driver name='vfio'/>
      <source>
        <address type='pci' domain='0x0000' bus='0x12' slot='0x10' function='0x2'/>
      </source>
      <vlan>
        <tag id='100'/>
      </vlan>
      <alias name='hostdev0'/>
      <address type='pci' domain='0x0000' bus='0x07' slot='0x00' function='0x0'/>
    </interface>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x41' slot='0x00' function='0x3'/>
      </source>
    </hostdev>
  </devices>
</domain>`;

describe('virsh output parsing', () => {
  it('reads virsh list --all, including shut-off domains', () => {
    const out = ' Id   Name        State\n-------------------------------\n 3    vm-web-01   running\n -    vm-db-01    shut off\n\n';
    expect(parseVirshList(out)).toEqual([{ name: 'vm-web-01', state: 'running' }, { name: 'vm-db-01', state: 'shut off' }]);
  });

  it('finds VFs by their source address, not the guest-side address', () => {
    const devs = parseHostdevs(DOMAIN_XML);
    expect(devs.map((d) => [d.address, d.mac, d.vlan])).toEqual([
      ['0000:12:10.2', '02:11:22:33:44:55', 100],
      ['0000:41:00.3', null, null],
    ]);
  });

  it('writes hostdev interface XML with MAC and VLAN that reads back the same', () => {
    const xml = hostdevInterfaceXml({ address: '0000:12:10.2', mac: '02:11:22:33:44:55', vlan: 100 });
    expect(xml).toBe(`<interface type='hostdev' managed='yes'>
  <mac address='02:11:22:33:44:55'/>
  <driver name='vfio'/>
  <source>
    <address type='pci' domain='0x0000' bus='0x12' slot='0x10' function='0x2'/>
  </source>
  <vlan>
    <tag id='100'/>
  </vlan>
</interface>
`);
    expect(parseHostdevs(xml)[0]).toMatchObject({ address: '0000:12:10.2', mac: '02:11:22:33:44:55', vlan: 100 });
  });
});

describe('VirshHypervisor', () => {
  const recording = (): { run: CommandRunner; calls: string[][] } => {
    const calls: string[][] = [];
    return { calls, run: async (command, args) => (calls.push([command, ...args]), { stdout: args.includes('dumpxml') ? DOMAIN_XML : '', stderr: '' }) };
  };

  it('attaches live and persistent to a running VM, persistent only to a shut-off one', async () => {
    const { run, calls } = recording();
    const virsh = new VirshHypervisor(run, 'qemu:///system');
    await virsh.attachVf({ name: 'vm-web-01', state: 'running', hostdevs: [] }, { address: '0000:12:10.4' });
    await virsh.attachVf({ name: 'vm-db-01', state: 'shut off', hostdevs: [] }, { address: '0000:12:10.6' });
    expect(calls.map((c) => [c[3], c[4], ...c.slice(6)])).toEqual([
      ['attach-device', 'vm-web-01', '--live', '--config'],
      ['attach-device', 'vm-db-01', '--config'],
    ]);
    expect(calls[0]?.slice(0, 3)).toEqual(['virsh', '-c', 'qemu:///system']);
  });

  it('refuses to detach a VF the VM does not hold', async () => {
    const { run } = recording();
    const err = await new VirshHypervisor(run).detachVf({ name: 'vm-web-01', state: 'running', hostdevs: [] }, '0000:12:10.6').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentError);
    expect((err as AgentError).message).toBe('VM vm-web-01 does not hold VF 0000:12:10.6');
  });
});
