// The server's Prometheus metrics (prom-client), served at /metrics (app/metrics/route.ts).
// Counters and histograms are this process's own: with several replicas they add up (sum). The
// fleet gauges are read from the database at each scrape (./exposition.ts), so every replica
// reports the same fleet: aggregate them with max, not sum.
//
// One registry per process, kept on globalThis: instrumentation (the poller and the worker) and
// the app routes are compiled into separate bundles of the Next server and would otherwise each
// get a registry of their own, the route's never seeing what the worker counted.

import 'server-only';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { OPERATION_KINDS } from '@/lib/operations/kinds';

export const OPERATION_OUTCOMES = ['succeeded', 'failed'] as const;
export type OperationOutcome = (typeof OPERATION_OUTCOMES)[number];

/** A host's part of a poll round: read in full, answered 304, or not synced (agent unreachable, an error). */
export const SYNC_OUTCOMES = ['full', 'not-modified', 'failed'] as const;
export type SyncHostOutcome = (typeof SYNC_OUTCOMES)[number];

function create() {
  const registry = new Registry();
  // Process CPU, memory, event loop lag, GC: prom-client's defaults, read at each scrape.
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const metrics = {
    registry,
    hosts: new Gauge({ name: 'sriov_fleet_hosts', help: 'Hosts in the inventory by readiness verdict and agent status (from the database: with several replicas, take the max)', labelNames: ['readiness', 'agent'] as const, registers }),
    vfsEnabled: new Gauge({ name: 'sriov_fleet_vfs_enabled', help: 'VFs enabled across the fleet, as the agents last reported (from the database)', registers }),
    vfsAssigned: new Gauge({ name: 'sriov_fleet_vfs_assigned', help: 'VFs held by a VM across the fleet (from the database)', registers }),
    vfsFree: new Gauge({ name: 'sriov_fleet_vfs_free', help: 'VFs enabled and held by no VM across the fleet (from the database)', registers }),
    vfsCapacity: new Gauge({ name: 'sriov_fleet_vfs_capacity', help: 'VFs the fleet\'s PFs could enable (sriov_totalvfs summed; from the database)', registers }),
    vfsGuestNotSeen: new Gauge({ name: 'sriov_fleet_vfs_not_seen_by_guest', help: 'VFs assigned to running VMs whose guest answered without them; drifting: not seen for over 3 minutes (from the database)', labelNames: ['drifting'] as const, registers }),
    operationsActive: new Gauge({ name: 'sriov_fleet_operations_active', help: 'Operations queued or running, by kind (from the database)', labelNames: ['kind', 'status'] as const, registers }),
    rollouts: new Gauge({ name: 'sriov_fleet_rollouts_in_progress', help: 'Rollouts not finished, by status: running, paused, or cancelled with hosts still on their way (from the database)', labelNames: ['status'] as const, registers }),
    operations: new Counter({ name: 'sriov_fleet_operations_total', help: 'Operations this process ended, by kind and outcome', labelNames: ['kind', 'outcome'] as const, registers }),
    operationDuration: new Histogram({
      name: 'sriov_fleet_operation_duration_seconds',
      help: 'From the first attempt\'s start to the end, retries and reboots included, of operations this process ended',
      labelNames: ['kind', 'outcome'] as const,
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 900, 1800],
      registers,
    }),
    syncRound: new Histogram({ name: 'sriov_fleet_sync_round_duration_seconds', help: 'How long a poll round over every agent takes', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 120], registers }),
    syncLateness: new Histogram({
      name: 'sriov_fleet_sync_round_lateness_seconds',
      help: 'How long after its time (the previous round\'s start plus SYNC_INTERVAL_MS) a poll round starts: a round that overruns delays the next',
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 300],
      registers,
    }),
    syncLastRound: new Gauge({ name: 'sriov_fleet_sync_last_round_timestamp_seconds', help: 'When this process last finished a poll round (Unix time); alert when it falls behind', registers }),
    syncHosts: new Counter({ name: 'sriov_fleet_sync_hosts_total', help: 'Host syncs by the poller: read in full, answered 304 (unchanged), or failed (agent unreachable)', labelNames: ['outcome'] as const, registers }),
  };
  // Every series a rate() is taken of exists from the start, at 0.
  for (const kind of OPERATION_KINDS) for (const outcome of OPERATION_OUTCOMES) metrics.operations.inc({ kind, outcome }, 0);
  for (const outcome of SYNC_OUTCOMES) metrics.syncHosts.inc({ outcome }, 0);
  return metrics;
}

export type ServerMetrics = ReturnType<typeof create>;

const KEY = Symbol.for('sriov-fleet.metrics');
type Holder = { [KEY]?: ServerMetrics };

export function serverMetrics(): ServerMetrics {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= create());
}

/** An operation reached its end state (lib/operations/worker.ts, the one place that happens). */
export function recordOperationEnd(kind: string, outcome: OperationOutcome, startedAt: Date | null, finishedAt: Date): void {
  const m = serverMetrics();
  m.operations.inc({ kind, outcome });
  if (startedAt) m.operationDuration.observe({ kind, outcome }, Math.max(0, finishedAt.getTime() - startedAt.getTime()) / 1000);
}

/** A poll round ended (lib/sync/poller.ts): its duration, how late it started, each host's outcome. */
export function recordSyncRound(round: { durationMs: number; latenessMs: number | null; hosts: readonly SyncHostOutcome[]; endedAt: number }): void {
  const m = serverMetrics();
  m.syncRound.observe(round.durationMs / 1000);
  if (round.latenessMs !== null) m.syncLateness.observe(Math.max(0, round.latenessMs) / 1000);
  for (const outcome of SYNC_OUTCOMES) {
    const count = round.hosts.filter((h) => h === outcome).length;
    if (count > 0) m.syncHosts.inc({ outcome }, count);
  }
  m.syncLastRound.set(round.endedAt / 1000);
}
