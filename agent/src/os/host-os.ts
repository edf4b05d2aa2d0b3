import { randomBytes } from 'node:crypto';
import nodeFs from 'node:fs';
import path from 'node:path';
import type { CpuVendor, OsFixResult } from '../api-types';
import { AgentError } from '../errors';
import { CommandError, type CommandRunner } from '../exec';

/** Files outside sysfs the agent keeps: modules-load.d and its state directory. */
export interface EtcFiles {
  read(file: string): string | null;
  write(file: string, data: string): Promise<void>;
  /** Throws as write() would in this folder: creates it if need be, writes a file and removes it. */
  probeWritable(dir: string): Promise<void>;
}

export const nodeEtcFiles: EtcFiles = {
  read(file) {
    try {
      return nodeFs.readFileSync(file, 'utf8');
    } catch {
      return null;
    }
  },
  async write(file, data) {
    await nodeFs.promises.mkdir(path.dirname(file), { recursive: true });
    // Write then rename: a crash leaves the old file, never half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    await nodeFs.promises.writeFile(tmp, data, { mode: 0o600 });
    await nodeFs.promises.rename(tmp, file);
  },
  async probeWritable(dir) {
    await nodeFs.promises.mkdir(dir, { recursive: true });
    // A name of its own per probe: two probes at once must not remove each other's file.
    const probe = path.join(dir, `.ready-probe.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    await nodeFs.promises.writeFile(probe, 'ready\n', { mode: 0o600 });
    await nodeFs.promises.rm(probe);
  },
};

export const MODULES_LOAD_FILE = '/etc/modules-load.d/sriov-agent.conf';

export function iommuKernelArgs(cpuVendor: CpuVendor): string[] {
  // AMD kernels turn the IOMMU on by themselves; iommu=pt keeps host DMA out of translation.
  return cpuVendor === 'amd' ? ['iommu=pt'] : ['intel_iommu=on', 'iommu=pt'];
}

/**
 * Adds the IOMMU arguments to every installed kernel with grubby (RHEL and derivatives). They take
 * effect at the next boot, so the answer says "reboot needed" rather than pretending.
 */
export async function fixIommuArgs(run: CommandRunner, cpuVendor: CpuVendor, runningCmdline: string): Promise<OsFixResult> {
  const wanted = iommuKernelArgs(cpuVendor);
  const running = runningCmdline.split(/\s+/);
  let configured: string;
  try {
    configured = (await run('grubby', ['--info=DEFAULT'])).stdout;
  } catch (err) {
    if (err instanceof CommandError && err.spawnCode === 'ENOENT') {
      throw new AgentError('unavailable', `grubby is not installed (not a RHEL-family host): add "${wanted.join(' ')}" to GRUB_CMDLINE_LINUX in /etc/default/grub, run update-grub (or grub2-mkconfig), and reboot`);
    }
    throw new AgentError('refused', `grubby --info=DEFAULT failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const args = (/^args="([^"]*)"/m.exec(configured)?.[1] ?? '').split(/\s+/);
  const missing = wanted.filter((arg) => !args.includes(arg));
  const rebootNeeded = wanted.some((arg) => !running.includes(arg));
  if (missing.length === 0) {
    return { changed: false, rebootNeeded, steps: [`the boot entries already have ${wanted.join(' ')}${rebootNeeded ? '; reboot to use them' : ''}`] };
  }
  try {
    await run('grubby', ['--update-kernel=ALL', `--args=${missing.join(' ')}`]);
  } catch (err) {
    throw new AgentError('refused', `grubby could not add ${missing.join(' ')}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { changed: true, rebootNeeded: true, steps: [`grubby --update-kernel=ALL --args="${missing.join(' ')}"`, 'reboot needed for the kernel to use them'] };
}

/** vfio-pci loaded now (modprobe) and at every boot (modules-load.d). */
export async function fixVfioPci(run: CommandRunner, etc: EtcFiles, loaded: boolean, modulesLoadFile = MODULES_LOAD_FILE): Promise<OsFixResult> {
  const steps: string[] = [];
  if (!loaded) {
    try {
      await run('modprobe', ['vfio-pci']);
    } catch (err) {
      throw new AgentError('refused', `modprobe vfio-pci failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    steps.push('modprobe vfio-pci');
  }
  const current = etc.read(modulesLoadFile);
  if (!current?.split('\n').some((line) => line.trim() === 'vfio-pci' || line.trim() === 'vfio_pci')) {
    await etc.write(modulesLoadFile, `${current ? `${current.trimEnd()}\n` : '# Written by sriov-agent: VFs go to guests through vfio-pci.\n'}vfio-pci\n`);
    steps.push(`added vfio-pci to ${modulesLoadFile}`);
  }
  return { changed: steps.length > 0, rebootNeeded: false, steps: steps.length > 0 ? steps : ['vfio-pci is loaded and listed in modules-load.d'] };
}
