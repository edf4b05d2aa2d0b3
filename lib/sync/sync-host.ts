// One sync of one host: ask its agent for health, inventory and VMs, and make the rows follow.
// A host whose agent does not answer turns offline (never-seen stays never-seen) with the reason
// and keeps its rows; its power state is then read through the iLO.
//
// The poller's syncs are conditional: the ETags of the last full read (kept on the host row, so
// another or a restarted server replica uses them too) go back as If-None-Match, and a host whose
// inventory and VMs both answer 304 gets only its lastSeenAt written. Every other sync (after an
// operation, a user's refresh) is a full read, as is a poll after a reboot, after the agent was
// unreachable, or FULL_READ_INTERVAL_MS after the last full read.

import 'server-only';
import { AgentCallError, type AgentClient } from '@/lib/agents/client';
import { agentClientFor, HostAccessError } from '@/lib/agents/access';
import { prisma } from '@/lib/db/client';
import { env } from '@/lib/env';
import { applyInventory, type ApplySummary } from './apply-inventory';
import { refreshCompliance } from '@/lib/policies/refresh';
import { refreshBios, refreshPower } from './ilo-state';
import { refreshGuests } from './guest-read';

export type SyncOutcome =
  | { ok: true; hostId: string; read: 'full'; summary: ApplySummary; bootId: string | null; ms: number }
  | { ok: true; hostId: string; read: 'not-modified'; bootId: string | null; ms: number }
  | { ok: false; hostId: string; error: string; ms: number };

/** A 304 is asked for only this long after the last full read: the rows are never staler. */
export const FULL_READ_INTERVAL_MS = 5 * 60_000;

export interface SyncOptions {
  client?: AgentClient;
  readPowerWhenDown?: boolean;
  /** The poller's sync: may be answered 304 and skip the inventory (see the top of this file). */
  conditional?: boolean;
  /** Milliseconds since the epoch; tests move it forward. */
  clock?: () => number;
}

/** Hosts being synced right now: a poll and an on-demand sync of one host never overlap. */
const inFlight = new Map<string, { promise: Promise<SyncOutcome>; conditional: boolean }>();

export function syncHost(hostId: string, options: SyncOptions = {}): Promise<SyncOutcome> {
  const conditional = options.conditional === true;
  const running = inFlight.get(hostId);
  // A full read asked for during a poll (an operation reading back its change) waits for the
  // poll and reads again: the poll's 304 may predate the change.
  if (running && running.conditional && !conditional) {
    const again = () => syncHost(hostId, options);
    return running.promise.then(again, again);
  }
  if (running) return running.promise;
  const promise = runSync(hostId, options).finally(() => inFlight.delete(hostId));
  inFlight.set(hostId, { promise, conditional });
  return promise;
}

/** The ETags to send, when this sync may be answered 304. */
async function heldEtags(hostId: string, bootId: string | null, now: Date): Promise<{ inventory: string; vms: string } | null> {
  const host = await prisma.host.findUnique({ where: { id: hostId }, select: { agentStatus: true, bootId: true, inventoryEtag: true, vmsEtag: true, fullReadAt: true } });
  if (!host || host.agentStatus !== 'online' || host.bootId !== bootId || !host.inventoryEtag || !host.vmsEtag || !host.fullReadAt) return null;
  const age = now.getTime() - host.fullReadAt.getTime();
  if (age < 0 || age >= FULL_READ_INTERVAL_MS) return null;
  return { inventory: host.inventoryEtag, vms: host.vmsEtag };
}

async function runSync(hostId: string, options: SyncOptions): Promise<SyncOutcome> {
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
    const now = new Date(options.clock?.() ?? Date.now());
    const health = await client.health();
    const held = options.conditional ? await heldEtags(hostId, health.bootId, now) : null;
    const [tagged, vmsTagged] = await Promise.all([client.inventoryIfChanged(held?.inventory ?? null), client.vmsIfChanged(held?.vms ?? null)]);
    if (held && tagged.notModified && vmsTagged.notModified) {
      // Only if the row still holds these tags: a failed sync or another replica may have
      // cleared them meanwhile, and then this sync reads in full.
      const touched = await prisma.host.updateMany({
        where: { id: hostId, agentStatus: 'online', bootId: health.bootId, inventoryEtag: held.inventory, vmsEtag: held.vms },
        data: { lastSeenAt: now },
      });
      if (touched.count === 1) {
        if (await refreshBiosWhenDue(hostId)) await refreshCompliance(hostId);
        await refreshGuests(hostId, client, now);
        return { ok: true, hostId, read: 'not-modified', bootId: health.bootId, ms: ms() };
      }
    }
    // One of the two changed (or the row lost its tags): the other is read again in full.
    const inventory = tagged.notModified ? await client.inventoryIfChanged(null) : tagged;
    const vms = vmsTagged.notModified ? await client.vmsIfChanged(null) : vmsTagged;
    const summary = await applyInventory(hostId, { inventory: inventory.value, vms: vms.value, bootId: health.bootId, etags: { inventory: inventory.etag, vms: vms.etag } }, now);
    const biosRead = await refreshBiosWhenDue(hostId);
    await refreshGuests(hostId, client, now);
    // Policies judge the host again only when something about it changed.
    if (summary.written > 0 || biosRead) await refreshCompliance(hostId);
    return { ok: true, hostId, read: 'full', summary, bootId: health.bootId, ms: ms() };
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
  // The agent that comes back may be another (reinstalled, restored, a different boot): its
  // first answer is read in full.
  await prisma.host.updateMany({ where: { id: hostId }, data: { lastSyncError: reason, inventoryEtag: null, vmsEtag: null } });
}
