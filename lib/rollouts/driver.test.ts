// The rollout driver between replicas: a rollout is driven by the replica holding its lease, and
// every write the driver makes is conditional on still holding it. A database trigger plays the
// other replica: the moment replica A claims the rollout, B takes it, as if A had stalled right
// after its claim past the lease. A must then leave the rollout alone: no host started, no
// operation queued. On SQLite and on PostgreSQL (the `postgresql` project).

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import type { Logger } from '@/lib/log';
import { startRolloutDriver } from './driver';
import type { Step } from './steps';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.url;
});
afterAll(() => db?.dispose());
beforeEach(async () => {
  await db.prisma.$executeRawUnsafe(db.provider === 'postgresql' ? 'DROP TRIGGER IF EXISTS taken_over ON "Rollout"' : 'DROP TRIGGER IF EXISTS taken_over');
  await db.prisma.operation.deleteMany();
  await db.prisma.rollout.deleteMany();
  await db.prisma.plan.deleteMany();
  await db.prisma.host.deleteMany();
});

/** One online host with one SR-IOV PF, and a running rollout that sets the PF's VF count. */
async function rolloutOfOneHost(): Promise<{ rolloutId: string; hostRowId: string }> {
  const host = await db.prisma.host.create({
    data: { name: 'kvm-01', model: 'ProLiant DL380 Gen10', generation: 'Gen10', serialNumber: 'SN-01', cpuVendor: 'Intel', agentUrl: 'https://127.0.0.1:1', agentStatus: 'online', lastSeenAt: new Date() },
  });
  const pf = await db.prisma.physicalFunction.create({ data: { hostId: host.id, pciAddress: '0000:5e:00.0', vendorId: '8086', deviceId: '1572', modelName: 'X710', totalVfs: 8 } });
  const plan = await db.prisma.plan.create({ data: { scope: 'test', document: '{}', fingerprints: '{}', computedBy: 'test' } });
  const steps: Step[] = [{ id: 'vf-count', label: 'VF counts', disruptive: false, status: 'waiting', ops: [{ op: { kind: 'set-vf-count', pfId: pf.id, numVfs: 4 } }] }];
  const rollout = await db.prisma.rollout.create({
    data: { planId: plan.id, status: 'running', options: JSON.stringify({ canary: 1 }), createdBy: 'admin', hosts: { create: { hostId: host.id, hostName: host.name, wave: 0, steps: JSON.stringify(steps) } } },
    include: { hosts: true },
  });
  return { rolloutId: rollout.id, hostRowId: rollout.hosts[0]!.id };
}

/** Replica B takes the rollout over at the moment replica A claims it. */
async function takenOverOnClaimByA(): Promise<void> {
  if (db.provider === 'postgresql') {
    await db.prisma.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION taken_over() RETURNS trigger AS $$ BEGIN IF NEW."leaseOwner" = 'A' THEN NEW."leaseOwner" := 'B'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
    await db.prisma.$executeRawUnsafe(`CREATE TRIGGER taken_over BEFORE UPDATE ON "Rollout" FOR EACH ROW EXECUTE FUNCTION taken_over()`);
  } else {
    await db.prisma.$executeRawUnsafe(`CREATE TRIGGER taken_over AFTER UPDATE OF "leaseOwner" ON "Rollout" WHEN NEW."leaseOwner" = 'A' BEGIN UPDATE "Rollout" SET "leaseOwner" = 'B' WHERE "id" = NEW."id"; END`);
  }
}

function recordingLog(): { log: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const ignore = () => undefined;
  const log = { warn: (_: unknown, message: string) => void warnings.push(message), info: ignore, error: ignore, debug: ignore } as unknown as Logger;
  return { log, warnings };
}

const queued = (rolloutId: string) => db.prisma.operation.findMany({ where: { rolloutId }, select: { kind: true, requestedBy: true } });

describe('the rollout driver between replicas', () => {
  it('holding the lease, starts the host and queues its step', async () => {
    const { rolloutId, hostRowId } = await rolloutOfOneHost();
    const driver = startRolloutDriver({ pollMs: 3_600_000, owner: 'A' });
    try {
      await driver.tick();
    } finally {
      await driver.stop();
    }
    expect(await queued(rolloutId)).toEqual([expect.objectContaining({ kind: 'set-vf-count' })]);
    expect(await db.prisma.rolloutHost.findUniqueOrThrow({ where: { id: hostRowId } })).toMatchObject({ state: 'running', reason: 'VF counts' });
    expect(await db.prisma.rollout.findUniqueOrThrow({ where: { id: rolloutId } })).toMatchObject({ leaseOwner: 'A' });
  });

  it('taken over right after its claim, leaves the rollout to the other replica, which carries it on once', async () => {
    const { rolloutId, hostRowId } = await rolloutOfOneHost();
    await takenOverOnClaimByA();
    const { log, warnings } = recordingLog();
    const stale = startRolloutDriver({ pollMs: 3_600_000, owner: 'A', log });
    try {
      await stale.tick();
    } finally {
      await stale.stop();
    }
    expect(warnings).toEqual(['rollout taken over by another replica while this one was not answering: left to it']);
    expect(await queued(rolloutId)).toEqual([]);
    expect(await db.prisma.rolloutHost.findUniqueOrThrow({ where: { id: hostRowId } })).toMatchObject({ state: 'waiting', startedAt: null });

    const taker = startRolloutDriver({ pollMs: 3_600_000, owner: 'B' });
    try {
      await taker.tick();
      await taker.tick();
    } finally {
      await taker.stop();
    }
    expect(await queued(rolloutId)).toEqual([expect.objectContaining({ kind: 'set-vf-count' })]);
    expect(await db.prisma.rolloutHost.findUniqueOrThrow({ where: { id: hostRowId } })).toMatchObject({ state: 'running' });
  });
});
