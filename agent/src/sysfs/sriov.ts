import { AgentError } from '../errors';
import { type HostFs, linkName, listOptional } from './host-fs';
import { readPhysicalFunction } from './inventory';
import { devicePath } from './paths';
import { numVfsRefusal } from './refusals';

export interface SetNumVfsOptions {
  timeoutMs?: number;
  pollMs?: number;
}

export interface SetNumVfsOutcome {
  changed: boolean;
  steps: string[];
}

/**
 * Sets a PF's VF count. A non-zero count is never written over another non-zero count: the kernel
 * answers EBUSY ("N VFs already enabled. Disable before enabling M VFs", drivers/pci/iov.c), so
 * 0 goes first, as sriov-network-operator does. Then waits until every VF exists and, on a
 * network PF, has its netdev (VF netdevs show up after the write returns).
 */
export async function setNumVfs(fs: HostFs, pfAddress: string, requested: number, options: SetNumVfsOptions = {}): Promise<SetNumVfsOutcome> {
  const pf = readPhysicalFunction(fs, pfAddress);
  const steps: string[] = [];
  const ctx = { pf: pfAddress, requested, totalVfs: pf.totalVfs, driver: pf.driver };
  if (pf.numVfs === requested) {
    await waitForVfs(fs, pfAddress, requested, options);
    return { changed: false, steps: [`${pfAddress} already has ${requested} VFs`] };
  }
  const file = devicePath(pfAddress, 'sriov_numvfs');
  // The kernel checks the range before anything else, but by then the 0 below would already have
  // destroyed the PF's VFs (seen on a real kernel): refuse first, losing nothing.
  if (pf.totalVfs > 0 && requested > pf.totalVfs) {
    throw numVfsRefusal(Object.assign(new Error(`ERANGE: ${requested} > sriov_totalvfs ${pf.totalVfs}`), { code: 'ERANGE' }), ctx);
  }
  try {
    if (pf.numVfs !== 0 && requested !== 0) {
      await fs.write(file, '0');
      steps.push(`wrote 0 to ${file} (was ${pf.numVfs})`);
    }
    await fs.write(file, String(requested));
    steps.push(`wrote ${requested} to ${file}`);
  } catch (err) {
    throw numVfsRefusal(err, ctx);
  }
  await waitForVfs(fs, pfAddress, requested, options);
  steps.push(`${requested} VFs present${requested > 0 && pf.netdev ? ' with their netdevs' : ''}`);
  return { changed: true, steps };
}

async function waitForVfs(fs: HostFs, pfAddress: string, count: number, options: SetNumVfsOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pollMs = options.pollMs ?? 20;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const missing = missingVfParts(fs, pfAddress, count);
    if (missing.length === 0) return;
    if (Date.now() >= deadline) {
      throw new AgentError('timeout', `after ${timeoutMs} ms ${pfAddress} still lacks ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ` and ${missing.length - 4} more` : ''}; is the VF driver available?`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** What is not there yet: virtfn links, and netdevs of VFs bound to a network driver. */
function missingVfParts(fs: HostFs, pfAddress: string, count: number): string[] {
  const entries = new Set(listOptional(fs, devicePath(pfAddress)));
  const missing: string[] = [];
  if (entries.has(`virtfn${count}`)) missing.push(`removal of virtfn${count}`);
  const pfIsNetwork = listOptional(fs, devicePath(pfAddress, 'net')).length > 0;
  for (let i = 0; i < count; i++) {
    if (!entries.has(`virtfn${i}`)) {
      missing.push(`virtfn${i}`);
      continue;
    }
    if (!pfIsNetwork) continue;
    const vf = linkName(fs, devicePath(pfAddress, `virtfn${i}`));
    if (!vf) continue;
    const driver = linkName(fs, devicePath(vf, 'driver'));
    // A VF left unbound (autoprobe off) or given to vfio-pci never gets a netdev.
    if (driver && driver !== 'vfio-pci' && listOptional(fs, devicePath(vf, 'net')).length === 0) missing.push(`the netdev of VF ${i} (${vf})`);
  }
  return missing;
}
