// Server processes sharing one database. Each operations worker is a replica: a row with a
// heartbeat. An operation it claims carries its id (Operation.claimedBy) and stays its own while
// the heartbeat is fresh; once the heartbeat is stale (the process died or lost the database), any
// live replica takes the operation over and resumes it, as a restarted server does: the reset
// steps record whether the reset went out, so it is never sent twice (lib/operations/reset.ts).
//
// A replica known dead sooner: one on this machine whose process is gone (a server killed and
// started again here does not wait for the lease), and one that stopped cleanly (its row is gone).
//
// SQLite is for one server process: a second one on the same file refuses to start.

import 'server-only';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { prisma } from '@/lib/db/client';
import { processDatabase } from '@/lib/db/provider';

/** How often a replica says it is alive. */
export const HEARTBEAT_MS = 5_000;
/** A heartbeat older than this is a dead replica (REPLICA_LEASE_MS, default 30 s). */
export function leaseMs(): number {
  const raw = Number(process.env.REPLICA_LEASE_MS);
  return Number.isInteger(raw) && raw > 0 ? raw : 30_000;
}

export interface ReplicaIdentity {
  id: string;
  hostname: string;
  pid: number;
}

export function newReplicaIdentity(): ReplicaIdentity {
  return { id: randomUUID(), hostname: os.hostname(), pid: process.pid };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface ReplicaRow {
  id: string;
  hostname: string;
  pid: number;
  heartbeatAt: Date;
}

/** Alive: a fresh heartbeat, and not a process of this machine that no longer exists. */
export function isAlive(row: ReplicaRow, now = Date.now()): boolean {
  if (now - row.heartbeatAt.getTime() > leaseMs()) return false;
  return row.hostname !== os.hostname() || processAlive(row.pid);
}

export async function liveReplicas(db: PrismaClient = prisma): Promise<ReplicaRow[]> {
  const rows = await db.replica.findMany({ where: { heartbeatAt: { gt: new Date(Date.now() - leaseMs()) } }, select: { id: true, hostname: true, pid: true, heartbeatAt: true } });
  return rows.filter((row) => isAlive(row));
}

/**
 * Why this process may not run a worker on this database, or null. On SQLite: another live server
 * process on the file (several replicas need PostgreSQL).
 */
export async function replicaStartProblem(db: PrismaClient = prisma): Promise<string | null> {
  if (processDatabase() === 'postgresql') return null;
  const others = (await liveReplicas(db)).filter((row) => !(row.hostname === os.hostname() && row.pid === process.pid));
  const other = others[0];
  if (!other) return null;
  return `Another server (pid ${other.pid} on ${other.hostname}) runs on this SQLite database. SQLite takes one server process; to run several replicas, use PostgreSQL (DATABASE_URL=postgresql://…, see README "PostgreSQL").`;
}

export async function registerReplica(identity: ReplicaIdentity, db: PrismaClient = prisma): Promise<void> {
  await db.replica.upsert({
    where: { id: identity.id },
    create: { ...identity, heartbeatAt: new Date() },
    update: { heartbeatAt: new Date() },
  });
}

/** Says this replica is alive; forgets replicas dead for a long time (their operations were taken over long ago). */
export async function beat(identity: ReplicaIdentity, db: PrismaClient = prisma): Promise<void> {
  await registerReplica(identity, db);
  await db.replica.deleteMany({ where: { heartbeatAt: { lt: new Date(Date.now() - 10 * leaseMs()) } } });
}

/** A clean stop: the replica's running operations are orphans now, for another to take over at once. */
export async function retireReplica(identity: ReplicaIdentity, db: PrismaClient = prisma): Promise<void> {
  await db.replica.deleteMany({ where: { id: identity.id } });
}

/**
 * Running operations whose replica is not alive (or unknown: claimed before replicas existed),
 * each handed back to the queue at most once: the update is conditional on the dead claim, so two
 * replicas taking over at the same moment cannot both get it. Returns the ones this call took.
 */
export async function takeOverOrphans(self: ReplicaIdentity, onOrphan: (op: { id: string; kind: string }) => Promise<boolean>, db: PrismaClient = prisma): Promise<string[]> {
  const live = new Set((await liveReplicas(db)).map((r) => r.id));
  live.add(self.id);
  const running = await db.operation.findMany({ where: { status: 'running' }, select: { id: true, kind: true, claimedBy: true } });
  const taken: string[] = [];
  for (const op of running) {
    if (op.claimedBy !== null && live.has(op.claimedBy)) continue;
    const claimed = await db.operation.updateMany({ where: { id: op.id, status: 'running', claimedBy: op.claimedBy }, data: { claimedBy: self.id } });
    if (claimed.count === 1 && (await onOrphan(op))) taken.push(op.id);
  }
  return taken;
}

/**
 * This replica's part of the fleet for the poller: its place among the live replicas by id. Null
 * (poll everything) when it is alone or not seen alive itself.
 */
export async function fleetShare(self: ReplicaIdentity, db: PrismaClient = prisma): Promise<{ index: number; count: number } | null> {
  const ids = (await liveReplicas(db)).map((r) => r.id).sort();
  const index = ids.indexOf(self.id);
  return index < 0 || ids.length < 2 ? null : { index, count: ids.length };
}
