// /metrics as Prometheus reads it, on a real migrated SQLite with the demo fleet seeded: the fleet
// gauges equal what the rows hold, operations are counted where they end (the worker), and the
// poller times its rounds and how late they start.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '@/lib/crypto/secrets';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { seedDemoFleet } from '@/lib/demo/seed-fleet';
import { parseExposition, sampleValue } from '@/lib/testing/prometheus-text';

process.env.SECRETS_KEY ??= generateKey();
let db: TestDatabase;
let exposition: typeof import('./exposition');

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.url;
  await seedDemoFleet(db.prisma);
  exposition = await import('./exposition');
}, 60_000);
afterAll(() => db?.dispose());

const scrape = async () => parseExposition(await exposition.metricsText());

function operation(kind: string, status: string, lane: string) {
  return db.prisma.operation.create({ data: { kind, status, lane, targetType: 'pf', targetId: lane, requestedBy: 'alice' } });
}

describe('the fleet gauges', () => {
  it('count hosts by readiness verdict and agent status as the host rows do, every combination present', async () => {
    const hosts = await db.prisma.host.findMany({ select: { readinessVerdict: true, agentStatus: true } });
    expect(hosts.length).toBeGreaterThan(10);
    const metrics = await scrape();
    const reported = metrics.samples.filter((s) => s.name === 'sriov_fleet_hosts');
    expect(reported).toHaveLength(3 * 3);
    for (const s of reported) {
      expect(s.value, JSON.stringify(s.labels)).toBe(hosts.filter((h) => h.readinessVerdict === s.labels.readiness && h.agentStatus === s.labels.agent).length);
    }
    expect(reported.reduce((n, s) => n + s.value, 0)).toBe(hosts.length);
    // The demo fleet has more than one kind of host: the gauges are not all in one cell.
    expect(reported.filter((s) => s.value > 0).length).toBeGreaterThan(1);
  });

  it('add up VFs from the PFs and assignments themselves', async () => {
    const pfs = await db.prisma.physicalFunction.findMany({ select: { currentVfs: true, totalVfs: true } });
    const enabled = pfs.reduce((n, pf) => n + pf.currentVfs, 0);
    const assigned = await db.prisma.assignment.count();
    expect(assigned).toBeGreaterThan(0);
    const metrics = await scrape();
    expect(sampleValue(metrics, 'sriov_fleet_vfs_enabled')).toBe(enabled);
    expect(sampleValue(metrics, 'sriov_fleet_vfs_assigned')).toBe(assigned);
    expect(sampleValue(metrics, 'sriov_fleet_vfs_free')).toBe(enabled - assigned);
    expect(sampleValue(metrics, 'sriov_fleet_vfs_capacity')).toBe(pfs.reduce((n, pf) => n + pf.totalVfs, 0));
  });

  it('count the VFs their guest does not show, drifting once not seen for over 3 minutes', async () => {
    const [first, second] = await db.prisma.assignment.findMany({ where: { vm: { state: 'running' } }, take: 2, select: { id: true } });
    if (!first || !second) throw new Error('the demo fleet has fewer than two VFs on running VMs');
    const before = await db.prisma.assignment.findMany({ select: { id: true, guestSeen: true, guestNotSeenSince: true } });
    try {
      await db.prisma.assignment.updateMany({ data: { guestSeen: 'seen', guestNotSeenSince: null } });
      await db.prisma.assignment.update({ where: { id: first.id }, data: { guestSeen: 'not-seen', guestNotSeenSince: new Date() } });
      await db.prisma.assignment.update({ where: { id: second.id }, data: { guestSeen: 'not-seen', guestNotSeenSince: new Date(Date.now() - 10 * 60_000) } });
      const metrics = await scrape();
      expect(sampleValue(metrics, 'sriov_fleet_vfs_not_seen_by_guest', { drifting: 'false' })).toBe(1);
      expect(sampleValue(metrics, 'sriov_fleet_vfs_not_seen_by_guest', { drifting: 'true' })).toBe(1);
    } finally {
      for (const a of before) await db.prisma.assignment.update({ where: { id: a.id }, data: { guestSeen: a.guestSeen, guestNotSeenSince: a.guestNotSeenSince } });
    }
  });

  it('follow the database from one scrape to the next: a host going offline moves between cells', async () => {
    const host = await db.prisma.host.findFirstOrThrow({ where: { agentStatus: 'online', readinessVerdict: 'ready' }, select: { id: true } });
    const before = await scrape();
    const online = sampleValue(before, 'sriov_fleet_hosts', { readiness: 'ready', agent: 'online' })!;
    const offline = sampleValue(before, 'sriov_fleet_hosts', { readiness: 'ready', agent: 'offline' })!;
    await db.prisma.host.update({ where: { id: host.id }, data: { agentStatus: 'offline' } });
    try {
      const after = await scrape();
      expect(sampleValue(after, 'sriov_fleet_hosts', { readiness: 'ready', agent: 'online' })).toBe(online - 1);
      expect(sampleValue(after, 'sriov_fleet_hosts', { readiness: 'ready', agent: 'offline' })).toBe(offline + 1);
    } finally {
      await db.prisma.host.update({ where: { id: host.id }, data: { agentStatus: 'online' } });
    }
  });

  it('count operations queued and running by kind, and rollouts not finished by status', async () => {
    await operation('set-vf-count', 'queued', 'pf:gauge-1');
    await operation('set-vf-count', 'queued', 'pf:gauge-2');
    await operation('reset-host', 'running', 'host:gauge-3');
    await operation('assign-vf', 'succeeded', 'pf:gauge-4');
    const plan = await db.prisma.plan.create({ data: { scope: '{}', document: '{}', fingerprints: '{}', computedBy: 'alice' } });
    for (const [status, finishedAt] of [['running', null], ['paused', null], ['cancelled', null], ['halted', new Date()], ['done', new Date()]] as const) {
      await db.prisma.rollout.create({ data: { planId: plan.id, status, options: '{}', createdBy: 'alice', finishedAt } });
    }
    const metrics = await scrape();
    expect(sampleValue(metrics, 'sriov_fleet_operations_active', { kind: 'set-vf-count', status: 'queued' })).toBe(2);
    expect(sampleValue(metrics, 'sriov_fleet_operations_active', { kind: 'reset-host', status: 'running' })).toBe(1);
    expect(sampleValue(metrics, 'sriov_fleet_operations_active', { kind: 'assign-vf', status: 'queued' })).toBe(0);
    expect(metrics.samples.filter((s) => s.name === 'sriov_fleet_operations_active' && s.labels.status === 'succeeded')).toEqual([]);
    expect(metrics.samples.filter((s) => s.name === 'sriov_fleet_rollouts_in_progress').map((s) => [s.labels.status, s.value])).toEqual([
      ['running', 1],
      ['paused', 1],
      ['cancelled', 1],
    ]);
    await db.prisma.operation.deleteMany({ where: { targetId: { contains: 'gauge-' } } });
    await db.prisma.plan.delete({ where: { id: plan.id } });
  });

  it('answer in the text format Prometheus reads, with the process metrics beside them', async () => {
    expect(exposition.METRICS_CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8');
    const metrics = await scrape();
    expect(metrics.types.get('sriov_fleet_hosts')).toBe('gauge');
    expect(metrics.types.get('sriov_fleet_operations_total')).toBe('counter');
    expect(metrics.types.get('sriov_fleet_operation_duration_seconds')).toBe('histogram');
    expect(metrics.types.get('process_resident_memory_bytes')).toBe('gauge');
  });
});

describe('operations, counted where they end', () => {
  it('counts an operation the worker fails, by kind and outcome, with its duration', async () => {
    const { DEFAULT_WORKER_OPTIONS, startWorker } = await import('@/lib/operations/worker');
    const labels = { kind: 'set-vf-count', outcome: 'failed' };
    const before = await scrape();
    const failed = sampleValue(before, 'sriov_fleet_operations_total', labels)!;
    const timed = sampleValue(before, 'sriov_fleet_operation_duration_seconds_count', labels) ?? 0;
    // No host: the worker fails it at once, without retrying, through its one way to an end.
    const op = await db.prisma.operation.create({ data: { kind: 'set-vf-count', lane: 'pf:no-host', targetType: 'pf', targetId: 'no-host', params: '{"numVfs":4}', requestedBy: 'alice' } });
    const worker = startWorker({ ...DEFAULT_WORKER_OPTIONS, pollMs: 20 });
    await worker.idle();
    await worker.stop({ drain: true });
    expect((await db.prisma.operation.findUniqueOrThrow({ where: { id: op.id } })).status).toBe('failed');
    const after = await scrape();
    expect(sampleValue(after, 'sriov_fleet_operations_total', labels)).toBe(failed + 1);
    expect(sampleValue(after, 'sriov_fleet_operation_duration_seconds_count', labels)).toBe(timed + 1);
    expect(sampleValue(after, 'sriov_fleet_operation_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(timed + 1);
    // Nothing else was counted.
    expect(sampleValue(after, 'sriov_fleet_operations_total', { kind: 'set-vf-count', outcome: 'succeeded' })).toBe(sampleValue(before, 'sriov_fleet_operations_total', { kind: 'set-vf-count', outcome: 'succeeded' }));
  });
});

describe('the poller', () => {
  it('times each round, and how late a round starts when the one before overran the interval', async () => {
    const { startPoller } = await import('@/lib/sync/poller');
    const before = await scrape();
    const rounds = sampleValue(before, 'sriov_fleet_sync_round_duration_seconds_count') ?? 0;
    const lateRounds = sampleValue(before, 'sriov_fleet_sync_round_lateness_seconds_count') ?? 0;
    const lateSum = sampleValue(before, 'sriov_fleet_sync_round_lateness_seconds_sum') ?? 0;
    let calls = 0;
    // Rounds of 150 ms against an interval of 50 ms: each one after the first starts ~100 ms late.
    const poller = startPoller({
      intervalMs: 50,
      concurrency: 1,
      round: async () => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 150));
        return [{ ok: false, hostId: 'h1', error: 'unreachable', ms: 150 }, { ok: true, hostId: 'h2', read: 'not-modified', bootId: null, ms: 1 }];
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 700));
    await poller.stop();
    const after = await scrape();
    const newRounds = sampleValue(after, 'sriov_fleet_sync_round_duration_seconds_count')! - rounds;
    expect(newRounds).toBe(calls);
    expect(newRounds).toBeGreaterThanOrEqual(3);
    // The first round has no time it was due at.
    const newLate = sampleValue(after, 'sriov_fleet_sync_round_lateness_seconds_count')! - lateRounds;
    expect(newLate).toBe(newRounds - 1);
    const meanLateness = (sampleValue(after, 'sriov_fleet_sync_round_lateness_seconds_sum')! - lateSum) / newLate;
    expect(meanLateness).toBeGreaterThan(0.08);
    expect(meanLateness).toBeLessThan(0.5);
    expect(sampleValue(after, 'sriov_fleet_sync_round_lateness_seconds_bucket', { le: '0.05' })).toBe(sampleValue(before, 'sriov_fleet_sync_round_lateness_seconds_bucket', { le: '0.05' }));
    expect(sampleValue(after, 'sriov_fleet_sync_hosts_total', { outcome: 'failed' })).toBe(sampleValue(before, 'sriov_fleet_sync_hosts_total', { outcome: 'failed' })! + calls);
    expect(sampleValue(after, 'sriov_fleet_sync_hosts_total', { outcome: 'not-modified' })).toBe(sampleValue(before, 'sriov_fleet_sync_hosts_total', { outcome: 'not-modified' })! + calls);
    expect(Math.abs(sampleValue(after, 'sriov_fleet_sync_last_round_timestamp_seconds')! - Date.now() / 1000)).toBeLessThan(1);
  });

  it('starts a round on time when the one before took less than the interval', async () => {
    const { startPoller } = await import('@/lib/sync/poller');
    const before = await scrape();
    const count = sampleValue(before, 'sriov_fleet_sync_round_lateness_seconds_count') ?? 0;
    const sum = sampleValue(before, 'sriov_fleet_sync_round_lateness_seconds_sum') ?? 0;
    const poller = startPoller({ intervalMs: 60, concurrency: 1, round: async () => [] });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await poller.stop();
    const after = await scrape();
    const late = sampleValue(after, 'sriov_fleet_sync_round_lateness_seconds_count')! - count;
    expect(late).toBeGreaterThanOrEqual(3);
    // Timer jitter only.
    expect((sampleValue(after, 'sriov_fleet_sync_round_lateness_seconds_sum')! - sum) / late).toBeLessThan(0.03);
  });
});
