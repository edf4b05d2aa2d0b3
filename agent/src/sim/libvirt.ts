import { createHash } from 'node:crypto';
import nodeFs from 'node:fs';
import type { VmState } from '../api-types';
import { CommandError, type CommandOutput } from '../exec';
import { parseHostdevs } from '../hypervisor/virsh';
import { GuestRefusal, SimGuest, type GuestVfDevice } from './guest';
import type { SimKernel } from './kernel';
import { numaNodeCount, type VmDefinition } from './profiles';

/** Logical CPUs per host NUMA node in `virsh capabilities` and the domains' cpusets. */
const CPUS_PER_NODE = 32;

interface SimDomain {
  name: string;
  uuid: string;
  autostart: boolean;
  state: VmState;
  vcpus: number;
  memoryMiB: number;
  numaNode: number | null;
  /** Device XML of each VF in the persistent definition, by PCI address. */
  hostdevs: Map<string, string>;
  guest: SimGuest;
}

type SavedVfConfig = { mac: string; vlan: number; qos: number };

/**
 * libvirt's view of the host's VMs, answering `virsh` argv like virsh does. Persistent across a
 * simulated reboot (domain definitions live on disk); managed='yes' hostdevs are bound to
 * vfio-pci and marked as held by a guest while the domain runs.
 */
export class SimLibvirt {
  readonly domains = new Map<string, SimDomain>();
  /** MAC/VLAN a VF had before a guest took it, put back when the guest lets it go (virNetDevSaveNetConfig). */
  private readonly saved = new Map<string, SavedVfConfig>();
  /** VFs already on vfio-pci when attached: libvirt leaves those on the stub when they come back. */
  private readonly onStubBefore = new Set<string>();

  constructor(
    private readonly kernel: SimKernel,
    vms: VmDefinition[],
  ) {
    for (const vm of vms) {
      this.domains.set(vm.name, {
        name: vm.name,
        uuid: domainUuid(kernel.profile.id, vm.name),
        autostart: vm.autostart,
        state: vm.running ? (vm.paused ? 'paused' : 'running') : 'shut off',
        vcpus: vm.vcpus ?? 2,
        memoryMiB: vm.memoryMiB ?? 4096,
        numaNode: vm.numaNode ?? null,
        hostdevs: new Map(),
        guest: new SimGuest(vm.name, vm.guest),
      });
    }
  }

  /** After a reboot: every domain is off, then libvirtd starts the autostart ones. */
  boot(): string[] {
    const problems: string[] = [];
    for (const dom of this.domains.values()) {
      dom.state = 'shut off';
      if (!dom.autostart) continue;
      const missing = [...dom.hostdevs.keys()].filter((a) => !this.kernel.devices.has(a) || !this.kernel.bindToVfio(a));
      if (missing.length > 0) {
        problems.push(`${dom.name}: Failed to autostart: PCI device ${missing.join(', ')} not available`);
        continue;
      }
      for (const [a, xml] of dom.hostdevs) {
        this.kernel.assigned.add(a);
        this.applyNetConfig(a, xml);
      }
      dom.state = 'running';
    }
    return problems;
  }

  run(args: readonly string[]): CommandOutput {
    const a = [...args];
    if (a[0] === '-c') a.splice(0, 2);
    const fail = (message: string): never => {
      throw new CommandError('virsh', args, 1, `error: ${message}\n`);
    };
    const domain = (name: string | undefined): SimDomain => {
      const dom = name === undefined ? undefined : this.domains.get(name);
      if (!dom) return fail(`failed to get domain '${name ?? ''}'`);
      return dom;
    };
    switch (a[0]) {
      case 'list': {
        const rows = [...this.domains.values()].map((d, i) => ` ${(active(d) ? String(i + 1) : '-').padEnd(4)} ${d.name.padEnd(12)} ${d.state}`);
        return { stdout: ` Id   Name         State\n-----------------------------\n${rows.join('\n')}\n\n`, stderr: '' };
      }
      case 'dumpxml':
        return { stdout: this.domainXml(domain(a[1])), stderr: '' };
      case 'capabilities':
        return { stdout: this.capabilitiesXml(), stderr: '' };
      case 'attach-device':
      case 'detach-device': {
        const dom = domain(a[1]);
        const file = a[2];
        if (!file) return fail('command requires <file> option');
        const flags = new Set(a.slice(3));
        const live = flags.has('--live');
        if (live && !active(dom)) fail('Requested operation is not valid: domain is not running');
        if (!live && active(dom) && !flags.has('--config')) fail('Requested operation is not valid: domain is running');
        const xml = nodeFs.readFileSync(file, 'utf8');
        const [device] = parseHostdevs(xml);
        if (!device) return fail(`XML error: Failed to parse device in ${file}`);
        return a[0] === 'attach-device' ? this.attach(dom, device.address, xml, live, fail) : this.detach(dom, device.address, live, fail);
      }
      case 'qemu-agent-command': {
        const dom = domain(a[1]);
        const json = a[a.length - 1];
        if (a.length < 3 || json === undefined) return fail('command requires <cmd> option');
        try {
          return { stdout: `${dom.guest.command(json, this.guestVfs(dom), dom.state === 'running')}\n`, stderr: '' };
        } catch (err) {
          if (err instanceof GuestRefusal) return fail(err.message);
          throw err;
        }
      }
      default:
        return fail(`unknown command: '${a[0] ?? ''}'`);
    }
  }

  private attach(dom: SimDomain, address: string, xml: string, live: boolean, fail: (m: string) => never): CommandOutput {
    if (!this.kernel.devices.has(address)) fail(`Failed to attach device from file\nerror: Device ${address} not found: could not access /sys/bus/pci/devices/${address}/config: No such file or directory`);
    for (const other of this.domains.values()) {
      if (other.hostdevs.has(address)) fail(`Failed to attach device from file\nerror: Requested operation is not valid: PCI device ${address} is in use by driver QEMU, domain ${other.name}`);
    }
    if (live) {
      if (this.kernel.device(address).driver === 'vfio-pci') this.onStubBefore.add(address);
      if (!this.kernel.bindToVfio(address)) {
        fail(`Failed to attach device from file\nerror: internal error: Failed to bind PCI device '${address}' to vfio-pci (is the IOMMU on?)`);
      }
      this.kernel.assigned.add(address);
      this.applyNetConfig(address, xml);
    }
    dom.hostdevs.set(address, xml.trim());
    return { stdout: 'Device attached successfully\n\n', stderr: '' };
  }

  private detach(dom: SimDomain, address: string, live: boolean, fail: (m: string) => never): CommandOutput {
    if (!dom.hostdevs.has(address)) fail('Failed to detach device from file\nerror: operation failed: device not found');
    dom.hostdevs.delete(address);
    if (live && this.kernel.devices.has(address)) {
      this.kernel.assigned.delete(address);
      this.restoreNetConfig(address);
      // virPCIDeviceReAttach: back to the host driver only if libvirt took it from there.
      if (!this.onStubBefore.delete(address)) this.kernel.reattach(address);
    }
    return { stdout: 'Device detached successfully\n\n', stderr: '' };
  }

  /** The VFs the running guest has, with what the PF keeps for each (its MAC, its link state). */
  private guestVfs(dom: SimDomain): GuestVfDevice[] {
    return [...dom.hostdevs.keys()].flatMap((address) => {
      const dev = this.kernel.devices.get(address);
      const cfg = this.kernel.vfConfig(address);
      return dev && cfg ? [{ address, vendorId: dev.vendorId, deviceId: dev.deviceId, mac: cfg.mac, linkState: cfg.linkState }] : [];
    });
  }

  /** `<interface type='hostdev'>`: libvirt sets the VF's MAC and VLAN through the PF (virNetDevSetVfConfig). */
  private applyNetConfig(address: string, xml: string): void {
    const cfg = this.kernel.vfConfig(address);
    const [device] = parseHostdevs(xml);
    if (!cfg || !device || !xml.includes('<interface')) return;
    this.saved.set(address, { mac: cfg.mac, vlan: cfg.vlan, qos: cfg.qos });
    if (device.mac) cfg.mac = device.mac;
    cfg.vlan = device.vlan ?? 0;
    cfg.qos = 0;
  }

  private restoreNetConfig(address: string): void {
    const cfg = this.kernel.vfConfig(address);
    const saved = this.saved.get(address);
    this.saved.delete(address);
    if (cfg && saved) Object.assign(cfg, saved);
  }

  /** As libvirt prints it: memory in KiB; a pinned domain has its node's CPUs and strict memory on that node. */
  private domainXml(dom: SimDomain): string {
    const devices = [...dom.hostdevs.values()].map((xml) => xml.replace(/^/gm, '    ')).join('\n');
    const kib = dom.memoryMiB * 1024;
    const node = dom.numaNode;
    const cpuset = node === null ? '' : ` cpuset='${node * CPUS_PER_NODE}-${(node + 1) * CPUS_PER_NODE - 1}'`;
    const numatune = node === null ? '' : `\n  <numatune>\n    <memory mode='strict' nodeset='${node}'/>\n  </numatune>`;
    return `<domain type='kvm'${active(dom) ? ` id='1'` : ''}>
  <name>${dom.name}</name>
  <uuid>${dom.uuid}</uuid>
  <memory unit='KiB'>${kib}</memory>
  <currentMemory unit='KiB'>${kib}</currentMemory>
  <vcpu placement='static'${cpuset}>${dom.vcpus}</vcpu>${numatune}
  <os>
    <type arch='x86_64' machine='pc-q35-8.2'>hvm</type>
  </os>
  <devices>
    <emulator>/usr/libexec/qemu-kvm</emulator>
${devices}
  </devices>
</domain>
`;
  }

  private capabilitiesXml(): string {
    const cells = Array.from({ length: numaNodeCount(this.kernel.profile) }, (_, node) => {
      const cpus = Array.from({ length: CPUS_PER_NODE }, (_, i) => {
        const id = node * CPUS_PER_NODE + i;
        return `            <cpu id='${id}' socket_id='${node}' die_id='0' core_id='${i}' siblings='${id}'/>`;
      });
      return `        <cell id='${node}'>\n          <memory unit='KiB'>201326592</memory>\n          <cpus num='${CPUS_PER_NODE}'>\n${cpus.join('\n')}\n          </cpus>\n        </cell>`;
    });
    return `<capabilities>
  <host>
    <cpu>
      <arch>x86_64</arch>
    </cpu>
    <topology>
      <cells num='${cells.length}'>
${cells.join('\n')}
      </cells>
    </topology>
  </host>
</capabilities>
`;
  }
}

function active(dom: SimDomain): boolean {
  return dom.state === 'running' || dom.state === 'paused';
}

/** Stable per host and VM, different on every host: the dashboard keeps VM UUIDs unique. */
function domainUuid(hostname: string, vmName: string): string {
  const h = createHash('sha256').update(`${hostname}/${vmName}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
