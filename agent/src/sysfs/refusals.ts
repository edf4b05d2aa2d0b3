import { AgentError, errnoOf } from '../errors';

export interface NumVfsContext {
  pf: string;
  requested: number;
  totalVfs: number;
  driver: string | null;
}

/**
 * What a failed sriov_numvfs write means and what to do about it. The codes are the ones
 * sriov_numvfs_store() in drivers/pci/iov.c and the PF drivers' sriov_configure return; the same
 * mapping serves node:fs on a real host and the simulated kernel.
 */
export function numVfsRefusal(err: unknown, ctx: NumVfsContext): AgentError {
  const errno = errnoOf(err);
  const { pf, requested, totalVfs, driver } = ctx;
  switch (errno) {
    case 'EBUSY':
      return new AgentError('refused', `${pf} already has VFs enabled and the kernel will not change a non-zero count directly; set 0 first (the agent does; something else changed it meanwhile)`, { errno });
    case 'ERANGE':
      return new AgentError('refused', `${requested} VFs is more than the ${totalVfs} the ${driver ?? 'PF'} driver allows on ${pf} (sriov_totalvfs); on Mellanox cards raise NUM_OF_VFS in the firmware`, { errno });
    case 'EINVAL':
      return new AgentError('refused', `the kernel did not take ${JSON.stringify(String(requested))} as a VF count for ${pf}: it must be an unsigned number`, { errno });
    case 'ENOENT':
      return new AgentError('refused', `no SR-IOV capable driver bound to ${pf}${driver ? ` (${driver} does not implement sriov_configure)` : ''}: load and bind the PF driver first`, { errno });
    case 'EPERM':
      return new AgentError('refused', `the ${driver ?? 'PF'} driver refused to change the VFs of ${pf} while VFs are assigned to guests: detach them from their VMs first`, { errno });
    case 'ENOMEM':
      return new AgentError('refused', `the kernel found no room for the VF BARs of ${pf}: enable SR-IOV in the system BIOS (iLO: Sriov = Enabled) and reset the server`, { errno });
    case 'EACCES':
      return new AgentError('refused', `permission denied writing sriov_numvfs of ${pf}: run the agent as root`, { errno });
    case 'ENODEV':
      return new AgentError('not-found', `${pf} disappeared while it was being changed`, { errno });
    default:
      return new AgentError('internal', `writing sriov_numvfs of ${pf} failed: ${err instanceof Error ? err.message : String(err)}`, errno ? { errno } : {});
  }
}

/** A failed write during bind/unbind (driver_override, driver/unbind, drivers_probe). */
export function bindRefusal(err: unknown, vf: string, step: string): AgentError {
  const errno = errnoOf(err);
  switch (errno) {
    case 'EACCES':
      return new AgentError('refused', `permission denied while ${step} for ${vf}: run the agent as root`, { errno });
    case 'ENODEV':
      return new AgentError('refused', `the kernel did not find ${vf} or its driver while ${step}`, { errno });
    case 'ENOENT':
      return new AgentError('not-found', `${vf} disappeared while ${step}`, { errno });
    default:
      return new AgentError('refused', `${step} for ${vf} failed: ${err instanceof Error ? err.message : String(err)}`, errno ? { errno } : {});
  }
}
