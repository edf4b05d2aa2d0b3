// The operations worker, started with the server (instrumentation.ts). It takes queued operations
// oldest first, one at a time per lane (a PF, or a whole host for BIOS and power), at most
// `concurrency` at work at once (a reset waiting for its host to boot is not at work), carries them
// out, retries transient failures with exponential backoff, and ends each one succeeded or failed
// with an audit record of before and after. At start it picks up what a previous server left:
// queued operations run; running ones are resumed (every agent call is idempotent, and a reset
// that was already sent resumes waiting for the host instead of resetting again).
//
// Fencing: every write a worker makes to an operation it runs is conditional on still holding it
// (status running, claimed by this replica). A replica that stalled past its lease (a long GC, a
// stopped VM, SIGSTOP) and wakes after another took its operation over finds its next write refused
// and drops the operation without another word: no second end, no audit record, no further step
// (in a reset, the row is written just before the iLO request, so a stale replica never sends it).

import 'server-only';
import { prisma } from '@/lib/db/client';
import type { Prisma } from '@/lib/generated/prisma/client';
import { whenDatabaseAnswers } from '@/lib/db/unavailable';
import { recordAudit } from '@/lib/audit';
import { classify, execute, type ExecutionTiming, OperationFailure } from './execute';
import { type OperationKind, type OperationParams, OPERATION_KINDS, parseParams } from './kinds';
import { startBackgroundLoop, wake } from '@/lib/background-loop';
import { recordOperationEnd } from '@/lib/metrics/registry';
import type { Logger } from '@/lib/log';
import { beat, HEARTBEAT_MS, newReplicaIdentity, retireReplica, takeOverOrphans, type ReplicaIdentity } from './replicas';

export interface WorkerOptions {
  /** Operations carried out at once across the fleet (each still alone in its lane). */
  concurrency: number;
  /** How often the queue is looked at when nothing signals. */
  pollMs: number;
  maxAttempts: number;
  /** First retry delay; doubled at each attempt. */
  retryBaseMs: number;
  timing: ExecutionTiming;
  log?: Logger;
}

export const DEFAULT_WORKER_OPTIONS: WorkerOptions = {
  concurrency: 8,
  pollMs: 1_000,
  maxAttempts: 5,
  retryBaseMs: 2_000,
  timing: { resetTimeoutMs: 15 * 60_000, pollMs: 2_000 },
};

export interface Worker {
  /** This worker's row among the replicas sharing the database. */
  replica: ReplicaIdentity;
  /** Runs one pass over the queue now (tests and the wake-up signal use it). */
  kick(): void;
  /** Resolves when nothing is running or runnable (tests). */
  idle(): Promise<void>;
  /** Stops taking operations; running ones finish only with `drain` (else a restart resumes them). */
  stop(options?: { drain?: boolean }): Promise<void>;
}

interface Claimable {
  id: string;
  kind: string;
  lane: string;
  hostId: string | null;
}

/** May this operation start while these are running? A lane runs one at a time; a host lane waits for the host's PF lanes and blocks them. */
export function canStart(op: Claimable, running: readonly Claimable[]): boolean {
  return !running.some((r) => r.lane === op.lane || (r.hostId !== null && r.hostId === op.hostId && (r.lane.startsWith('host:') || op.lane.startsWith('host:'))));
}

/** This replica no longer holds the operation: another took it over while this one was not answering. */
export class ClaimLost extends Error {
  constructor(readonly operationId: string) {
    super(`Operation ${operationId} is no longer this replica's: another replica took it over.`);
    this.name = 'ClaimLost';
  }
}

/** Writes to an operation this replica runs, only while it still does. */
async function updateClaimed(id: string, claimedBy: string, data: Prisma.OperationUpdateManyMutationInput, statuses: readonly string[] = ['running']): Promise<void> {
  const updated = await prisma.operation.updateMany({ where: { id, status: { in: [...statuses] }, claimedBy }, data });
  if (updated.count !== 1) throw new ClaimLost(id);
}

/** True when the write landed; false when the operation is another replica's now. */
async function landed(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ClaimLost) return false;
    throw error;
  }
}

/**
 * Operations left running by a server process that is gone (this one before a restart, or another
 * replica whose heartbeat stopped): queued again to resume where they were, or failed when this
 * server does not know their kind.
 */
export async function recoverInterrupted(self: ReplicaIdentity, log?: Logger): Promise<number> {
  const taken = await takeOverOrphans(self, async (op) => {
    const known = (OPERATION_KINDS as readonly string[]).includes(op.kind);
    if (known) {
      await prisma.operation.update({ where: { id: op.id }, data: { status: 'queued', claimedBy: null, nextAttemptAt: null, progress: 'Resumed after a server restart' } });
    } else {
      await finish(op.id, self.id, 'failed', { error: `The server restarted during this operation and does not know the kind "${op.kind}".` });
    }
    return true;
  });
  if (taken.length > 0) log?.info({ operations: taken }, `operations: ${taken.length} interrupted by a server restart resumed`);
  return taken.length;
}

async function finish(id: string, claimedBy: string, status: 'succeeded' | 'failed', outcome: { result?: unknown; after?: unknown; error?: string; before?: unknown }): Promise<void> {
  // The outcome must land: a busy database delays it, it does not leave the operation running.
  const ended = await whenDatabaseAnswers(() => finishOnce(id, claimedBy, status, outcome));
  // Counted once the write and its audit record are in: a retried write is not a second end.
  recordOperationEnd(ended.kind, status, ended.startedAt, ended.finishedAt ?? new Date());
}

async function finishOnce(id: string, claimedBy: string, status: 'succeeded' | 'failed', outcome: { result?: unknown; after?: unknown; error?: string; before?: unknown }): Promise<{ kind: string; startedAt: Date | null; finishedAt: Date | null }> {
  // Also when it already has this end: a retry after the audit record's write failed records it.
  const data = {
    status,
    activeKey: null,
    finishedAt: new Date(),
    progress: null,
    nextAttemptAt: null,
    ...(outcome.result !== undefined ? { result: JSON.stringify(outcome.result) } : {}),
    ...(outcome.error !== undefined ? { error: outcome.error } : {}),
  };
  await updateClaimed(id, claimedBy, data, ['running', status]);
  const op = await prisma.operation.findUniqueOrThrow({
    where: { id },
    select: { kind: true, hostId: true, targetType: true, targetId: true, requestedBy: true, sourceAddress: true, rolloutId: true, startedAt: true, finishedAt: true, host: { select: { name: true } } },
  });
  // The rollout waits on this operation: its driver looks now rather than at its next poll.
  if (op.rolloutId) wake('rollouts');
  await recordAudit({
    actor: op.requestedBy,
    action: `${op.kind}.${status}`,
    targetType: op.targetType,
    targetId: op.targetId,
    sourceAddress: op.sourceAddress,
    hostId: op.hostId,
    hostName: op.host?.name ?? null,
    before: outcome.before ?? null,
    after: status === 'succeeded' ? outcome.after ?? null : { error: outcome.error },
    operationId: id,
  });
  return { kind: op.kind, startedAt: op.startedAt, finishedAt: op.finishedAt };
}

/** The state before, as the request recorded it. */
async function requestedBefore(operationId: string): Promise<unknown> {
  const event = await prisma.auditEvent.findFirst({ where: { operationId, action: { endsWith: '.requested' } }, select: { before: true } });
  return event?.before ? (JSON.parse(event.before) as unknown) : null;
}

export function startWorker(options: WorkerOptions = DEFAULT_WORKER_OPTIONS): Worker {
  // `waiting`: the operation only waits (a host booting) and holds no slot of `concurrency`.
  const running = new Map<string, { op: Claimable; done: Promise<void>; waiting: boolean }>();
  // Operations done waiting, in line for a slot: they go before new ones.
  const slotWaiters: (() => void)[] = [];
  const busy = () => [...running.values()].filter((r) => !r.waiting).length;
  const freeSlots = () => {
    while (slotWaiters.length && busy() < options.concurrency) slotWaiters.shift()!();
  };
  const setWaiting = async (id: string, on: boolean): Promise<void> => {
    const entry = running.get(id);
    if (!entry || entry.waiting === on) return;
    if (on) {
      entry.waiting = true;
      freeSlots();
      loop.kick();
      return;
    }
    if (slotWaiters.length === 0 && busy() < options.concurrency) {
      entry.waiting = false;
      return;
    }
    await new Promise<void>((resolve) => slotWaiters.push(() => ((entry.waiting = false), resolve())));
  };
  // This worker's lease on what it runs: its heartbeat, then the orphans of dead replicas, again every HEARTBEAT_MS.
  const replica = newReplicaIdentity();
  let lastBeat = 0;
  const beatAndRecover = async () => {
    lastBeat = Date.now();
    await beat(replica);
    await recoverInterrupted(replica, options.log);
  };
  const ready = beatAndRecover().catch((error: unknown) => options.log?.error({ err: error }, 'operations: recovery failed'));

  const run = async (op: Claimable & { params: string; targetId: string; requestedBy: string; attempts: number }): Promise<void> => {
    const kind = op.kind as OperationKind;
    const before = await whenDatabaseAnswers(() => requestedBefore(op.id));
    let params = parseParams(op.params) as unknown as OperationParams[typeof kind];
    try {
      if (!op.hostId) throw new OperationFailure('The host of this operation was removed from the inventory.', false);
      const outcome = await execute(kind, {
        operationId: op.id,
        hostId: op.hostId,
        targetId: op.targetId,
        params,
        requestedBy: op.requestedBy,
        timing: options.timing,
        progress: async (text) => void (await whenDatabaseAnswers(() => updateClaimed(op.id, replica.id, { progress: text }), 60_000)),
        waiting: (on) => setWaiting(op.id, on),
        saveParams: async (next) => {
          params = next;
          await whenDatabaseAnswers(() => updateClaimed(op.id, replica.id, { params: JSON.stringify(next) }));
        },
      });
      await finish(op.id, replica.id, 'succeeded', { ...outcome, before });
      options.log?.info({ operation: op.id, kind, host: op.hostId }, 'operation succeeded');
    } catch (error) {
      if (error instanceof ClaimLost) {
        options.log?.warn({ operation: op.id, kind, host: op.hostId, replica: replica.id }, 'operation taken over by another replica while this one was not answering: left to it');
        return;
      }
      const failure = classify(error);
      if (failure.transient && op.attempts < options.maxAttempts) {
        const delay = options.retryBaseMs * 2 ** (op.attempts - 1);
        const requeued = await landed(whenDatabaseAnswers(() =>
          updateClaimed(op.id, replica.id, { status: 'queued', claimedBy: null, nextAttemptAt: new Date(Date.now() + delay), progress: `Attempt ${op.attempts} of ${options.maxAttempts} failed: ${failure.message} Retrying in ${Math.ceil(delay / 1000)} s.` })),
        );
        if (!requeued) return;
        options.log?.warn({ operation: op.id, kind, host: op.hostId, attempt: op.attempts, reason: failure.message }, 'operation attempt failed, retrying');
      } else {
        const tries = op.attempts > 1 ? ` (after ${op.attempts} attempts)` : '';
        const ended = await landed(finish(op.id, replica.id, 'failed', { error: `${failure.message}${tries}`, before }));
        if (!ended) return;
        options.log?.warn({ operation: op.id, kind, host: op.hostId, attempts: op.attempts, reason: failure.message }, 'operation failed');
      }
    }
  };

  const pass = async (stopped: () => boolean): Promise<void> => {
    await ready;
    if (!stopped() && Date.now() - lastBeat >= HEARTBEAT_MS) await beatAndRecover();
    const full = () => busy() + slotWaiters.length >= options.concurrency;
    if (stopped() || full()) return;
    const now = new Date();
    const queued = await prisma.operation.findMany({
      where: { status: 'queued' },
      orderBy: [{ queuedAt: 'asc' }, { id: 'asc' }],
      take: 200,
      select: { id: true, kind: true, lane: true, hostId: true, params: true, targetId: true, requestedBy: true, attempts: true, nextAttemptAt: true },
    });
    const active = [...running.values()].map((r) => r.op);
    const blockedLanes = new Set<string>();
    for (const op of queued) {
      if (full()) break;
      // First come, first served within a lane: a later operation never overtakes one waiting to retry.
      if (blockedLanes.has(op.lane)) continue;
      blockedLanes.add(op.lane);
      if (op.nextAttemptAt && op.nextAttemptAt > now) continue;
      if (!canStart(op, active)) continue;
      const claimed = await prisma.operation.updateMany({
        where: { id: op.id, status: 'queued' },
        // startedAt is the first attempt's: a retry does not restart the clock (how long a reboot
        // took, the history's duration and the page's "restarting for" all count from there).
        data: { status: 'running', claimedBy: replica.id, attempts: { increment: 1 }, ...(op.attempts === 0 ? { startedAt: new Date() } : {}), nextAttemptAt: null },
      });
      if (claimed.count !== 1) continue;
      active.push(op);
      const done = run({ ...op, attempts: op.attempts + 1 })
        .catch((error: unknown) => options.log?.error({ operation: op.id, kind: op.kind, host: op.hostId, err: error }, 'operation could not be recorded'))
        .finally(() => {
          running.delete(op.id);
          freeSlots();
          loop.kick();
        });
      running.set(op.id, { op, done, waiting: false });
    }
  };

  const loop = startBackgroundLoop('operations', pass, { pollMs: options.pollMs, onError: (error) => options.log?.error({ err: error }, 'operations: a pass of the queue failed') });

  return {
    replica,
    kick: loop.kick,
    async idle() {
      for (;;) {
        await loop.settled();
        await Promise.all([...running.values()].map((r) => r.done));
        const waiting = await prisma.operation.count({ where: { status: { in: ['queued', 'running'] } } });
        if (waiting === 0 || loop.stopped()) return;
        await new Promise((resolve) => setTimeout(resolve, Math.min(options.pollMs, 50)));
        loop.kick();
      }
    },
    async stop({ drain = false } = {}) {
      await loop.stop();
      if (drain) await Promise.all([...running.values()].map((r) => r.done));
      // Whatever still runs here is another replica's to resume now, without waiting for the lease.
      await ready;
      await retireReplica(replica).catch((error: unknown) => options.log?.error({ err: error, replica: replica.id }, 'operations: could not retire this replica'));
    },
  };
}
