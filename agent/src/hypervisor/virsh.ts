import nodeFs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Vm, VmState } from '../api-types';
import { AgentError } from '../errors';
import { CommandError, type CommandRunner } from '../exec';
import { isPciAddress } from '../sysfs/paths';

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
}

/** libvirt through `virsh`, each call an argument array, device XML passed in a private temp file. */
export class VirshHypervisor implements Hypervisor {
  constructor(
    private readonly run: CommandRunner,
    private readonly uri = 'qemu:///system',
  ) {}

  async listVms(): Promise<Vm[]> {
    const { stdout } = await this.virsh(['list', '--all']);
    const vms: Vm[] = [];
    for (const { name, state } of parseVirshList(stdout)) {
      const xml = await this.virsh(['dumpxml', name]);
      vms.push({ name, state, hostdevs: parseHostdevs(xml.stdout).map((d) => d.address) });
    }
    return vms;
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
