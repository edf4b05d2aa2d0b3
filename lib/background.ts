// What runs beside the server: the poller that keeps the inventory true to the agents, and the
// operations worker. Started once per server process (instrumentation.ts).

import 'server-only';
import { env } from '@/lib/env';
import { startPoller } from '@/lib/sync/poller';
import { DEFAULT_WORKER_OPTIONS, startWorker } from '@/lib/operations/worker';
import { startRolloutDriver } from '@/lib/rollouts/driver';
import { fleetShare } from '@/lib/operations/replicas';
import { log } from '@/lib/log';

const KEY = Symbol.for('sriov-fleet.background');
type Holder = { [KEY]?: { stop(): Promise<void> } };

export function startBackground(): void {
  const holder = globalThis as Holder;
  if (holder[KEY] || !env.backgroundEnabled) return;
  const worker = startWorker({
    ...DEFAULT_WORKER_OPTIONS,
    concurrency: env.workerConcurrency,
    maxAttempts: env.workerMaxAttempts,
    retryBaseMs: env.workerRetryBaseMs,
    timing: { ...DEFAULT_WORKER_OPTIONS.timing, resetTimeoutMs: env.resetTimeoutMs },
    log,
  });
  const rollouts = startRolloutDriver({ pollMs: env.rolloutPollMs, log, owner: worker.replica.id });
  // With several replicas, each polls its share of the hosts (by host id among the live replicas).
  const poller = startPoller({ intervalMs: env.syncIntervalMs, concurrency: env.syncConcurrency, log, share: () => fleetShare(worker.replica) });
  holder[KEY] = {
    async stop() {
      await Promise.all([worker.stop(), poller.stop(), rollouts.stop()]);
    },
  };
  log.info({ replica: worker.replica.id, syncIntervalMs: env.syncIntervalMs, syncConcurrency: env.syncConcurrency }, `background: polling agents every ${env.syncIntervalMs / 1000} s (${env.syncConcurrency} at once); operations worker running`);
}
