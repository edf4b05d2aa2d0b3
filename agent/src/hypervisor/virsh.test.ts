import { describe, expect, it } from 'vitest';
import { AgentError } from '../errors';
import type { CommandRunner } from '../exec';
import type { Vm } from '../api-types';
import { VirshHypervisor, hostdevInterfaceXml, parseCpuNodes, parseDomainFacts, parseHostdevs, parseNodeset, parseVirshList, toMiB, vmNumaNode } from './virsh';

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

const vm = (name: string, state: Vm['state']): Vm => ({ name, uuid: null, state, vcpus: null, memoryMiB: null, numaNode: null, hostdevs: [] });

describe('VirshHypervisor', () => {
  const recording = (): { run: CommandRunner; calls: string[][] } => {
    const calls: string[][] = [];
    return { calls, run: async (command, args) => (calls.push([command, ...args]), { stdout: args.includes('dumpxml') ? DOMAIN_XML : '', stderr: '' }) };
  };

  it('attaches live and persistent to a running VM, persistent only to a shut-off one', async () => {
    const { run, calls } = recording();
    const virsh = new VirshHypervisor(run, 'qemu:///system');
    await virsh.attachVf(vm('vm-web-01', 'running'), { address: '0000:12:10.4' });
    await virsh.attachVf(vm('vm-db-01', 'shut off'), { address: '0000:12:10.6' });
    expect(calls.map((c) => [c[3], c[4], ...c.slice(6)])).toEqual([
      ['attach-device', 'vm-web-01', '--live', '--config'],
      ['attach-device', 'vm-db-01', '--config'],
    ]);
    expect(calls[0]?.slice(0, 3)).toEqual(['virsh', '-c', 'qemu:///system']);
  });

  it('refuses to detach a VF the VM does not hold', async () => {
    const { run } = recording();
    const err = await new VirshHypervisor(run).detachVf(vm('vm-web-01', 'running'), '0000:12:10.6').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentError);
    expect((err as AgentError).message).toBe('VM vm-web-01 does not hold VF 0000:12:10.6');
  });
});

// `virsh dumpxml` of a running RHEL 9.4 guest as libvirt 9 prints it (trimmed devices).
const RUNNING_XML = `<domain type='kvm' id='7'>
  <name>vnf-fw-01</name>
  <uuid>4F1C7E1A-2B3D-4C5E-8F90-A1B2C3D4E5F6</uuid>
  <metadata>
    <libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0">
      <libosinfo:os id="http://redhat.com/rhel/9.4"/>
    </libosinfo:libosinfo>
  </metadata>
  <memory unit='KiB'>16777216</memory>
  <currentMemory unit='KiB'>8388608</currentMemory>
  <vcpu placement='static' cpuset='0-15'>8</vcpu>
  <numatune>
    <memory mode='strict' nodeset='0'/>
  </numatune>
  <resource>
    <partition>/machine</partition>
  </resource>
  <os>
    <type arch='x86_64' machine='pc-q35-rhel9.4.0'>hvm</type>
    <boot dev='hd'/>
  </os>
  <cpu mode='host-passthrough' check='none' migratable='on'/>
  <devices>
    <emulator>/usr/libexec/qemu-kvm</emulator>
    <memory model='dimm'>
      <target>
        <size unit='KiB'>524288</size>
        <node>0</node>
      </target>
    </memory>
  </devices>
  <seclabel type='dynamic' model='selinux' relabel='yes'/>
</domain>
`;

/** A shut-off domain with no NUMA tuning at all, vCPUs hot-pluggable up to 8. */
const UNTUNED_XML = `<domain type='kvm'>
  <name>build-runner-01</name>
  <uuid>0b6d3d7e-93a5-4f3e-8e0e-5d2c0f1a9b11</uuid>
  <memory unit='KiB'>8388608</memory>
  <currentMemory unit='KiB'>8388608</currentMemory>
  <vcpu placement='static' current='4'>8</vcpu>
  <vcpus>
    <vcpu id='0' enabled='yes' hotpluggable='no' order='1'/>
    <vcpu id='1' enabled='yes' hotpluggable='yes' order='2'/>
  </vcpus>
  <os>
    <type arch='x86_64' machine='pc-q35-rhel9.4.0'>hvm</type>
  </os>
</domain>
`;

// libvirt 9.0's own output (virsh -c test:///… dumpxml) for a domain defined with memory in GiB,
// two of four vCPUs online, a vCPU pin, numatune for memory and a guest NUMA cell, and a VF.
const LIBVIRT9_XML = `<domain type='test' id='1'>
  <name>pinned-gib</name>
  <uuid>4f1c7e1a-2b3d-4c5e-8f90-a1b2c3d4e5f6</uuid>
  <memory unit='KiB'>16777216</memory>
  <currentMemory unit='KiB'>16777216</currentMemory>
  <vcpu placement='static' cpuset='2-3' current='2'>4</vcpu>
  <cputune>
    <vcpupin vcpu='0' cpuset='2'/>
  </cputune>
  <numatune>
    <memory mode='strict' nodeset='1'/>
    <memnode cellid='0' mode='strict' nodeset='1'/>
  </numatune>
  <os>
    <type arch='i686'>hvm</type>
    <boot dev='hd'/>
  </os>
  <cpu>
    <numa>
      <cell id='0' cpus='0-3' memory='16777216' unit='KiB'/>
    </numa>
  </cpu>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <interface type='hostdev' managed='yes'>
      <mac address='52:54:00:11:22:33'/>
      <driver name='vfio'/>
      <source>
        <address type='pci' domain='0x0000' bus='0x12' slot='0x10' function='0x2'/>
      </source>
      <vlan>
        <tag id='100'/>
      </vlan>
      <target dev='testnet0'/>
    </interface>
  </devices>
</domain>

`;

const domain = (inner: string): string => `<domain type='kvm'>\n  <name>t</name>\n${inner}\n</domain>\n`;

// `virsh capabilities` of a two-socket host, two CPUs per node shown.
const CAPABILITIES = `<capabilities>
  <host>
    <uuid>30313436-3631-5a43-4a30-313233343536</uuid>
    <cpu>
      <arch>x86_64</arch>
      <model>Cascadelake-Server-noTSX</model>
      <topology sockets='1' dies='1' clusters='1' cores='2' threads='1'/>
    </cpu>
    <topology>
      <cells num='2'>
        <cell id='0'>
          <memory unit='KiB'>196608000</memory>
          <distances>
            <sibling id='0' value='10'/>
            <sibling id='1' value='21'/>
          </distances>
          <cpus num='2'>
            <cpu id='0' socket_id='0' die_id='0' cluster_id='65535' core_id='0' siblings='0'/>
            <cpu id='1' socket_id='0' die_id='0' cluster_id='65535' core_id='1' siblings='1'/>
          </cpus>
        </cell>
        <cell id='1'>
          <memory unit='KiB'>196608000</memory>
          <cpus num='2'>
            <cpu id='2' socket_id='1' die_id='0' cluster_id='65535' core_id='0' siblings='2'/>
            <cpu id='3' socket_id='1' die_id='0' cluster_id='65535' core_id='1' siblings='3'/>
          </cpus>
        </cell>
      </cells>
    </topology>
    <cache>
      <bank id='0' level='3' type='both' size='35' unit='MiB' cpus='0-1'/>
    </cache>
  </host>
</capabilities>
`;

describe('VM facts from virsh dumpxml', () => {
  it('reads UUID, vCPUs, memory and the numatune node of a running domain', () => {
    const facts = parseDomainFacts(RUNNING_XML);
    expect(facts).toMatchObject({ uuid: '4f1c7e1a-2b3d-4c5e-8f90-a1b2c3d4e5f6', vcpus: 8, memoryMiB: 16384, memoryNodes: [0] });
    expect(vmNumaNode(facts, null)).toBe(0);
  });

  it('reads libvirt 9.0 output: memory normalised to KiB, the online vCPUs, the numatune node, the VF', () => {
    const facts = parseDomainFacts(LIBVIRT9_XML);
    expect(facts).toEqual({ uuid: '4f1c7e1a-2b3d-4c5e-8f90-a1b2c3d4e5f6', vcpus: 2, memoryMiB: 16384, memoryNodes: [1], vcpuCpus: [2, 3] });
    expect(vmNumaNode(facts, null)).toBe(1);
    expect(parseHostdevs(LIBVIRT9_XML).map((d) => [d.address, d.mac, d.vlan])).toEqual([['0000:12:10.2', '52:54:00:11:22:33', 100]]);
  });

  it('gives the current vCPU count and null NUMA node when nothing pins the domain', () => {
    const facts = parseDomainFacts(UNTUNED_XML);
    expect(facts).toMatchObject({ vcpus: 4, memoryMiB: 8192, memoryNodes: null, vcpuCpus: null });
    expect(vmNumaNode(facts, parseCpuNodes(CAPABILITIES))).toBeNull();
  });

  it('converts every memory unit libvirt accepts to MiB, KiB when none is given', () => {
    const mib = (memory: string) => parseDomainFacts(domain(`  ${memory}`)).memoryMiB;
    expect(mib(`<memory unit='KiB'>4194304</memory>`)).toBe(4096);
    expect(mib(`<memory>4194304</memory>`)).toBe(4096);
    expect(mib(`<memory unit='k'>2097152</memory>`)).toBe(2048);
    expect(mib(`<memory unit='MiB'>2048</memory>`)).toBe(2048);
    expect(mib(`<memory unit='M'>512</memory>`)).toBe(512);
    expect(mib(`<memory unit='GiB'>32</memory>`)).toBe(32768);
    expect(mib(`<memory unit='G'>1</memory>`)).toBe(1024);
    expect(mib(`<memory unit='TiB'>1</memory>`)).toBe(1048576);
    expect(mib(`<memory unit='bytes'>1073741824</memory>`)).toBe(1024);
    // Powers of 1000: 4 GB is 3814.7 MiB.
    expect(mib(`<memory unit='GB'>4</memory>`)).toBe(3815);
    expect(mib(`<memory unit='MB'>1000</memory>`)).toBe(954);
    expect(mib(`<memory unit='parsecs'>4</memory>`)).toBeNull();
    expect(toMiB(524288)).toBe(512);
  });

  it('says null for what the XML does not hold, and never takes numatune or a DIMM for the memory size', () => {
    const facts = parseDomainFacts(domain(`  <numatune>\n    <memory mode='strict' nodeset='1'/>\n  </numatune>\n  <devices>\n    <memory model='dimm'>\n      <target><size unit='KiB'>524288</size></target>\n    </memory>\n  </devices>`));
    expect(facts).toEqual({ uuid: null, vcpus: null, memoryMiB: null, memoryNodes: [1], vcpuCpus: null });
    expect(vmNumaNode(facts, null)).toBe(1);
  });

  it('takes a NUMA node only when the nodeset names exactly one', () => {
    const node = (numatune: string) => vmNumaNode(parseDomainFacts(domain(`  <numatune>\n    ${numatune}\n  </numatune>`)), null);
    expect(node(`<memory mode='preferred' nodeset='1'/>`)).toBe(1);
    expect(node(`<memory mode='strict' nodeset='0-1'/>`)).toBeNull();
    expect(node(`<memory mode='strict' nodeset='0-3,^0,^2,^3'/>`)).toBe(1);
    expect(node(`<memory mode='strict' placement='auto'/>`)).toBeNull();
    // Guest NUMA cells all backed by host node 1, or split over two host nodes.
    expect(node(`<memnode cellid='0' mode='strict' nodeset='1'/>\n    <memnode cellid='1' mode='strict' nodeset='1'/>`)).toBe(1);
    expect(node(`<memnode cellid='0' mode='strict' nodeset='0'/>\n    <memnode cellid='1' mode='strict' nodeset='1'/>`)).toBeNull();
  });

  it('maps vCPU placement to a node through the host topology', () => {
    const cpuNodes = parseCpuNodes(CAPABILITIES);
    expect([...cpuNodes]).toEqual([[0, 0], [1, 0], [2, 1], [3, 1]]);
    const node = (inner: string) => vmNumaNode(parseDomainFacts(domain(inner)), cpuNodes);
    expect(node(`  <vcpu placement='static' cpuset='2-3'>4</vcpu>`)).toBe(1);
    expect(node(`  <vcpu placement='static' cpuset='1-2'>4</vcpu>`)).toBeNull();
    // numad decides at start: the cpuset attribute means nothing then.
    expect(node(`  <vcpu placement='auto' cpuset='2-3'>4</vcpu>`)).toBeNull();
    // Every vCPU pinned, all on node 0; one vCPU left unpinned may run anywhere.
    expect(node(`  <vcpu placement='static'>2</vcpu>\n  <cputune>\n    <vcpupin vcpu='0' cpuset='0'/>\n    <vcpupin vcpu='1' cpuset='1'/>\n  </cputune>`)).toBe(0);
    expect(node(`  <vcpu placement='static'>2</vcpu>\n  <cputune>\n    <vcpupin vcpu='0' cpuset='0'/>\n  </cputune>`)).toBeNull();
    // A pin overrides the default cpuset for its vCPU.
    expect(node(`  <vcpu placement='static' cpuset='0-1'>2</vcpu>\n  <cputune>\n    <vcpupin vcpu='1' cpuset='3'/>\n  </cputune>`)).toBeNull();
    // The memory's node wins over the vCPUs'.
    expect(node(`  <vcpu placement='static' cpuset='2-3'>4</vcpu>\n  <numatune>\n    <memory mode='strict' nodeset='0'/>\n  </numatune>`)).toBe(0);
  });

  it('parses libvirt bitmaps and refuses malformed ones', () => {
    expect(parseNodeset('0')).toEqual([0]);
    expect(parseNodeset('0-7,^4')).toEqual([0, 1, 2, 3, 5, 6, 7]);
    expect(parseNodeset(' 1 , 3 ')).toEqual([1, 3]);
    for (const bad of ['', '1,', 'a', '3-1', '^1-2', '0-99999999']) expect(parseNodeset(bad)).toBeNull();
  });

  it('lists VMs with one dumpxml each, and asks for the host topology once, only when a VM needs it', async () => {
    const calls: string[] = [];
    const xml: Record<string, string> = {
      'vnf-fw-01': RUNNING_XML,
      pinned: domain(`  <uuid>6b0d6a6e-3c1f-4f7e-9d7a-000000000001</uuid>\n  <memory unit='GiB'>2</memory>\n  <vcpu placement='static' cpuset='2'>1</vcpu>`),
    };
    const run: CommandRunner = async (_command, args) => {
      const [, , sub, name] = args;
      calls.push(sub ?? '');
      if (sub === 'list') return { stdout: ' Id   Name        State\n-------------------------------\n 7    vnf-fw-01   running\n -    pinned      shut off\n\n', stderr: '' };
      if (sub === 'dumpxml') return { stdout: xml[name ?? ''] ?? '', stderr: '' };
      if (sub === 'capabilities') return { stdout: CAPABILITIES, stderr: '' };
      throw new Error(`unexpected virsh ${args.join(' ')}`);
    };
    const virsh = new VirshHypervisor(run);
    const vms = await virsh.listVms();
    expect(vms).toEqual([
      { name: 'vnf-fw-01', uuid: '4f1c7e1a-2b3d-4c5e-8f90-a1b2c3d4e5f6', state: 'running', vcpus: 8, memoryMiB: 16384, numaNode: 0, hostdevs: [] },
      { name: 'pinned', uuid: '6b0d6a6e-3c1f-4f7e-9d7a-000000000001', state: 'shut off', vcpus: 1, memoryMiB: 2048, numaNode: 1, hostdevs: [] },
    ]);
    await virsh.listVms();
    expect(calls).toEqual(['list', 'dumpxml', 'dumpxml', 'capabilities', 'list', 'dumpxml', 'dumpxml']);
  });
});
