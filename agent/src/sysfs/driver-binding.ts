import type { DriverTarget, VirtualFunction } from '../api-types';
import { AgentError } from '../errors';
import { type HostFs, linkName, listOptional, readOptional } from './host-fs';
import { readVirtualFunction } from './inventory';
import { DRIVERS_PROBE, devicePath } from './paths';
import { bindRefusal } from './refusals';
import { DEFAULT_VF_DRIVERS } from './vf-drivers';

export interface BindOutcome {
  changed: boolean;
  steps: string[];
}

/**
 * Binds a VF to vfio-pci or back to its own driver the way the kernel documents it:
 * driver_override, unbind from the current driver, drivers_probe. Checks the result, because a
 * failed probe is not an error of the write: the VF just stays unbound.
 */
export async function bindVf(fs: HostFs, vfAddress: string, target: DriverTarget, options: BindOptions = {}): Promise<BindOutcome> {
  const pfAddress = linkName(fs, devicePath(vfAddress, 'physfn'));
  if (!pfAddress) throw new AgentError('bad-request', `${vfAddress} is not a VF (it has no physfn link)`);
  const vf = readVirtualFunction(fs, vfAddress, -1);
  const wanted = target === 'vfio-pci' ? 'vfio-pci' : defaultDriverOf(vf);

  if (target === 'vfio-pci') {
    if (vf.iommuGroup === null) {
      throw new AgentError('refused', `${vfAddress} has no IOMMU group, so vfio-pci cannot take it: turn on VT-d / AMD-Vi in the BIOS (iLO: IntelProcVtd / ProcAmdIoVt) and the kernel's IOMMU (intel_iommu=on), then reboot`);
    }
    if (!listOptional(fs, '/sys/module').includes('vfio_pci')) {
      throw new AgentError('refused', 'the vfio-pci module is not loaded: load it (modprobe vfio-pci, or POST /v1/host/vfio) and retry');
    }
  }
  const autoprobe = readOptional(fs, devicePath(pfAddress, 'sriov_drivers_autoprobe')) !== '0';
  const already =
    target === 'vfio-pci'
      ? vf.driver === 'vfio-pci'
      : vf.driver !== null && vf.driver !== 'vfio-pci' && (wanted === null || vf.driver === wanted) && (vf.driverOverride === null || vf.driverOverride === vf.driver);
  if (already) return { changed: false, steps: [`${vfAddress} already bound to ${vf.driver}`] };

  // With autoprobe off the kernel probes a VF only when driver_override names a driver
  // (pci_device_can_probe), so "back to default" must name it instead of clearing the override.
  const override = target === 'vfio-pci' ? 'vfio-pci' : autoprobe ? '\n' : wanted;
  if (override === null) {
    throw new AgentError('refused', `autoprobe is off on ${pfAddress} and the agent does not know the default driver of ${vf.vendorId}:${vf.deviceId}; bind it by hand`);
  }
  const steps: string[] = [];
  await writeStep(fs, devicePath(vfAddress, 'driver_override'), override, vfAddress, 'setting driver_override', steps);
  if (vf.driver) await writeStep(fs, devicePath(vfAddress, 'driver', 'unbind'), vfAddress, vfAddress, `unbinding from ${vf.driver}`, steps);
  await writeStep(fs, DRIVERS_PROBE, vfAddress, vfAddress, 'probing', steps);

  const now = linkName(fs, devicePath(vfAddress, 'driver'));
  if (target === 'vfio-pci' && now !== 'vfio-pci') {
    throw new AgentError('refused', `vfio-pci did not take ${vfAddress} (it is ${now ? `bound to ${now}` : 'unbound'}); check dmesg for the vfio-pci probe error`);
  }
  if (target === 'default' && now === null) {
    throw new AgentError('refused', `no driver took ${vfAddress} back${wanted ? `: is ${wanted} loaded?` : ''}`);
  }
  steps.push(`${vfAddress} bound to ${now}`);
  // A network VF driver's netdev can follow the probe (udev, slower drivers): answer once it is
  // there, as after a VF count change, so the caller reads a VF that is whole.
  if (target === 'default' && listOptional(fs, devicePath(pfAddress, 'net')).length > 0 && (await waitForNetdev(fs, vfAddress, options.netdevTimeoutMs ?? 10_000))) {
    steps.push(`${vfAddress} has its netdev`);
  }
  return { changed: true, steps };
}

export interface BindOptions {
  /** How long to wait for the VF's netdev after binding it back to its network driver. */
  netdevTimeoutMs?: number;
}

async function waitForNetdev(fs: HostFs, vfAddress: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (listOptional(fs, devicePath(vfAddress, 'net')).length === 0) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

export function defaultDriverOf(vf: Pick<VirtualFunction, 'vendorId' | 'deviceId'>): string | null {
  return DEFAULT_VF_DRIVERS[`${vf.vendorId}:${vf.deviceId}`] ?? null;
}

async function writeStep(fs: HostFs, file: string, data: string, vf: string, step: string, steps: string[]): Promise<void> {
  try {
    await fs.write(file, data);
  } catch (err) {
    throw bindRefusal(err, vf, step);
  }
  steps.push(`wrote ${JSON.stringify(data)} to ${file}`);
}
