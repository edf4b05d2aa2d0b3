import type {
  AttachRequest,
  ChangeResult,
  DesiredStateReport,
  DesiredVf,
  DriverTarget,
  Drift,
  GuestReport,
  Inventory,
  OsFixResult,
  PhysicalFunction,
  Readiness,
  VfSettings,
  VirtualFunction,
  Vm,
} from './api-types';
import { AgentError } from './errors';
import type { CommandRunner } from './exec';
import { readGuest, type GuestVfTarget } from './hypervisor/guest';
import type { Hypervisor } from './hypervisor/virsh';
import { IpLinkCommand, type IpLink, type VfLinkInfo } from './netlink/ip-link';
import { type EtcFiles, fixIommuArgs, fixVfioPci, MODULES_LOAD_FILE } from './os/host-os';
import { checkReadiness } from './readiness';
import { DesiredStateStore, emptyDesiredState } from './state/desired-state';
import { PfLocks } from './state/pf-lock';
import { bindVf } from './sysfs/driver-binding';
import type { HostFs } from './sysfs/host-fs';
import { linkName, listOptional, readOptional } from './sysfs/host-fs';
import { addVfSettings, applyVfSettings, listPfAddresses, readHostFacts, readPhysicalFunction } from './sysfs/inventory';
import { devicePath, isPciAddress } from './sysfs/paths';
import { setNumVfs } from './sysfs/sriov';
import { DEFAULT_VF_DRIVERS } from './sysfs/vf-drivers';
import { AGENT_VERSION } from './version';

export type LogFn = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

export const jsonLog: LogFn = (level, msg, fields = {}) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
};
export const silentLog: LogFn = () => {};

export interface AgentDeps {
  fs: HostFs;
  run: CommandRunner;
  hypervisor: Hypervisor | null;
  etc: EtcFiles;
  /** Where desired-state.json lives; null keeps no desired state (CLI one-shots). */
  stateDir: string | null;
  log?: LogFn;
  /** How long a change waits for another on the same PF before answering busy. */
  lockWaitMs?: number;
  modulesLoadFile?: string;
  simulated?: boolean;
}

const VM_CACHE_MS = 5_000;

export interface ReapplyReport {
  applied: string[];
  failed: { what: string; error: string }[];
}

/** Everything the agent does to a host, shared by the CLI, the HTTP API and the re-apply at start. */
export class Agent {
  readonly fs: HostFs;
  readonly ipLink: IpLink;
  readonly simulated: boolean;
  private readonly run: CommandRunner;
  private readonly hypervisor: Hypervisor | null;
  private readonly etc: EtcFiles;
  private readonly store: DesiredStateStore | null;
  private readonly stateDir: string | null;
  private readonly locks: PfLocks;
  private readonly log: LogFn;
  private readonly modulesLoadFile: string;
  private vmCache: { at: number; vms: Vm[] } | null = null;

  constructor(deps: AgentDeps) {
    this.fs = deps.fs;
    this.run = deps.run;
    this.ipLink = new IpLinkCommand(deps.run);
    this.hypervisor = deps.hypervisor;
    this.etc = deps.etc;
    this.log = deps.log ?? jsonLog;
    this.stateDir = deps.stateDir;
    this.store = deps.stateDir === null ? null : new DesiredStateStore(deps.etc, deps.stateDir, this.log);
    this.locks = new PfLocks(deps.lockWaitMs ?? 0);
    this.modulesLoadFile = deps.modulesLoadFile ?? MODULES_LOAD_FILE;
    this.simulated = deps.simulated ?? false;
  }

  // --- reading ---

  readiness(): Promise<Readiness> {
    return checkReadiness(this.fs, this.etc, this.stateDir);
  }

  async inventory(): Promise<Inventory> {
    const started = performance.now();
    const warnings: string[] = [];
    // Start the processes first: `ip` and `virsh` run while sysfs is read.
    const vfSettings = this.ipLink.showAllVfs().catch((err: unknown) => {
      warnings.push(`ip -j link show failed: ${err instanceof Error ? err.message : String(err)}`);
      return new Map<string, VfLinkInfo[]>();
    });
    const vms = this.cachedVms(warnings);
    const host = readHostFacts(this.fs);
    const pfs = listPfAddresses(this.fs).map((address) => readPhysicalFunction(this.fs, address));
    const settings = await vfSettings;
    for (const pf of pfs) if (pf.netdev) applyVfSettings(pf, settings.get(pf.netdev) ?? []);
    const holders = await vms;
    if (holders) {
      const holder = new Map<string, string>();
      for (const vm of holders) for (const address of vm.hostdevs) holder.set(address, vm.name);
      for (const pf of pfs) for (const vf of pf.vfs) vf.vm = holder.get(vf.address) ?? null;
    }
    return {
      agentVersion: AGENT_VERSION,
      collectedAt: new Date().toISOString(),
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      host,
      pfs,
      warnings,
    };
  }

  /** The PF at this address, or 404. The address is checked against the pattern before any path is built. */
  physicalFunction(address: string): PhysicalFunction {
    if (!isPciAddress(address)) throw new AgentError('bad-request', `not a PCI address: ${JSON.stringify(address)}`);
    if (readOptional(this.fs, devicePath(address, 'sriov_totalvfs')) === null) {
      throw new AgentError('not-found', readOptional(this.fs, devicePath(address, 'vendor')) === null ? `no PCI function ${address}` : `${address} has no SR-IOV capability`);
    }
    return readPhysicalFunction(this.fs, address);
  }

  /** The VF at this address with its PF, or 404. */
  virtualFunction(address: string): { pf: PhysicalFunction; vf: VirtualFunction } {
    if (!isPciAddress(address)) throw new AgentError('bad-request', `not a PCI address: ${JSON.stringify(address)}`);
    const pfAddress = linkName(this.fs, devicePath(address, 'physfn'));
    if (!pfAddress || !isPciAddress(pfAddress)) {
      throw new AgentError('not-found', readOptional(this.fs, devicePath(address, 'vendor')) === null ? `no PCI function ${address}` : `${address} is not a VF`);
    }
    const pf = readPhysicalFunction(this.fs, pfAddress);
    const vf = pf.vfs.find((v) => v.address === address);
    if (!vf) throw new AgentError('not-found', `${address} is not among the VFs of ${pfAddress}`);
    return { pf, vf };
  }

  async virtualFunctionWithSettings(address: string): Promise<VirtualFunction> {
    const { pf } = this.virtualFunction(address);
    const [, vms] = await Promise.all([addVfSettings(this.ipLink, pf), this.cachedVms([])]);
    const vf = pf.vfs.find((v) => v.address === address);
    if (!vf) throw new AgentError('not-found', `${address} vanished`);
    vf.vm = vms?.find((vm) => vm.hostdevs.includes(address))?.name ?? null;
    return vf;
  }

  async listVms(): Promise<Vm[]> {
    if (!this.hypervisor) throw new AgentError('unavailable', 'no hypervisor configured on this agent');
    return this.freshVms(this.hypervisor);
  }

  /**
   * What the VM's guest sees of each VF it holds, through its QEMU guest agent, each command
   * bounded by GUEST_TIMEOUT_S. A VM without a guest agent is a report that says so, not an error.
   */
  async guest(vmName: string): Promise<GuestReport> {
    const hypervisor = this.requireHypervisor();
    const vm = findVm(await this.freshVms(hypervisor), vmName);
    const settings = await this.ipLink.showAllVfs().catch(() => new Map<string, VfLinkInfo[]>());
    const targets: GuestVfTarget[] = vm.hostdevs.map((address) => {
      const pfAddress = isPciAddress(address) ? linkName(this.fs, devicePath(address, 'physfn')) : null;
      const pf = pfAddress && isPciAddress(pfAddress) ? readPhysicalFunction(this.fs, pfAddress) : null;
      if (pf?.netdev) applyVfSettings(pf, settings.get(pf.netdev) ?? []);
      const vf = pf?.vfs.find((v) => v.address === address);
      const vendorId = vf?.vendorId ?? readOptional(this.fs, devicePath(address, 'vendor'))?.replace(/^0x/, '') ?? '';
      const deviceId = vf?.deviceId ?? readOptional(this.fs, devicePath(address, 'device'))?.replace(/^0x/, '') ?? '';
      return { address, mac: isUnsetMac(vf?.mac) ? null : (vf?.mac ?? null), vendorId, deviceId, guestDriver: DEFAULT_VF_DRIVERS[`${vendorId}:${deviceId}`] ?? null };
    });
    return readGuest(vm, targets, hypervisor.guestAgent(vm.name, GUEST_TIMEOUT_S));
  }

  // --- changing ---

  async setNumVfs(pfAddress: string, numVfs: number, options: { timeoutMs?: number; record?: boolean } = {}): Promise<ChangeResult<PhysicalFunction>> {
    this.physicalFunction(pfAddress);
    return this.locks.run(pfAddress, `set ${numVfs} VFs`, async () => {
      const pf = this.physicalFunction(pfAddress);
      if (pf.numVfs !== numVfs) {
        const vfAddresses = new Set(pf.vfs.map((vf) => vf.address));
        const held = (await this.vmsOrNull([]))?.flatMap((vm) => vm.hostdevs.filter((a) => vfAddresses.has(a)).map((a) => `${a} (VM ${vm.name})`)) ?? [];
        if (held.length > 0) {
          throw new AgentError('conflict', `cannot change the VF count of ${pfAddress} while its VFs are attached to VMs: ${held.join(', ')}; detach them first`);
        }
      }
      const outcome = await setNumVfs(this.fs, pfAddress, numVfs, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
      if (options.record !== false) await this.store?.recordNumVfs(pfAddress, numVfs);
      const result = this.physicalFunction(pfAddress);
      await addVfSettings(this.ipLink, result);
      return { changed: outcome.changed, result, steps: outcome.steps };
    });
  }

  async setVf(vfAddress: string, settings: VfSettings, options: { record?: boolean } = {}): Promise<ChangeResult<VirtualFunction>> {
    const { pf } = this.virtualFunction(vfAddress);
    return this.locks.run(pf.address, `set VF ${vfAddress}`, async () => {
      const { pf: current, vf } = this.virtualFunction(vfAddress);
      if (!current.netdev) {
        throw new AgentError('refused', `VF settings go through the PF's netdev and ${current.address} has none (${current.driver ? `${current.driver} is not a network driver` : 'no driver bound'})`);
      }
      await addVfSettings(this.ipLink, current);
      const before = current.vfs.find((v) => v.address === vfAddress) ?? vf;
      const wanted: VfSettings = { ...settings };
      if (wanted.qos !== undefined && wanted.vlan === undefined) wanted.vlan = before.vlan ?? 0;
      // The priority travels in the 802.1Q tag: without a VLAN there is nowhere to put it.
      if (wanted.qos !== undefined && wanted.qos > 0 && wanted.vlan === 0) {
        throw new AgentError('bad-request', `a QoS priority needs a VLAN; VF ${vf.index} of ${current.netdev} has none: give vlan with qos`);
      }
      const changed = differs(before, wanted);
      const steps: string[] = [];
      if (changed) {
        await this.ipLink.setVf(current.netdev, vf.index, wanted);
        steps.push(`ip link set dev ${current.netdev} vf ${vf.index} ${describe(wanted)}`);
      } else {
        steps.push(`VF ${vf.index} of ${current.netdev} already has ${describe(wanted)}`);
      }
      if (options.record !== false) await this.store?.recordVf(current.address, current.numVfs, vf.index, wanted);
      return { changed, result: await this.virtualFunctionWithSettings(vfAddress), steps };
    });
  }

  async bind(vfAddress: string, driver: DriverTarget, options: { record?: boolean } = {}): Promise<ChangeResult<VirtualFunction>> {
    const { pf } = this.virtualFunction(vfAddress);
    return this.locks.run(pf.address, `bind ${vfAddress}`, async () => {
      const { pf: current, vf } = this.virtualFunction(vfAddress);
      const holder = (await this.vmsOrNull([]))?.find((vm) => vm.hostdevs.includes(vfAddress));
      if (holder) throw new AgentError('conflict', `${vfAddress} belongs to VM ${holder.name}; libvirt manages its driver until it is detached`);
      const outcome = await bindVf(this.fs, vfAddress, driver);
      if (options.record !== false) await this.store?.recordVf(current.address, current.numVfs, vf.index, { driver });
      return { changed: outcome.changed, result: await this.virtualFunctionWithSettings(vfAddress), steps: outcome.steps };
    });
  }

  async attach(vmName: string, request: AttachRequest): Promise<ChangeResult<Vm>> {
    const hypervisor = this.requireHypervisor();
    const { pf, vf } = this.virtualFunction(request.vf);
    return this.locks.run(pf.address, `attach ${request.vf}`, async () => {
      const vms = await this.freshVms(hypervisor);
      const vm = findVm(vms, vmName);
      const holder = vms.find((v) => v.hostdevs.includes(request.vf));
      if (holder?.name === vm.name) return { changed: false, result: vm, steps: [`VM ${vm.name} already holds ${request.vf}`] };
      if (holder) throw new AgentError('conflict', `${request.vf} is already attached to VM ${holder.name}`);
      if (vf.iommuGroup === null) {
        throw new AgentError('refused', `${request.vf} has no IOMMU group, so it cannot be given to a VM: turn on VT-d / AMD-Vi in the BIOS and the kernel's IOMMU, then reboot`);
      }
      await hypervisor.attachVf(vm, { address: request.vf, ...(request.mac ? { mac: request.mac } : {}), ...(request.vlan ? { vlan: request.vlan } : {}) });
      const after = findVm(await this.freshVms(hypervisor), vmName);
      const live = vm.state === 'running' || vm.state === 'paused';
      return { changed: true, result: after, steps: [`virsh attach-device ${vm.name} (${request.vf}) ${live ? '--live --config' : '--config'}`] };
    });
  }

  async detach(vmName: string, vfAddress: string): Promise<ChangeResult<Vm>> {
    const hypervisor = this.requireHypervisor();
    if (!isPciAddress(vfAddress)) throw new AgentError('bad-request', `not a PCI address: ${JSON.stringify(vfAddress)}`);
    const pfAddress = linkName(this.fs, devicePath(vfAddress, 'physfn')) ?? vfAddress;
    return this.locks.run(pfAddress, `detach ${vfAddress}`, async () => {
      const vm = findVm(await this.freshVms(hypervisor), vmName);
      if (!vm.hostdevs.includes(vfAddress)) throw new AgentError('conflict', `VM ${vm.name} does not hold VF ${vfAddress}`);
      await hypervisor.detachVf(vm, vfAddress);
      const after = findVm(await this.freshVms(hypervisor), vmName);
      const live = vm.state === 'running' || vm.state === 'paused';
      return { changed: true, result: after, steps: [`virsh detach-device ${vm.name} (${vfAddress}) ${live ? '--live --config' : '--config'}`] };
    });
  }

  async fixIommuArgs(): Promise<OsFixResult> {
    const host = readHostFacts(this.fs);
    return fixIommuArgs(this.run, host.cpuVendor, host.cmdline);
  }

  async fixVfioPci(): Promise<OsFixResult> {
    return fixVfioPci(this.run, this.etc, listOptional(this.fs, '/sys/module').includes('vfio_pci'), this.modulesLoadFile);
  }

  // --- desired state ---

  async desiredStateReport(): Promise<DesiredStateReport> {
    const desired = this.store?.get() ?? emptyDesiredState();
    const drift: Drift[] = [];
    for (const [pfAddress, want] of Object.entries(desired.pfs)) {
      let pf: PhysicalFunction;
      try {
        pf = this.physicalFunction(pfAddress);
      } catch {
        drift.push({ address: pfAddress, field: 'present', desired: true, actual: false });
        continue;
      }
      await addVfSettings(this.ipLink, pf);
      if (pf.numVfs !== want.numVfs) drift.push({ address: pfAddress, field: 'numVfs', desired: want.numVfs, actual: pf.numVfs });
      for (const [index, wantVf] of Object.entries(want.vfs)) {
        const vf = pf.vfs.find((v) => v.index === Number(index));
        if (!vf) continue;
        for (const [field, value] of Object.entries(wantVf) as [keyof DesiredVf, unknown][]) {
          const actual = field === 'driver' ? (vf.driver === 'vfio-pci' ? 'vfio-pci' : 'default') : vf[field];
          if (actual !== value && !(field === 'mac' && typeof actual === 'string' && typeof value === 'string' && actual.toLowerCase() === value.toLowerCase())) {
            drift.push({ address: vf.address, field, desired: value, actual });
          }
        }
      }
    }
    return { desired, drift };
  }

  /**
   * Puts back what the server last pushed: VFs never survive a reboot or a PF driver reload.
   * Runs at start; failures are logged and reported, never fatal.
   */
  async reapplyDesiredState(): Promise<ReapplyReport> {
    const report: ReapplyReport = { applied: [], failed: [] };
    const desired = this.store?.get();
    if (!desired) return report;
    const attempt = async (what: string, fn: () => Promise<{ changed: boolean }>): Promise<boolean> => {
      try {
        const { changed } = await fn();
        if (changed) {
          report.applied.push(what);
          this.log('info', `re-applied ${what}`);
        }
        return true;
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        report.failed.push({ what, error });
        this.log('error', `could not re-apply ${what}`, { error });
        return false;
      }
    };
    for (const [pfAddress, want] of Object.entries(desired.pfs)) {
      if (!(await attempt(`${want.numVfs} VFs on ${pfAddress}`, () => this.setNumVfs(pfAddress, want.numVfs, { record: false })))) continue;
      for (const [index, wantVf] of Object.entries(want.vfs)) {
        const vfAddress = linkName(this.fs, devicePath(pfAddress, `virtfn${index}`));
        if (!vfAddress) {
          report.failed.push({ what: `VF ${index} of ${pfAddress}`, error: 'VF missing' });
          continue;
        }
        const { driver, ...settings } = wantVf;
        if (Object.keys(settings).length > 0) await attempt(`settings of VF ${index} (${vfAddress})`, () => this.setVf(vfAddress, settings, { record: false }));
        if (driver) await attempt(`${driver} driver for VF ${index} (${vfAddress})`, () => this.bind(vfAddress, driver, { record: false }));
      }
    }
    this.log(report.failed.length > 0 ? 'warn' : 'info', 'desired state re-applied', { applied: report.applied.length, failed: report.failed.length });
    return report;
  }

  // --- internals ---

  private requireHypervisor(): Hypervisor {
    if (!this.hypervisor) throw new AgentError('unavailable', 'no hypervisor configured on this agent');
    return this.hypervisor;
  }

  /** VMs, or null when there is no hypervisor here (no libvirt means no VM can hold a VF). */
  private async vmsOrNull(warnings: string[]): Promise<Vm[] | null> {
    if (!this.hypervisor) return null;
    try {
      return await this.freshVms(this.hypervisor);
    } catch (err) {
      if (err instanceof AgentError && err.code === 'unavailable') {
        // No libvirt here: no VM can hold a VF. Remembered like a list, so the inventory does not
        // try to spawn virsh every time.
        this.vmCache = { at: Date.now(), vms: [] };
        return null;
      }
      warnings.push(`listing VMs failed: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  }

  private async freshVms(hypervisor: Hypervisor): Promise<Vm[]> {
    const vms = await hypervisor.listVms();
    this.vmCache = { at: Date.now(), vms };
    return vms;
  }

  /**
   * For the inventory only: which VM holds which VF, at most VM_CACHE_MS old. virsh costs a process
   * and a libvirtd round trip per VM; checks before a change always ask libvirt afresh.
   */
  private async cachedVms(warnings: string[]): Promise<Vm[] | null> {
    if (this.vmCache && Date.now() - this.vmCache.at < VM_CACHE_MS) return this.vmCache.vms;
    return this.vmsOrNull(warnings);
  }
}

/** Each guest-agent command's bound: a guest that answers does so in milliseconds. */
export const GUEST_TIMEOUT_S = 2;

/** A VF whose MAC was never set reads back as zeros (or not at all). */
function isUnsetMac(mac: string | null | undefined): boolean {
  return !mac || /^(00:){5}00$/.test(mac);
}

function findVm(vms: Vm[], name: string): Vm {
  const vm = vms.find((v) => v.name === name);
  if (!vm) throw new AgentError('not-found', `no VM named ${JSON.stringify(name)}`);
  return vm;
}

function differs(current: VirtualFunction, wanted: VfSettings): boolean {
  if (wanted.mac !== undefined && wanted.mac.toLowerCase() !== current.mac?.toLowerCase()) return true;
  if (wanted.vlan !== undefined && wanted.vlan !== (current.vlan ?? 0)) return true;
  if (wanted.qos !== undefined && wanted.qos !== (current.qos ?? 0)) return true;
  if (wanted.trust !== undefined && wanted.trust !== current.trust) return true;
  if (wanted.spoofchk !== undefined && wanted.spoofchk !== current.spoofchk) return true;
  if (wanted.linkState !== undefined && wanted.linkState !== current.linkState) return true;
  if (wanted.maxTxRate !== undefined && wanted.maxTxRate !== (current.maxTxRate ?? 0)) return true;
  return false;
}

function describe(settings: VfSettings): string {
  return Object.entries(settings)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}
