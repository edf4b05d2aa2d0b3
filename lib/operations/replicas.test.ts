// Replicas on one database: operations claimed by a live worker stay its own; a dead one's are
// taken over exactly once; SQLite refuses a second server process; a replica with another secrets
// key refuses to start. On SQLite and on PostgreSQL (the `postgresql` project).

import { spawn } from 'node:child_process';
import os from 'node:os';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateKey, parseKey } from '@/lib/crypto/secrets';
import { secretsKeyProblem } from '@/lib/crypto/key-check';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { shareOf } from '@/lib/sync/poller';
import { fleetShare, newReplicaIdentity, registerReplica, replicaStartProblem, retireReplica, takeOverOrphans } from './replicas';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.url;
});
afterAll(() => db?.dispose());
beforeEach(async () => {
  await db.prisma.operation.deleteMany();
  await db.prisma.replica.deleteMany();
});

async function runningOperation(claimedBy: string | null) {
  return db.prisma.operation.create({ data: { kind: 'set-vf-count', targetType: 'pf', targetId: 'pf-1', lane: `pf:${Math.random()}`, requestedBy: 'test', status: 'running', claimedBy } });
}

/** A process of this machine that has exited: its pid is free. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

/** A live replica (registered, as a worker is before it looks for orphans) taking over what it may. */
async function takeAll(self = newReplicaIdentity()) {
  await registerReplica(self, db.prisma);
  return takeOverOrphans(self, async () => true, db.prisma);
}

describe('operations between replicas', () => {
  it('leaves a live replica’s operations alone and takes a dead one’s, and unclaimed ones, once', async () => {
    const live = { id: 'live', hostname: 'other-host', pid: 1 };
    const stale = { id: 'stale', hostname: 'other-host', pid: 2 };
    await registerReplica(live, db.prisma);
    await db.prisma.replica.create({ data: { ...stale, heartbeatAt: new Date(Date.now() - 60_000) } });
    const kept = await runningOperation('live');
    const orphan = await runningOperation('stale');
    const legacy = await runningOperation(null);

    const [first, second] = await Promise.all([takeAll(), takeAll()]);
    expect([...first, ...second].sort()).toEqual([orphan.id, legacy.id].sort());
    expect(await db.prisma.operation.findUniqueOrThrow({ where: { id: kept.id } })).toMatchObject({ claimedBy: 'live', status: 'running' });
  });

  it('knows at once that a server killed on this machine is dead, whatever its heartbeat says', async () => {
    const killed = { id: 'killed', hostname: os.hostname(), pid: await deadPid() };
    await registerReplica(killed, db.prisma);
    const op = await runningOperation('killed');
    expect(await takeAll()).toEqual([op.id]);
  });

  it('a replica that stopped cleanly leaves its operations to the others at once', async () => {
    const stopping = newReplicaIdentity();
    await registerReplica(stopping, db.prisma);
    const op = await runningOperation(stopping.id);
    expect(await takeAll()).toEqual([]);
    await retireReplica(stopping, db.prisma);
    expect(await takeAll()).toEqual([op.id]);
  });
});

describe('polling with several replicas', () => {
  it('gives each live replica its own share of the hosts, every host in exactly one; alone or unseen, a replica polls all', async () => {
    const replicas = [newReplicaIdentity(), newReplicaIdentity(), newReplicaIdentity()];
    expect(await fleetShare(replicas[0]!, db.prisma)).toBeNull();
    for (const r of replicas) await registerReplica(r, db.prisma);
    await db.prisma.replica.create({ data: { id: 'gone', hostname: 'other-host', pid: 9, heartbeatAt: new Date(Date.now() - 60_000) } });
    const shares = await Promise.all(replicas.map((r) => fleetShare(r, db.prisma)));
    expect(shares.map((s) => s?.count)).toEqual([3, 3, 3]);
    expect(shares.map((s) => s!.index).sort()).toEqual([0, 1, 2]);

    const hostIds = Array.from({ length: 300 }, (_, i) => `cmhost${i.toString(36).padStart(6, '0')}x`);
    const polledBy = hostIds.map((id) => shares.filter((s) => shareOf(id, s!.count) === s!.index).length);
    expect(polledBy.every((n) => n === 1)).toBe(true);
    for (const share of shares) {
      const mine = hostIds.filter((id) => shareOf(id, 3) === share!.index).length;
      expect(mine, 'an even spread').toBeGreaterThan(60);
      expect(mine).toBeLessThan(140);
    }
  });
});

describe('starting a replica', () => {
  it('a second live server process is refused on SQLite only, naming it', async () => {
    await registerReplica({ id: 'elsewhere', hostname: 'kvm-mgmt-2', pid: 4242 }, db.prisma);
    const problem = await replicaStartProblem(db.prisma);
    if (db.provider === 'sqlite') expect(problem).toMatch(/^Another server \(pid 4242 on kvm-mgmt-2\) runs on this SQLite database\. .*use PostgreSQL/);
    else expect(problem).toBeNull();
    await db.prisma.replica.update({ where: { id: 'elsewhere' }, data: { heartbeatAt: new Date(Date.now() - 60_000) } });
    expect(await replicaStartProblem(db.prisma)).toBeNull();
  });

  it('refuses a secrets key other than the one the first server stored its check value with', async () => {
    await db.prisma.serverSetting.deleteMany();
    const first = parseKey(generateKey());
    expect(await secretsKeyProblem(db.prisma, first)).toBeNull();
    expect(await secretsKeyProblem(db.prisma, first)).toBeNull();
    expect(await secretsKeyProblem(db.prisma, parseKey(generateKey()))).toMatch(/is not the one this database's secrets were sealed with: every replica must use the same key/);
  });
});
