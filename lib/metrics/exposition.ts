// What a scrape of /metrics answers: the fleet gauges read from the database now, then every
// metric of the process in Prometheus's text format.

import 'server-only';
import { prisma } from '@/lib/db/client';
import { READINESS_VERDICTS } from '@/lib/inventory/readiness';
import { summarizeFleet } from '@/lib/inventory/fleet';
import { fleetGroups, guestCounts } from '@/lib/inventory/service';
import { AGENT_STATUSES } from '@/lib/inventory/vocabulary';
import { OPERATION_KINDS } from '@/lib/operations/kinds';
import { serverMetrics } from './registry';

const ACTIVE_OPERATION_STATUSES = ['queued', 'running'] as const;

/** Rollouts whose driver still moves them (lib/rollouts/driver.ts): finished ones have finishedAt. */
const ROLLOUT_STATUSES_IN_PROGRESS = ['running', 'paused', 'cancelled'] as const;

export async function refreshFleetGauges(): Promise<void> {
  const [groups, guests] = await Promise.all([fleetGroups(), guestCounts()]);
  const active = await prisma.operation.groupBy({ by: ['kind', 'status'], where: { status: { in: [...ACTIVE_OPERATION_STATUSES] } }, _count: { _all: true } });
  const rollouts = await prisma.rollout.groupBy({ by: ['status'], where: { finishedAt: null }, _count: { _all: true } });
  const m = serverMetrics();
  // Reset, then set: a combination no host has any more reads 0 (the known ones) or goes away.
  m.hosts.reset();
  for (const readiness of READINESS_VERDICTS) for (const agent of AGENT_STATUSES) m.hosts.set({ readiness, agent }, 0);
  for (const g of groups) m.hosts.inc({ readiness: g.verdict, agent: g.agentStatus }, g.hosts);
  const { vfs } = summarizeFleet(groups);
  m.vfsEnabled.set(vfs.enabled);
  m.vfsAssigned.set(vfs.assigned);
  m.vfsFree.set(vfs.free);
  m.vfsCapacity.set(vfs.capacity);
  // Not seen in all: drifting="true" plus drifting="false".
  m.vfsGuestNotSeen.set({ drifting: 'true' }, guests.drifted);
  m.vfsGuestNotSeen.set({ drifting: 'false' }, guests.notSeen - guests.drifted);
  m.operationsActive.reset();
  for (const kind of OPERATION_KINDS) for (const status of ACTIVE_OPERATION_STATUSES) m.operationsActive.set({ kind, status }, 0);
  for (const a of active) m.operationsActive.set({ kind: a.kind, status: a.status }, a._count._all);
  m.rollouts.reset();
  for (const status of ROLLOUT_STATUSES_IN_PROGRESS) m.rollouts.set({ status }, 0);
  for (const r of rollouts) m.rollouts.set({ status: r.status }, r._count._all);
}

export const METRICS_CONTENT_TYPE = serverMetrics().registry.contentType;

export async function metricsText(): Promise<string> {
  await refreshFleetGauges();
  return serverMetrics().registry.metrics();
}
