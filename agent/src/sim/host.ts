import path from 'node:path';
import { Agent, type LogFn, type ReapplyReport } from '../agent';
import { systemError } from '../errors';
import { CommandError, type CommandOutput, type CommandRunner } from '../exec';
import { VirshHypervisor } from '../hypervisor/virsh';
import { type EtcFiles, MODULES_LOAD_FILE, nodeEtcFiles } from '../os/host-os';
import { simIp } from './ip';
import { type BootConfig, REAL_TIMING, SimKernel, type SimTiming } from './kernel';
import { SimLibvirt } from './libvirt';
import { type HostProfile, hostProfile } from './profiles';

export interface SimulatedHostOptions {
  profile: string | HostProfile;
  /** Host name shown in /proc/sys/kernel/hostname; defaults to the profile id. */
  hostname?: string;
  timing?: SimTiming;
  /** A directory on disk for the agent's desired state; by default it lives in memory. */
  stateDir?: string;
  log?: LogFn;
  lockWaitMs?: number;
}

export interface RebootReport {
  bios: { sriov: boolean; iommu: boolean };
  cmdline: string;
  iommuActive: boolean;
  reapply: ReapplyReport;
  /** VMs libvirt could not autostart (a VF they hold did not come back). */
  libvirt: string[];
}

/** Files that survive a reboot: /etc and /var/lib, kept in memory. */
export class MemoryEtcFiles implements EtcFiles {
  readonly files = new Map<string, string>();
  /** Fault injection: every write fails with this errno (ENOSPC: a full disk) until cleared. */
  writeFault: string | null = null;
  read(file: string): string | null {
    return this.files.get(file) ?? null;
  }
  async write(file: string, data: string): Promise<void> {
    if (this.writeFault) throw systemError(this.writeFault, 'write', file);
    this.files.set(file, data);
  }
  async probeWritable(dir: string): Promise<void> {
    if (this.writeFault) throw systemError(this.writeFault, 'write', `${dir}/.ready-probe`);
  }
}

const STATE_DIR = '/var/lib/sriov-agent';

/**
 * One simulated ProLiant: kernel (sysfs), `ip`, libvirt, grubby and modprobe, the agent running on
 * it, and what survives a reboot (boot entries, modules-load.d, the agent's state directory).
 */
export class SimulatedHost {
  readonly profile: HostProfile;
  readonly kernel: SimKernel;
  readonly libvirt: SimLibvirt;
  readonly etc: EtcFiles;
  readonly agent: Agent;
  readonly run: CommandRunner;
  /** The kernel command line the boot entries hold (what grubby changes). */
  nextCmdline: string;
  bios: { sriov: boolean; iommu: boolean };
  private readonly modulesLoadFile: string;

  constructor(options: SimulatedHostOptions) {
    const base = typeof options.profile === 'string' ? hostProfile(options.profile) : options.profile;
    this.profile = options.hostname ? { ...base, id: options.hostname } : base;
    this.bios = { ...this.profile.bios };
    this.nextCmdline = this.profile.cmdline;
    const etc = options.stateDir ? nodeEtcFiles : new MemoryEtcFiles();
    this.etc = etc;
    this.modulesLoadFile = options.stateDir ? path.join(options.stateDir, 'modules-load.conf') : MODULES_LOAD_FILE;
    if (etc instanceof MemoryEtcFiles && this.profile.modulesLoad.length > 0) {
      etc.files.set(this.modulesLoadFile, `${this.profile.modulesLoad.join('\n')}\n`);
    }
    this.kernel = new SimKernel(this.profile, this.bootConfig(), options.timing ?? REAL_TIMING);
    this.libvirt = new SimLibvirt(this.kernel, this.profile.vms);
    this.run = async (command, args) => this.command(command, args);
    this.agent = new Agent({
      fs: this.kernel.fs,
      run: this.run,
      hypervisor: new VirshHypervisor(this.run),
      etc,
      stateDir: options.stateDir ?? STATE_DIR,
      modulesLoadFile: this.modulesLoadFile,
      simulated: true,
      ...(options.log ? { log: options.log } : {}),
      ...(options.lockWaitMs !== undefined ? { lockWaitMs: options.lockWaitMs } : {}),
    });
  }

  /**
   * A server reset as the iLO does it, with the BIOS settings that take effect on this boot:
   * every VF is gone, IOMMU groups exist only with VT-d / AMD-Vi on, SR-IOV off leaves no room
   * for VF BARs. The agent then starts and re-applies its desired state, and libvirt autostarts VMs.
   */
  async reboot(bios: { sriov: boolean; iommu: boolean }): Promise<RebootReport> {
    this.bios = { ...bios };
    this.kernel.start(this.bootConfig());
    const reapply = await this.agent.reapplyDesiredState();
    const libvirt = this.libvirt.boot();
    return { bios: { ...bios }, cmdline: this.nextCmdline, iommuActive: this.kernel.iommuActive, reapply, libvirt };
  }

  private bootConfig(): BootConfig {
    const modulesLoad = this.etc.read(this.modulesLoadFile) ?? this.profile.modulesLoad.join('\n');
    return {
      bios: { ...this.bios },
      cmdline: this.nextCmdline,
      extraModules: modulesLoad.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')),
    };
  }

  private command(command: string, args: readonly string[]): CommandOutput {
    switch (command) {
      case 'ip':
        return simIp(this.kernel, args);
      case 'virsh':
        return this.libvirt.run(args);
      case 'modprobe':
        if (args[0] === 'vfio-pci' || args[0] === 'vfio_pci') {
          this.kernel.loadVfioPci();
          return { stdout: '', stderr: '' };
        }
        throw new CommandError(command, args, 1, `modprobe: FATAL: Module ${args[0] ?? ''} not found in directory /lib/modules/${this.profile.kernelRelease}\n`);
      case 'grubby':
        return this.grubby(args);
      default:
        throw new CommandError(command, args, null, '', 'ENOENT');
    }
  }

  private grubby(args: readonly string[]): CommandOutput {
    const kernelArgs = this.nextCmdline.split(/\s+/).filter((a) => !a.startsWith('BOOT_IMAGE='));
    if (args[0] === '--info=DEFAULT') {
      return { stdout: `index=0\nkernel="/boot/vmlinuz-${this.profile.kernelRelease}"\nargs="${kernelArgs.join(' ')}"\nroot="/dev/mapper/rhel-root"\n`, stderr: '' };
    }
    const add = args.find((a) => a.startsWith('--args='));
    if (args[0] === '--update-kernel=ALL' && add) {
      for (const arg of add.slice('--args='.length).split(/\s+/)) if (arg && !this.nextCmdline.split(/\s+/).includes(arg)) this.nextCmdline += ` ${arg}`;
      return { stdout: '', stderr: '' };
    }
    throw new CommandError('grubby', args, 1, 'grubby: bad argument\n');
  }
}
