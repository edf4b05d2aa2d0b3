// One sync of one host: ask its agent for health, inventory and VMs, and make the rows follow.
// A host whose agent does not answer turns offline (never-seen stays never-seen) with the reason
// and keeps its rows; its power state is then read through the iLO.

import 'server-only';
import { AgentCallError, type AgentClient } from '@/lib/agents/client';
import { agentClientFor, HostAccessError } from '@/lib/agents/access';
import { prisma } from '@/lib/db/client';
import { env } from '@/lib/env';
import { applyInventory, type ApplySummary } from './apply-inventory';
import { refreshCompliance } from '@/lib/policies/refresh';
import { refreshBios, refreshPower } from './ilo-state';

export type SyncOutcome =
  | { ok: true; hostId: string; summary: ApplySummary; bootId: string | null; ms: number }
  | { ok: false; hostId: string; error: string; ms: number };

/** Hosts being synced right now: a poll and an on-demand sync of one host never overlap. */
const inFlight = new Map<string, Promise<SyncOutcome>>();

export function syncHost(hostId: string, options: { client?: AgentClient; readPowerWhenDown?: boolean } = {}): Promise<SyncOutcome> {
  const running = inFlight.get(hostId);
  if (running) return running;
  const promise = runSync(hostId, options).finally(() => inFlight.delete(hostId));
  inFlight.set(hostId, promise);
  return promise;
}

async function runSync(hostId: string, options: { client?: AgentClient; readPowerWhenDown?: boolean }): Promise<SyncOutcome> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  let client: AgentClient;
  try {
    client = options.client ?? (await agentClientFor(hostId));
  } catch (error) {
    if (error instanceof HostAccessError) return { ok: false, hostId, error: error.message, ms: ms() };
    throw error;
  }
  try {
    const health = await client.health();
    const [inventory, vms] = await Promise.all([client.inventory(), client.vms()]);
    const summary = await applyInventory(hostId, { inventory, vms, bootId: health.bootId });
    const biosRead = await refreshBiosWhenDue(hostId);
    // Policies judge the host again only when something about it changed.
    if (summary.written > 0 || biosRead) await refreshCompliance(hostId);
    return { ok: true, hostId, summary, bootId: health.bootId, ms: ms() };
  } catch (error) {
    if (!(error instanceof AgentCallError)) throw error;
    await markUnreachable(hostId, error.message);
    if (options.readPowerWhenDown !== false) {
      // The power state tells "host down" from "agent down"; an iLO that does not answer either
      // leaves the last known state.
      await refreshPower(hostId).catch(() => undefined);
    }
    return { ok: false, hostId, error: error.message, ms: ms() };
  }
}

/**
 * The BIOS is read through the iLO less often than the agent is polled (BIOS_READ_INTERVAL_MS,
 * default 5 min): enough to show a value changed in the iLO's own UI as drift, without a Redfish
 * session per host every 15 s. Operations read it right after they change it.
 */
async function refreshBiosWhenDue(hostId: string): Promise<boolean> {
  const read = await prisma.biosRead.findUnique({ where: { hostId }, select: { readAt: true, host: { select: { biosRegistry: { select: { id: true } } } } } });
  // A host without its attribute registry (registered before it was kept) is read at once:
  // BIOS changes are refused until it is there.
  if (read && read.host.biosRegistry && Date.now() - read.readAt.getTime() < env.biosReadIntervalMs) return false;
  return refreshBios(hostId).then(
    () => true,
    () => false,
  );
}

async function markUnreachable(hostId: string, reason: string): Promise<void> {
  await prisma.host.updateMany({ where: { id: hostId, agentStatus: 'online' }, data: { agentStatus: 'offline' } });
  await prisma.host.updateMany({ where: { id: hostId }, data: { lastSyncError: reason } });
}
