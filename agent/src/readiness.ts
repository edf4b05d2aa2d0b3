// GET /v1/ready: can this agent do its work on this host? It must read sysfs (everything it
// reports and changes is there) and write in the folder of desired-state.json (else a change
// still takes effect but is lost at the next reboot: the 507 of every change). /v1/health stays
// the liveness answer the server's poller and reset checks rely on.

import type { Readiness, ReadinessCheck } from './api-types';
import { errnoOf } from './errors';
import type { EtcFiles } from './os/host-os';
import type { HostFs } from './sysfs/host-fs';
import { PCI_DEVICES } from './sysfs/paths';

/** The errno alone: the message of node:fs names the real path under --sysfs-root. */
const cause = (err: unknown): string => errnoOf(err) ?? (err instanceof Error ? err.message : String(err));

function sysfsCheck(fs: HostFs): ReadinessCheck {
  let devices: string[];
  try {
    devices = fs.list(PCI_DEVICES);
  } catch (err) {
    return { state: 'failing', detail: `cannot list ${PCI_DEVICES}: ${cause(err)}` };
  }
  // Every server has PCI functions: none listed is a sysfs that is not the host's (not mounted).
  if (devices.length === 0) return { state: 'failing', detail: `${PCI_DEVICES} lists no PCI function: is sysfs mounted?` };
  return { state: 'ok', detail: `${devices.length} PCI functions in ${PCI_DEVICES}` };
}

async function stateCheck(etc: EtcFiles, stateDir: string | null): Promise<ReadinessCheck> {
  if (stateDir === null) return { state: 'skipped', detail: 'this agent keeps no desired state' };
  try {
    await etc.probeWritable(stateDir);
  } catch (err) {
    return { state: 'failing', detail: `cannot write in ${stateDir}: ${cause(err)} (changes would not survive a reboot)` };
  }
  return { state: 'ok', detail: `${stateDir} is writable` };
}

export async function checkReadiness(fs: HostFs, etc: EtcFiles, stateDir: string | null): Promise<Readiness> {
  const checks = { sysfs: sysfsCheck(fs), state: await stateCheck(etc, stateDir) };
  return { ready: Object.values(checks).every((c) => c.state !== 'failing'), checks };
}

/** "sysfs: cannot list ...; state: cannot write in ...": the failing checks, named. */
export function notReadyMessage(readiness: Readiness): string {
  const failing = Object.entries(readiness.checks).filter(([, c]) => c.state === 'failing');
  return `not ready: ${failing.map(([name, c]) => `${name}: ${c.detail}`).join('; ')}`;
}
