// Carries rollouts out, beside the operations worker (lib/background.ts). Every tick, for each
// rollout it holds the lease of: settle the steps of hosts on their way (their operations ended?),
// ask the scheduler what next, start hosts and steps, queue their operations, move waves on,
// halt or finish. Everything is written to the rollout's rows before it is acted on, so a server
// restart resumes where it was: a reset already sent is waited for, never sent again.
// Between replicas, a rollout is driven by the one holding its lease. Every write the driver makes
// to it is conditional on still holding it: a replica that stalled past the lease (a long GC, a
// stopped process) and wakes after another took the rollout over finds its writes refused and
// leaves the rollout alone, so it never starts a step, queues an operation or sends a reset from
// what it read before it stalled.

import 'server-only';
import type { Logger } from '@/lib/log';
import { randomUUID } from 'node:crypto';
import { prisma } from '@/lib/db/client';
import { whenDatabaseAnswers } from '@/lib/db/unavailable';
import { recordAudit } from '@/lib/audit';
import type { Requester, RequestOutcome } from '@/lib/operations/requests';
import { rolloutOptionsSchema } from './options';
import { decide, type ScheduledHost } from './schedule';
import { startBackgroundLoop } from '@/lib/background-loop';
import type { Step, StepOp } from './steps';

/** How long a rollout stays this replica's without a pass renewing it (the replicas' lease). */
const leaseMs = () => Number(process.env.REPLICA_LEASE_MS) || 30_000;
const ACTIVE = ['running', 'paused', 'cancelled'];

type HostRow = {
  id: string;
  rolloutId: string;
  hostId: string;
  hostName: string;
  wave: number;
  state: string;
  /** Read only for the hosts on their way (null until then): a pass over 1,000 hosts reads no JSON of the others. */
  steps: string | null;
  step: number;
  reason: string | null;
  preflight: string | null;
  resetSentAt: Date | null;
  previous: string | null;
  unavailableSince: Date | null;
};

type RolloutRow = { id: string; status: string; options: string; wave: number; soakUntil: Date | null; createdBy: string; finishedAt: Date | null };

export interface DriverOptions {
  pollMs: number;
  log?: Logger;
  /** Who holds the lease of the rollouts it drives: the replica's id (a random one without). */
  owner?: string;
}

/** This replica no longer holds the rollout: another took it over while this one was not answering. */
export class LeaseLost extends Error {
  constructor(rolloutId: string) {
    super(`Rollout ${rolloutId} is no longer this replica's: another replica took it over.`);
    this.name = 'LeaseLost';
  }
}

export interface RolloutDriver {
  kick(): void;
  stop(): Promise<void>;
  /** One pass now (tests). */
  tick(): Promise<void>;
}

const requester = (rollout: RolloutRow): Requester => ({ name: `${rollout.createdBy} (rollout ${rollout.id.slice(-8)})`, sourceAddress: null, rolloutId: rollout.id });

async function vfId(pfId: string, index: number): Promise<string | null> {
  return (await prisma.virtualFunction.findUnique({ where: { pfId_index: { pfId, index } }, select: { id: true } }))?.id ?? null;
}

/** Queues one step operation; the outcome names the operation or why it could not be queued. */
async function queueOp(hostId: string, op: StepOp, who: Requester): Promise<RequestOutcome> {
  const requests = await import('@/lib/operations/requests');
  switch (op.kind) {
    case 'set-bios':
      return requests.requestBiosChange(hostId, { attributes: op.attributes as never }, who);
    case 'os-fix':
      return requests.requestOsFix(hostId, { fix: op.fix }, who);
    case 'reset-host':
      return requests.requestPower(hostId, { action: 'reset' }, who);
    case 'set-vf-count':
      return requests.requestVfCount(op.pfId, { numVfs: op.numVfs }, who);
    case 'set-vfs':
      return requests.requestPfVfSettings(op.pfId, op.vfs, who);
    case 'bind-vfs':
      return requests.requestPfVfBind(op.pfId, op.indexes, { driver: op.driver }, who);
    case 'set-vf-macs':
      return requests.requestPfStableMacs(op.pfId, op.indexes, who);
    default: {
      const id = await vfId(op.pfId, op.index);
      if (!id) return { ok: false, code: 'not-found', message: `VF ${op.index} of the PF is not in the inventory (its VFs did not come up)` };
      if (op.kind === 'release-vf') return requests.requestRelease(id, who);
      if (op.kind === 'bind-vf') return requests.requestVfBind(id, { driver: op.driver }, who);
      return requests.requestVfSettings(id, op.settings, who);
    }
  }
}

function parseSteps(row: HostRow): Step[] {
  if (row.steps === null) throw new Error(`rollout host ${row.hostName}: its steps were not read`);
  return JSON.parse(row.steps) as Step[];
}

/** Reads the steps of these hosts, in one query. */
async function loadSteps(rows: HostRow[]): Promise<void> {
  const missing = rows.filter((r) => r.steps === null);
  if (missing.length === 0) return;
  const found = await prisma.rolloutHost.findMany({ where: { id: { in: missing.map((r) => r.id) } }, select: { id: true, steps: true } });
  const byId = new Map(found.map((f) => [f.id, f.steps]));
  for (const row of missing) row.steps = byId.get(row.id) ?? null;
}

type OpStates = Map<string, { status: string; error: string | null }>;

/** The state of the operations of these hosts' current steps, in one query. */
async function currentOps(rows: HostRow[]): Promise<OpStates> {
  const ids = rows.flatMap((row) => parseSteps(row)[row.step]?.ops.flatMap((o) => (o.operationId && o.status === 'queued' ? [o.operationId] : [])) ?? []);
  const ops = ids.length ? await prisma.operation.findMany({ where: { id: { in: ids } }, select: { id: true, status: true, error: true } }) : [];
  return new Map(ops.map((o) => [o.id, o]));
}

export function startRolloutDriver(options: DriverOptions): RolloutDriver {
  const owner = options.owner ?? `driver-${randomUUID().slice(0, 8)}`;

  async function claim(id: string, now: Date): Promise<boolean> {
    const claimed = await prisma.rollout.updateMany({
      where: { id, OR: [{ leaseOwner: null }, { leaseOwner: owner }, { leaseUntil: { lt: now } }] },
      data: { leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs()) },
    });
    return claimed.count === 1;
  }

  /** Renews the lease before acting on what was read (queueing a step's operations), or throws LeaseLost. */
  async function stillMine(rolloutId: string): Promise<void> {
    const renewed = await whenDatabaseAnswers(() => prisma.rollout.updateMany({ where: { id: rolloutId, leaseOwner: owner }, data: { leaseUntil: new Date(Date.now() + leaseMs()) } }));
    if (renewed.count !== 1) throw new LeaseLost(rolloutId);
  }

  /** Writes the rollout's own row, only while this replica holds it. */
  async function saveRollout(rolloutId: string, data: { status?: string; reason?: string | null; wave?: number; soakUntil?: Date | null; finishedAt?: Date }): Promise<void> {
    const written = await whenDatabaseAnswers(() => prisma.rollout.updateMany({ where: { id: rolloutId, leaseOwner: owner }, data }));
    if (written.count !== 1) throw new LeaseLost(rolloutId);
  }

  async function saveHost(row: HostRow, data: Partial<Omit<HostRow, 'id' | 'hostId' | 'hostName' | 'wave' | 'steps'>> & { steps?: string; startedAt?: Date; finishedAt?: Date }): Promise<void> {
    const written = await whenDatabaseAnswers(() => prisma.rolloutHost.updateMany({ where: { id: row.id, rollout: { is: { leaseOwner: owner } } }, data }));
    if (written.count !== 1) throw new LeaseLost(row.rolloutId);
    Object.assign(row, data);
  }

  /**
   * The previous values of the BIOS attributes this rollout staged on the host: all it asked for
   * once its BIOS change succeeded; after a failed one, only those the BIOS shows pending as asked
   * (an iLO that refused the change staged nothing, and there is nothing to withdraw).
   */
  async function stagedPrevious(row: HostRow): Promise<Record<string, string> | null> {
    const previous = row.previous ? (JSON.parse(row.previous) as Record<string, string>) : null;
    if (!previous) return null;
    const stage = parseSteps(row).find((s) => s.id === 'stage');
    const bios = stage?.ops.find((o) => o.op.kind === 'set-bios');
    if (!bios || bios.status === 'succeeded') return previous;
    const asked = bios.op.kind === 'set-bios' ? bios.op.attributes : {};
    const rows = await prisma.biosSetting.findMany({ where: { hostId: row.hostId, name: { in: Object.keys(asked) } }, select: { name: true, pending: true } });
    const staged = rows.filter((r) => r.pending !== null && r.pending === asked[r.name]).map((r) => r.name);
    return Object.fromEntries(Object.entries(previous).filter(([name]) => staged.includes(name)));
  }

  /** Ends a host failed, undoing honestly what can be undone: staged BIOS values before a reset. */
  async function failHost(rollout: RolloutRow, row: HostRow, reason: string): Promise<void> {
    let text = reason;
    const previous = await stagedPrevious(row);
    if (previous && Object.keys(previous).length) {
      const values = Object.entries(previous).map(([k, v]) => `${k}=${v}`).join(', ');
      if (!row.resetSentAt) {
        const withdrawn = await queueOp(row.hostId, { kind: 'set-bios', attributes: previous }, requester(rollout));
        text += withdrawn.ok ? `; the staged BIOS values were withdrawn (back to ${values})` : `; withdrawing the staged BIOS values failed (${withdrawn.message}): they apply at the next reboot`;
      } else {
        text += `; the reset applied the new BIOS values: restoring ${values} needs a reboot, which was not done`;
      }
    }
    await saveHost(row, { state: 'failed', reason: text, finishedAt: new Date(), unavailableSince: null });
    options.log?.warn({ rollout: rollout.id, host: row.hostId, hostName: row.hostName, reason: text }, 'rollout: host failed');
  }

  /** Looks at the operations of the host's current step: done, failed, or still going. */
  async function settle(rollout: RolloutRow, row: HostRow, opStates: OpStates): Promise<void> {
    const steps = parseSteps(row);
    const step = steps[row.step];
    if (!step) {
      await saveHost(row, { state: 'done', finishedAt: new Date(), unavailableSince: null, reason: null });
      return;
    }
    if (step.status !== 'running') return;
    for (const o of step.ops) {
      const found = o.operationId ? opStates.get(o.operationId) : undefined;
      if (found?.status === 'succeeded') o.status = 'succeeded';
      if (found?.status === 'failed') Object.assign(o, { status: 'failed', error: found.error ?? 'failed' });
    }
    const failed = step.ops.filter((o) => o.status === 'failed');
    // A host ends failed only once the rest of its step has ended too: a rollout is never done
    // while one of its operations still runs.
    if (failed.length && step.ops.every((o) => o.status === 'failed' || o.status === 'succeeded')) {
      step.status = 'failed';
      await saveHost(row, { steps: JSON.stringify(steps) });
      await failHost(rollout, row, `step ${row.step + 1} of ${steps.length} (${step.label}) failed: ${failed.map((o) => o.error).join('; ')}`);
      return;
    }
    if (step.ops.every((o) => o.status === 'succeeded')) {
      step.status = 'done';
      const next = row.step + 1;
      const moreDisruptive = steps.slice(next).some((s) => s.disruptive);
      await saveHost(row, { steps: JSON.stringify(steps), step: next, ...(moreDisruptive ? {} : { unavailableSince: null }), reason: null });
      if (next >= steps.length) await saveHost(row, { state: 'done', finishedAt: new Date(), unavailableSince: null });
    }
  }

  async function beginStep(rollout: RolloutRow, row: HostRow): Promise<void> {
    const steps = parseSteps(row);
    const step = steps[row.step]!;
    const who = requester(rollout);
    if (step.id === 'stage') {
      // What the BIOS holds now, for an honest undo if the host fails before its reset.
      const names = step.ops.flatMap((o) => (o.op.kind === 'set-bios' ? Object.keys(o.op.attributes) : []));
      const bios = await prisma.biosSetting.findMany({ where: { hostId: row.hostId, name: { in: names } }, select: { name: true, current: true } });
      const previous = Object.fromEntries(bios.flatMap((b) => (b.current === null ? [] : [[b.name, b.current]])));
      await saveHost(row, { previous: JSON.stringify(previous) });
    }
    if (step.id === 'reboot') {
      // Never a second reset of a host in one rollout, whatever happened to the first one's row.
      // Asked of the database, not of the row as read: a replica that read it before another sent the reset must not send it again.
      const sentAt = new Date();
      const marked = row.resetSentAt ? { count: 0 } : await whenDatabaseAnswers(() => prisma.rolloutHost.updateMany({ where: { id: row.id, resetSentAt: null, rollout: { is: { leaseOwner: owner } } }, data: { resetSentAt: sentAt } }));
      if (marked.count !== 1) {
        await stillMine(rollout.id);
        await failHost(rollout, row, 'a reset was already sent to this host by this rollout; it is not sent twice');
        return;
      }
      row.resetSentAt = sentAt;
    }
    if (step.disruptive && !row.unavailableSince) await saveHost(row, { unavailableSince: new Date() });
    step.status = 'running';
    await stillMine(rollout.id);
    for (const o of step.ops) {
      const outcome = await queueOp(row.hostId, o.op, who);
      if (outcome.ok) Object.assign(o, { operationId: outcome.operation.id, status: 'queued' });
      else Object.assign(o, { status: 'failed', error: outcome.message });
    }
    await saveHost(row, { steps: JSON.stringify(steps), reason: step.label });
  }

  /** VFs VMs hold on the PFs a 'wait' host is to change: none left means it may go on. */
  async function stillHeld(row: HostRow): Promise<string[]> {
    const steps = parseSteps(row);
    const pfIds = steps.flatMap((s) => s.ops.flatMap((o) => (o.op.kind === 'set-vf-count' ? [o.op.pfId] : [])));
    if (!pfIds.length) return [];
    const held = await prisma.assignment.findMany({ where: { vf: { pfId: { in: pfIds } } }, select: { vm: { select: { name: true } }, vf: { select: { index: true } } } });
    return held.map((h) => `VF ${h.vf.index} (${h.vm.name})`);
  }

  async function advance(rollout: RolloutRow): Promise<void> {
    const now = new Date();
    const rows: HostRow[] = await prisma.rolloutHost.findMany({
      where: { rolloutId: rollout.id },
      orderBy: [{ wave: 'asc' }, { hostName: 'asc' }],
      select: { id: true, rolloutId: true, hostId: true, hostName: true, wave: true, state: true, step: true, reason: true, preflight: true, resetSentAt: true, previous: true, unavailableSince: true },
    }).then((found) => found.map((r): HostRow => ({ ...r, steps: null })));
    const running = rows.filter((r) => r.state === 'running');
    await loadSteps(running);
    const opStates = await currentOps(running);
    for (const row of running) await settle(rollout, row, opStates);

    if (rollout.status === 'cancelled') {
      for (const row of rows) if (row.state === 'waiting') await saveHost(row, { state: 'skipped', reason: 'the rollout was cancelled before this host started', finishedAt: now });
    }
    const opts = rolloutOptionsSchema.parse(JSON.parse(rollout.options));
    const hosts: ScheduledHost[] = rows.map((row) => {
      const step = row.state === 'running' ? parseSteps(row)[row.step] : undefined;
      return { id: row.id, name: row.hostName, wave: row.wave, state: row.state as ScheduledHost['state'], wantsDisruptive: Boolean(step?.disruptive && step.status === 'waiting'), unavailable: row.unavailableSince !== null, reason: row.reason };
    });
    const decision = decide({ status: rollout.status as 'running', wave: rollout.wave, soakUntil: rollout.soakUntil, options: opts, totalHosts: rows.length }, hosts, now);

    if (decision.kind === 'work') {
      for (const id of decision.start) {
        const row = rows.find((r) => r.id === id)!;
        // Decided when the rollout was made: the plan refused a change, or VMs hold VFs it would take.
        if (row.preflight === 'fail') await saveHost(row, { state: 'failed', startedAt: now, finishedAt: now });
        else if (row.preflight === 'skip') await saveHost(row, { state: 'skipped', startedAt: now, finishedAt: now });
        else await saveHost(row, { state: 'running', startedAt: now, reason: null });
      }
      await loadSteps(rows.filter((r) => r.state === 'running'));
      for (const row of rows) {
        if (row.state !== 'running') continue;
        const step = parseSteps(row)[row.step];
        if (!step) {
          await saveHost(row, { state: 'done', finishedAt: now, unavailableSince: null });
          continue;
        }
        if (step.status !== 'waiting') continue;
        if (step.disruptive && !row.unavailableSince && !decision.disruptive.includes(row.id)) {
          if (row.reason !== 'waiting for a host to be available again') await saveHost(row, { reason: 'waiting for a host to be available again' });
          continue;
        }
        if (opts.onVmsHoldingVfs === 'wait' && step.id === 'vf-count') {
          const held = await stillHeld(row);
          if (held.length) {
            const reason = `waiting for VMs to release ${held.join(', ')}`;
            if (row.reason !== reason) await saveHost(row, { reason });
            continue;
          }
        }
        await beginStep(rollout, row);
      }
      const reason = decision.waiting ?? null;
      if (rollout.status === 'running') await saveRollout(rollout.id, { reason });
      if (rollout.status === 'cancelled' && rows.every((r) => r.state !== 'running' && r.state !== 'waiting')) await finishRollout(rollout, 'cancelled', null);
      return;
    }
    if (decision.kind === 'next-wave') {
      await saveRollout(rollout.id, { wave: decision.wave, soakUntil: decision.soakUntil });
      options.log?.info({ rollout: rollout.id, wave: decision.wave }, 'rollout: next wave');
      return;
    }
    if (decision.kind === 'halt') {
      await saveRollout(rollout.id, { status: 'halted', reason: decision.reason, finishedAt: now });
      await recordAudit({ actor: `rollout ${rollout.id.slice(-8)}`, action: 'rollout-halted', targetType: 'rollout', targetId: rollout.id, after: { reason: decision.reason, startedBy: rollout.createdBy } });
      options.log?.warn({ rollout: rollout.id, reason: decision.reason }, 'rollout halted');
      return;
    }
    await finishRollout(rollout, rollout.status === 'cancelled' ? 'cancelled' : 'done', null);
  }

  async function finishRollout(rollout: RolloutRow, status: 'done' | 'cancelled', reason: string | null): Promise<void> {
    if (rollout.finishedAt) return;
    const tally = await prisma.rolloutHost.groupBy({ by: ['state'], where: { rolloutId: rollout.id }, _count: { _all: true } });
    const counts = Object.fromEntries(tally.map((t) => [t.state, t._count._all]));
    await saveRollout(rollout.id, { status, reason, finishedAt: new Date() });
    await recordAudit({ actor: `rollout ${rollout.id.slice(-8)}`, action: status === 'done' ? 'rollout-done' : 'rollout-cancelled-done', targetType: 'rollout', targetId: rollout.id, after: { ...counts, startedBy: rollout.createdBy } });
    options.log?.info({ rollout: rollout.id, status, hosts: counts }, `rollout ${status}`);
  }

  const tick = async (stopped: () => boolean): Promise<void> => {
    const now = new Date();
    const rollouts: RolloutRow[] = await prisma.rollout.findMany({ where: { status: { in: ACTIVE }, finishedAt: null }, select: { id: true, status: true, options: true, wave: true, soakUntil: true, createdBy: true, finishedAt: true } });
    for (const rollout of rollouts) {
      if (stopped()) return;
      if (!(await claim(rollout.id, now))) continue;
      try {
        await advance(rollout);
      } catch (error) {
        if (!(error instanceof LeaseLost)) throw error;
        options.log?.warn({ rollout: rollout.id }, 'rollout taken over by another replica while this one was not answering: left to it');
      }
    }
  };

  const loop = startBackgroundLoop('rollouts', tick, { pollMs: options.pollMs, onError: (error) => options.log?.error({ err: error }, 'rollouts: a pass failed') });
  return {
    kick: loop.kick,
    tick: async () => {
      await loop.settled();
      await tick(loop.stopped);
    },
    stop: loop.stop,
  };
}
