// Polls every host's agent on an interval with bounded concurrency. One round at a time: a round
// that takes longer than the interval delays the next instead of piling up; how long each round
// took and how late it started go to /metrics (lib/metrics/registry.ts).

import 'server-only';
import { prisma } from '@/lib/db/client';
import { recordSyncRound, type SyncHostOutcome } from '@/lib/metrics/registry';
import { syncHost, type SyncOutcome } from './sync-host';

export interface PollerOptions {
  intervalMs: number;
  concurrency: number;
  log?: (message: string) => void;
  /** One round over the fleet; tests give rounds of a known length. */
  round?: (concurrency: number) => Promise<SyncOutcome[]>;
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
export async function syncFleet(concurrency: number): Promise<SyncOutcome[]> {
  const hosts = await prisma.host.findMany({ select: { id: true }, orderBy: { name: 'asc' } });
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
    round = (options.round ?? syncFleet)(options.concurrency)
      .then((outcomes) => {
        const ended = Date.now();
        recordSyncRound({ durationMs: ended - started, latenessMs, hosts: outcomes.map(hostOutcome), endedAt: ended });
        const failed = outcomes.filter((o) => !o.ok).length;
        const unchanged = outcomes.filter((o) => o.ok && o.read === 'not-modified').length;
        options.log?.(`sync: ${outcomes.length} hosts in ${ended - started} ms, ${unchanged} unchanged (304), ${failed} unreachable`);
      })
      .catch((error: unknown) => options.log?.(`sync round failed: ${error instanceof Error ? error.message : String(error)}`))
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
