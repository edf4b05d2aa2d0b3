import nodeFs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Vm, VmState } from '../api-types';
import { AgentError } from '../errors';
import { CommandError, type CommandRunner } from '../exec';
import { isPciAddress } from '../sysfs/paths';
import { GuestAnswerError, GuestCallError, type GuestAgentCall } from './guest';

export interface VfHostdev {
  address: string;
  mac?: string;
  vlan?: number;
}

/** VMs and their host devices, the way libvirt keeps them. */
export interface Hypervisor {
  listVms(): Promise<Vm[]>;
  /** Adds the VF to the VM: live and persistent when it runs, persistent only when shut off. */
  attachVf(vm: Vm, device: VfHostdev): Promise<void>;
  detachVf(vm: Vm, address: string): Promise<void>;
  /** Commands to the VM's QEMU guest agent, each answered within `timeoutSeconds`. */
  guestAgent(vmName: string, timeoutSeconds: number): GuestAgentCall;
}

/** libvirt through `virsh`, each call an argument array, device XML passed in a private temp file. */
export class VirshHypervisor implements Hypervisor {
  /** Host CPUs do not move between nodes while the agent runs. */
  private cpuNodes: ReadonlyMap<number, number> | null = null;

  constructor(
    private readonly run: CommandRunner,
    private readonly uri = 'qemu:///system',
  ) {}

  /**
   * One `virsh list --all`, then one `dumpxml` per VM for its devices and facts alike.
   * `virsh capabilities` (the host's CPU-to-node map) runs only when a VM's NUMA node can be told
   * from its vCPU pinning alone, and once for the life of this object.
   */
  async listVms(): Promise<Vm[]> {
    const { stdout } = await this.virsh(['list', '--all']);
    const domains: { name: string; state: VmState; facts: DomainFacts; hostdevs: string[] }[] = [];
    for (const { name, state } of parseVirshList(stdout)) {
      const xml = (await this.virsh(['dumpxml', name])).stdout;
      domains.push({ name, state, facts: parseDomainFacts(xml), hostdevs: parseHostdevs(xml).map((d) => d.address) });
    }
    const needsTopology = domains.some(({ facts }) => vmNumaNode(facts, null) === null && facts.vcpuCpus !== null);
    const cpuNodes = needsTopology ? await this.hostCpuNodes() : null;
    return domains.map(({ name, state, facts, hostdevs }) => ({
      name,
      uuid: facts.uuid,
      state,
      vcpus: facts.vcpus,
      memoryMiB: facts.memoryMiB,
      numaNode: vmNumaNode(facts, cpuNodes),
      hostdevs,
    }));
  }

  async attachVf(vm: Vm, device: VfHostdev): Promise<void> {
    await this.withDeviceFile(hostdevInterfaceXml(device), (file) => this.virsh(['attach-device', vm.name, file, ...liveFlags(vm)]));
  }

  async detachVf(vm: Vm, address: string): Promise<void> {
    const { stdout } = await this.virsh(['dumpxml', vm.name]);
    const held = parseHostdevs(stdout).find((d) => d.address === address);
    if (!held) throw new AgentError('conflict', `VM ${vm.name} does not hold VF ${address}`);
    // libvirt finds the device to remove by matching the XML, so hand back exactly what it holds.
    await this.withDeviceFile(held.xml, (file) => this.virsh(['detach-device', vm.name, file, ...liveFlags(vm)]));
  }

  /**
   * `virsh qemu-agent-command <vm> --timeout N '<json>'` prints the agent's whole answer,
   * `{"return": ...}`; libvirt's refusals (no channel, no agent, a blocked command) throw
   * GuestCallError with libvirt's words.
   */
  guestAgent(vmName: string, timeoutSeconds: number): GuestAgentCall {
    return async (command) => {
      let stdout: string;
      try {
        stdout = (await this.virsh(['qemu-agent-command', vmName, '--timeout', String(timeoutSeconds), JSON.stringify(command)])).stdout;
      } catch (err) {
        throw new GuestCallError(err instanceof AgentError ? err.message.replace(/^libvirt: /, '') : String(err));
      }
      let answer: unknown;
      try {
        answer = JSON.parse(stdout);
      } catch {
        throw new GuestAnswerError(`${command.execute} answered text that is not JSON`);
      }
      if (typeof answer !== 'object' || answer === null || !('return' in answer)) throw new GuestAnswerError(`${command.execute} answered without "return"`);
      return answer.return;
    };
  }

  /** The host's CPU-to-node map; null (asked again next time) when libvirt cannot say. */
  private async hostCpuNodes(): Promise<ReadonlyMap<number, number> | null> {
    if (this.cpuNodes) return this.cpuNodes;
    try {
      const map = parseCpuNodes((await this.virsh(['capabilities'])).stdout);
      if (map.size > 0) this.cpuNodes = map;
      return map.size > 0 ? map : null;
    } catch {
      return null;
    }
  }

  private async virsh(args: string[]): Promise<{ stdout: string }> {
    try {
      return await this.run('virsh', ['-c', this.uri, ...args]);
    } catch (err) {
      throw virshRefusal(err);
    }
  }

  private async withDeviceFile<T>(xml: string, fn: (file: string) => Promise<T>): Promise<T> {
    const dir = await nodeFs.promises.mkdtemp(path.join(os.tmpdir(), 'sriov-agent-'));
    const file = path.join(dir, 'device.xml');
    try {
      await nodeFs.promises.writeFile(file, xml, { mode: 0o600 });
      return await fn(file);
    } finally {
      await nodeFs.promises.rm(dir, { recursive: true, force: true });
    }
  }
}

function liveFlags(vm: Vm): string[] {
  return vm.state === 'running' || vm.state === 'paused' ? ['--live', '--config'] : ['--config'];
}

export function virshRefusal(err: unknown): AgentError {
  if (err instanceof AgentError) return err;
  if (!(err instanceof CommandError)) return new AgentError('internal', String(err));
  if (err.spawnCode === 'ENOENT') return new AgentError('unavailable', '`virsh` is not installed on this host (package libvirt-clients / libvirt-client)');
  const message = err.stderr
    .split('\n')
    .map((line) => line.replace(/^error:\s*/, '').trim())
    .filter(Boolean)
    .join('; ');
  return new AgentError('refused', `libvirt: ${message || err.message}`);
}

/** `virsh list --all`: " Id   Name        State\n----\n 1    vm-web-01   running\n -    vm-db-01    shut off". */
export function parseVirshList(stdout: string): { name: string; state: VmState }[] {
  const out: { name: string; state: VmState }[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^\s*(\d+|-)\s+(\S+)\s+(.+?)\s*$/.exec(line);
    if (!m?.[2] || !m[3]) continue;
    const state = m[3];
    out.push({ name: m[2], state: state === 'running' || state === 'shut off' || state === 'paused' ? state : 'other' });
  }
  return out;
}

export interface DomainFacts {
  uuid: string | null;
  vcpus: number | null;
  memoryMiB: number | null;
  /** Host nodes named by `<numatune><memory nodeset>`, or by all `<memnode nodeset>` together. */
  memoryNodes: number[] | null;
  /** Host CPUs the vCPUs may run on (`<vcpu cpuset>`, `<vcpupin>` per vCPU); null when not restricted. */
  vcpuCpus: number[] | null;
}

/** What the dashboard keeps of a VM, read from the same `virsh dumpxml` as its host devices. */
export function parseDomainFacts(domainXml: string): DomainFacts {
  const uuid = /<uuid>\s*([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\s*<\/uuid>/.exec(domainXml)?.[1]?.toLowerCase() ?? null;
  // Elements with a number as their text: the numatune <memory .../> and the <vcpus><vcpu id=../>
  // list are empty elements and never match.
  const vcpu = /<vcpu(\s[^>]*)?>\s*(\d+)\s*<\/vcpu>/.exec(domainXml);
  const vcpuAttrs = attributes(vcpu?.[1] ?? '');
  const maxVcpus = vcpu?.[2] === undefined ? null : Number(vcpu[2]);
  const current = vcpuAttrs.current === undefined ? null : Number.parseInt(vcpuAttrs.current, 10);
  const memory = /<memory(\s[^>]*)?>\s*(\d+)\s*<\/memory>/.exec(domainXml);
  const memoryMiB = memory?.[2] === undefined ? null : toMiB(Number(memory[2]), attributes(memory[1] ?? '').unit);

  const numatune = /<numatune>([\s\S]*?)<\/numatune>/.exec(domainXml)?.[1] ?? '';
  const memoryNodeset = attributes(/<memory\s([^>]*?)\/?>/.exec(numatune)?.[1] ?? '').nodeset;
  let memoryNodes = memoryNodeset === undefined ? null : parseNodeset(memoryNodeset);
  if (memoryNodes === null) {
    const cells = [...numatune.matchAll(/<memnode\s([^>]*?)\/?>/g)].map((m) => parseNodeset(attributes(m[1] ?? '').nodeset ?? ''));
    if (cells.length > 0 && cells.every((c) => c !== null)) memoryNodes = [...new Set(cells.flatMap((c) => c ?? []))].sort((a, b) => a - b);
  }

  let vcpuCpus: number[] | null = null;
  // placement='auto': numad picks the CPUs at start and the cpuset attribute is ignored (formatdomain).
  if (maxVcpus !== null && vcpuAttrs.placement !== 'auto') {
    const cputune = /<cputune>([\s\S]*?)<\/cputune>/.exec(domainXml)?.[1] ?? '';
    const pins = new Map<number, number[] | null>();
    for (const m of cputune.matchAll(/<vcpupin\s([^>]*?)\/?>/g)) {
      const pin = attributes(m[1] ?? '');
      if (pin.vcpu !== undefined) pins.set(Number(pin.vcpu), parseNodeset(pin.cpuset ?? ''));
    }
    const fallback = vcpuAttrs.cpuset === undefined ? null : parseNodeset(vcpuAttrs.cpuset);
    const perVcpu = Array.from({ length: maxVcpus }, (_, i) => (pins.has(i) ? (pins.get(i) ?? null) : fallback));
    if (perVcpu.length > 0 && perVcpu.every((cpus) => cpus !== null)) vcpuCpus = [...new Set(perVcpu.flatMap((cpus) => cpus ?? []))].sort((a, b) => a - b);
  }
  return { uuid, vcpus: current !== null && Number.isFinite(current) ? current : maxVcpus, memoryMiB, memoryNodes, vcpuCpus };
}

/** The single host node of a VM's memory, else of its vCPUs (with the host's CPU-to-node map), else null. */
export function vmNumaNode(facts: DomainFacts, cpuNodes: ReadonlyMap<number, number> | null): number | null {
  if (facts.memoryNodes?.length === 1) return facts.memoryNodes[0] ?? null;
  if (!facts.vcpuCpus || !cpuNodes) return null;
  const nodes = new Set(facts.vcpuCpus.map((cpu) => cpuNodes.get(cpu)));
  const [node] = nodes;
  return nodes.size === 1 && node !== undefined ? node : null;
}

/** `virsh capabilities`: host CPU id -> NUMA cell id, from `<topology><cells><cell id><cpus><cpu id>`. */
export function parseCpuNodes(capabilitiesXml: string): Map<number, number> {
  const map = new Map<number, number>();
  for (const cell of capabilitiesXml.matchAll(/<cell\s([^>]*)>([\s\S]*?)<\/cell>/g)) {
    const id = attributes(cell[1] ?? '').id;
    if (id === undefined || !/^\d+$/.test(id)) continue;
    for (const cpu of (cell[2] ?? '').matchAll(/<cpu\s([^>]*?)\/?>/g)) {
      const cpuId = attributes(cpu[1] ?? '').id;
      if (cpuId !== undefined && /^\d+$/.test(cpuId)) map.set(Number(cpuId), Number(id));
    }
  }
  return map;
}

/** libvirt's bitmap syntax for nodesets and cpusets (virBitmapParse): "0", "0-3", "0-7,^4", "1,3". */
export function parseNodeset(text: string): number[] | null {
  const set = new Set<number>();
  const excluded = new Set<number>();
  const items = text.split(',').map((item) => item.trim());
  for (const item of items) {
    const m = /^(\^)?(\d+)(?:-(\d+))?$/.exec(item);
    if (!m?.[2]) return null;
    const from = Number(m[2]);
    const to = m[3] === undefined ? from : Number(m[3]);
    // "^" negates a single number only; the bound keeps a malformed range from looping for long.
    if (to < from || to >= 65536 || (m[1] && m[3] !== undefined)) return null;
    for (let n = from; n <= to; n++) (m[1] ? excluded : set).add(n);
  }
  const nodes = [...set].filter((n) => !excluded.has(n)).sort((a, b) => a - b);
  return nodes.length > 0 ? nodes : null;
}

/**
 * A libvirt scaled integer in MiB (virScaleInteger): "b"/"bytes", "KB"/"MB"/"GB"/"TB" powers of
 * 1000, "k"/"KiB", "M"/"MiB", ... powers of 1024; no unit is KiB for `<memory>`.
 */
export function toMiB(value: number, unit = 'KiB'): number | null {
  const u = unit.trim().toLowerCase();
  let bytes: number;
  if (u === 'b' || u === 'bytes') bytes = value;
  else {
    const power = 'kmgtpe'.indexOf(u[0] ?? '') + 1;
    const rest = u.slice(1);
    if (power === 0 || !['', 'ib', 'b'].includes(rest)) return null;
    bytes = value * (rest === 'b' ? 1000 : 1024) ** power;
  }
  return Math.round(bytes / 2 ** 20);
}

export interface ParsedHostdev {
  address: string;
  mac: string | null;
  vlan: number | null;
  /** The element as libvirt printed it. */
  xml: string;
}

/** PCI host devices in a domain XML: `<interface type='hostdev'>` and `<hostdev type='pci'>`, by source address. */
export function parseHostdevs(domainXml: string): ParsedHostdev[] {
  const out: ParsedHostdev[] = [];
  const blocks = domainXml.match(/<interface\s[^>]*type=['"]hostdev['"][^>]*>[\s\S]*?<\/interface>|<hostdev\s[^>]*type=['"]pci['"][^>]*>[\s\S]*?<\/hostdev>/g) ?? [];
  for (const xml of blocks) {
    const source = /<source>([\s\S]*?)<\/source>/.exec(xml)?.[1] ?? '';
    const addr = /<address\s([^>]*)\/?>/.exec(source)?.[1];
    if (!addr) continue;
    const attrs = attributes(addr);
    const parts = ['domain', 'bus', 'slot', 'function'].map((k) => Number.parseInt(attrs[k] ?? '', 16));
    const [domain, bus, slot, fn] = parts;
    if (parts.some((n) => !Number.isFinite(n)) || domain === undefined || bus === undefined || slot === undefined || fn === undefined) continue;
    const address = `${hex(domain, 4)}:${hex(bus, 2)}:${hex(slot, 2)}.${fn}`;
    if (!isPciAddress(address)) continue;
    const mac = /<mac\s+address=['"]([0-9a-fA-F:]+)['"]/.exec(xml)?.[1] ?? null;
    const tag = /<vlan[^>]*>\s*<tag\s+id=['"](\d+)['"]/.exec(xml)?.[1];
    out.push({ address, mac, vlan: tag === undefined ? null : Number(tag), xml });
  }
  return out;
}

/**
 * The device XML libvirt documents for giving a VF to a guest with MAC and VLAN set by libvirt
 * through the PF (formatdomain: "PCI Passthrough"). managed='yes' makes libvirt bind the VF to
 * vfio-pci and back.
 */
export function hostdevInterfaceXml(device: VfHostdev): string {
  const m = /^([0-9a-f]{4}):([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/.exec(device.address);
  if (!m) throw new AgentError('bad-request', `not a PCI address: ${device.address}`);
  const lines = [`<interface type='hostdev' managed='yes'>`];
  if (device.mac) lines.push(`  <mac address='${device.mac}'/>`);
  lines.push(`  <driver name='vfio'/>`);
  lines.push(`  <source>`, `    <address type='pci' domain='0x${m[1]}' bus='0x${m[2]}' slot='0x${m[3]}' function='0x${m[4]}'/>`, `  </source>`);
  if (device.vlan) lines.push(`  <vlan>`, `    <tag id='${device.vlan}'/>`, `  </vlan>`);
  lines.push(`</interface>`);
  return `${lines.join('\n')}\n`;
}

function attributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([\w-]+)=['"]([^'"]*)['"]/g)) if (m[1] && m[2] !== undefined) out[m[1]] = m[2];
  return out;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}
