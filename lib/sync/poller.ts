// Polls every host's agent on an interval with bounded concurrency. One round at a time: a round
// that takes longer than the interval delays the next instead of piling up; how long each round
// took and how late it started go to /metrics (lib/metrics/registry.ts).

import 'server-only';
import { prisma } from '@/lib/db/client';
import { recordSyncRound, type SyncHostOutcome } from '@/lib/metrics/registry';
import { syncHost, type SyncOutcome } from './sync-host';
import type { Logger } from '@/lib/log';

/** This replica's part of the fleet: the hosts whose id hashes to `index` of `count` live replicas. */
export interface FleetShare {
  index: number;
  count: number;
}

export interface PollerOptions {
  intervalMs: number;
  concurrency: number;
  /** A summary of each round at debug level; a round that fails, at error. */
  log?: Logger;
  /** One round over the fleet; tests give rounds of a known length. */
  round?: (concurrency: number, share: FleetShare | null) => Promise<SyncOutcome[]>;
  /** With several replicas, which part of the fleet this one polls this round (null: all of it). */
  share?: () => Promise<FleetShare | null>;
}

/** FNV-1a over the host id: the same host lands on the same replica while the replicas stay the same. */
export function shareOf(hostId: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < hostId.length; i++) hash = Math.imul(hash ^ hostId.charCodeAt(i), 0x01000193) >>> 0;
  return hash % count;
}

export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  });
  await Promise.all(workers);
  return results;
}

/** One round over the fleet; a host whose sync throws (not just fails) is reported, not fatal. */
export async function syncFleet(concurrency: number, share: FleetShare | null = null): Promise<SyncOutcome[]> {
  const all = await prisma.host.findMany({ select: { id: true }, orderBy: { name: 'asc' } });
  const hosts = share && share.count > 1 ? all.filter((h) => shareOf(h.id, share.count) === share.index) : all;
  return mapLimited(hosts, concurrency, async ({ id }) => {
    try {
      return await syncHost(id, { conditional: true });
    } catch (error) {
      return { ok: false, hostId: id, error: error instanceof Error ? error.message : String(error), ms: 0 } satisfies SyncOutcome;
    }
  });
}

export function startPoller(options: PollerOptions): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let round: Promise<unknown> = Promise.resolve();
  // When this round should start: the previous one's start plus the interval (none for the first).
  let due: number | null = null;
  const tick = (): void => {
    if (stopped) return;
    const started = Date.now();
    const latenessMs = due === null ? null : started - due;
    due = started + options.intervalMs;
    round = (options.share?.() ?? Promise.resolve(null))
      // A share that cannot be read (the database is away) polls everything: a host polled twice costs little, one not polled hides a change.
      .catch(() => null)
      .then((share) => (options.round ?? syncFleet)(options.concurrency, share))
      .then((outcomes) => {
        const ended = Date.now();
        recordSyncRound({ durationMs: ended - started, latenessMs, hosts: outcomes.map(hostOutcome), endedAt: ended });
        const failed = outcomes.filter((o) => !o.ok).length;
        const unchanged = outcomes.filter((o) => o.ok && o.read === 'not-modified').length;
        options.log?.debug({ hosts: outcomes.length, ms: ended - started, unchanged, unreachable: failed }, 'sync round');
      })
      .catch((error: unknown) => options.log?.error({ err: error }, 'sync round failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, Math.max(0, options.intervalMs - (Date.now() - started)));
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await round;
    },
  };
}

function hostOutcome(outcome: SyncOutcome): SyncHostOutcome {
  return outcome.ok ? outcome.read : 'failed';
}
