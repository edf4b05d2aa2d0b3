// Starting, steering and reading rollouts. Starting checks first what a careful operator would:
// the plan is still true to the inventory (else: what changed), no running rollout holds one of
// its hosts, and no host it reboots was reset in the last hour unless that is confirmed.

import 'server-only';
import { z } from 'zod';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { recordAudit } from '@/lib/audit';
import { wake } from '@/lib/background-loop';
import type { ErrorIssue } from '@/lib/http';
import { planFreshness, type PlanDocument } from '@/lib/policies/service';
import { rolloutOptionsSchema, type RolloutOptions } from './options';
import { assignWaves, limits } from './schedule';
import { hostSteps, type Step } from './steps';

export type Outcome<T> = { ok: true; value: T } | { ok: false; code: 'bad-request' | 'not-found' | 'conflict'; message: string; issues?: ErrorIssue[]; details?: unknown };

export const startRolloutSchema = z.strictObject({
  planId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a plan id from POST /api/plans'),
  options: rolloutOptionsSchema.optional(),
});

const RECENT_RESET_MS = 60 * 60_000;
/** Host ids per query: well under SQLite's limit on bound parameters. */
const CHUNK = 500;
const ACTIVE = ['running', 'paused'];

export interface Who {
  name: string;
  sourceAddress: string | null;
}

export async function startRollout(prisma: PrismaClient, input: z.infer<typeof startRolloutSchema>, who: Who): Promise<Outcome<{ id: string; hosts: number; waves: number }>> {
  const options: RolloutOptions = { ...(input.options ?? rolloutOptionsSchema.parse({})) };
  const planRow = await prisma.plan.findUnique({ where: { id: input.planId }, select: { id: true, document: true } });
  if (!planRow) return { ok: false, code: 'not-found', message: `planId: no plan with id "${input.planId}"` };
  const plan = JSON.parse(planRow.document) as PlanDocument;

  const fresh = await planFreshness(prisma, planRow.id);
  if (!fresh.ok) return fresh;
  if (!fresh.value.fresh) {
    const what = [...fresh.value.policiesChanged.map((p) => `policy ${p} has a new version`), ...fresh.value.changed.map((c) => `${c.hostName}: ${c.changes.slice(0, 3).join('; ')}${c.changes.length > 3 ? ` and ${c.changes.length - 3} more` : ''}`)];
    return { ok: false, code: 'conflict', message: `The plan is out of date: ${what.slice(0, 5).join(' | ')}${what.length > 5 ? ` (and ${what.length - 5} more)` : ''}. Compute a new plan.`, details: fresh.value };
  }

  // Only hosts with something to do take part; the plan's unknown hosts are skipped with the reason.
  let hosts = plan.hosts.filter((h) => h.status !== 'compliant');
  if (hosts.length === 0) return { ok: false, code: 'bad-request', message: 'planId: every host of this plan is compliant: there is nothing to roll out' };
  if (options.canaryHosts?.length) {
    const named = new Set(options.canaryHosts);
    const missing = [...named].filter((name) => !hosts.some((h) => h.hostName === name));
    if (missing.length) return { ok: false, code: 'bad-request', message: `options.canaryHosts: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not among the hosts this plan changes`, issues: [{ path: 'options.canaryHosts', message: 'not a host this plan changes' }] };
    hosts = [...hosts.filter((h) => named.has(h.hostName)), ...hosts.filter((h) => !named.has(h.hostName))];
    options.canary = Math.max(options.canary, named.size);
  }

  // Read what is active and match here: a list of thousands of host ids in the query would pass
  // SQLite's limit on bound parameters (the 1,000-host benchmark met it).
  const planned = new Set(hosts.map((h) => h.hostId));
  const active = await prisma.rolloutHost.findMany({
    where: { state: { in: ['waiting', 'running'] }, rollout: { status: { in: ACTIVE } } },
    select: { hostId: true, hostName: true, rollout: { select: { id: true, createdBy: true } } },
  });
  const busy = active.filter((b) => planned.has(b.hostId)).slice(0, 10);
  if (busy.length) {
    const r = busy[0]!.rollout;
    return { ok: false, code: 'conflict', message: `Rollout ${r.id} (started by ${r.createdBy}) is still changing ${busy.map((b) => b.hostName).join(', ')}; wait for it, or cancel it first.` };
  }

  const rebooting = new Set(hosts.filter((h) => h.reboot.needed).map((h) => h.hostId));
  if (rebooting.size && !options.confirmRecentReboots) {
    const resets = await prisma.operation.findMany({
      where: { kind: 'reset-host', OR: [{ status: { in: ['queued', 'running'] } }, { finishedAt: { gt: new Date(Date.now() - RECENT_RESET_MS) } }] },
      select: { hostId: true, host: { select: { name: true } }, finishedAt: true },
      distinct: ['hostId'],
    });
    const recent = resets.filter((r) => r.hostId !== null && rebooting.has(r.hostId));
    if (recent.length) {
      return {
        ok: false,
        code: 'conflict',
        message: `options.confirmRecentReboots: ${recent.map((r) => r.host?.name).join(', ')} ${recent.length === 1 ? 'was' : 'were'} reset in the last hour; rebooting again needs confirmRecentReboots: true (a loop of reboots is what it guards against).`,
      };
    }
  }

  // In chunks, for the same limit on bound parameters.
  const heldByHost = new Map<string, { pfId: string; index: number; vm: string }[]>();
  for (let i = 0; i < hosts.length; i += CHUNK) {
    const rows = await prisma.assignment.findMany({
      where: { hostId: { in: hosts.slice(i, i + CHUNK).map((h) => h.hostId) } },
      select: { hostId: true, vm: { select: { name: true } }, vf: { select: { pfId: true, index: true } } },
    });
    for (const a of rows) heldByHost.set(a.hostId, [...(heldByHost.get(a.hostId) ?? []), { pfId: a.vf.pfId, index: a.vf.index, vm: a.vm.name }]);
  }
  const waves = assignWaves(hosts.length, options);
  const rollout = await prisma.$transaction(async (tx) => {
    const created = await tx.rollout.create({ data: { planId: planRow.id, status: 'running', options: JSON.stringify(options), createdBy: who.name }, select: { id: true } });
    await tx.rolloutHost.createMany({
      data: hosts.map((h, i) => {
        const steps = hostSteps(h, options, heldByHost.get(h.hostId) ?? []);
        let preflight: string | null = null;
        let reason: string | null = null;
        if (h.status === 'unknown') [preflight, reason] = ['skip', `not reported: ${h.unknownReason ?? 'unknown'}`];
        else if (steps.refused.length) [preflight, reason] = [options.onRefused, `the plan refused: ${steps.refused.join('; ')}`];
        else if (steps.blocked.length && options.onVmsHoldingVfs === 'skip') [preflight, reason] = ['skip', `VMs would lose VFs: ${steps.blocked.join('; ')}`];
        return {
          rolloutId: created.id,
          hostId: h.hostId,
          hostName: h.hostName,
          wave: waves[i]!,
          steps: JSON.stringify(steps.steps),
          disruptive: steps.steps.some((s) => s.disruptive),
          preflight,
          reason,
        };
      }),
    });
    return created;
  });
  const waveCount = new Set(waves).size;
  await recordAudit({ actor: who.name, action: 'rollout-start', targetType: 'rollout', targetId: rollout.id, sourceAddress: who.sourceAddress, after: { planId: planRow.id, hosts: hosts.length, waves: waveCount, options } });
  wake('rollouts');
  return { ok: true, value: { id: rollout.id, hosts: hosts.length, waves: waveCount } };
}

const NEXT: Record<'pause' | 'resume' | 'cancel', { from: string[]; to: string }> = {
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  cancel: { from: ['running', 'paused'], to: 'cancelled' },
};

export async function steerRollout(prisma: PrismaClient, id: string, action: 'pause' | 'resume' | 'cancel', who: Who): Promise<Outcome<{ id: string; status: string }>> {
  const rule = NEXT[action];
  const changed = await prisma.rollout.updateMany({ where: { id, status: { in: rule.from }, finishedAt: null }, data: { status: rule.to } });
  if (changed.count === 0) {
    const row = await prisma.rollout.findUnique({ where: { id }, select: { status: true } });
    if (!row) return { ok: false, code: 'not-found', message: `No rollout with id "${id}".` };
    return { ok: false, code: 'conflict', message: `The rollout is ${row.status}: it cannot be ${action === 'resume' ? 'resumed' : action === 'pause' ? 'paused' : 'cancelled'}.` };
  }
  await recordAudit({ actor: who.name, action: `rollout-${action}`, targetType: 'rollout', targetId: id, sourceAddress: who.sourceAddress, after: { status: rule.to } });
  wake('rollouts');
  return { ok: true, value: { id, status: rule.to } };
}

export interface RolloutHostView {
  hostId: string;
  hostName: string;
  wave: number;
  state: string;
  step: number;
  steps: number;
  stepLabel: string | null;
  reason: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  unavailable: boolean;
}

export async function getRollout(prisma: PrismaClient, id: string) {
  const row = await prisma.rollout.findUnique({
    where: { id },
    select: {
      id: true, planId: true, status: true, options: true, wave: true, soakUntil: true, reason: true, createdBy: true, createdAt: true, finishedAt: true,
      plan: { select: { policy: { select: { id: true, name: true } } } },
      hosts: { orderBy: [{ wave: 'asc' }, { hostName: 'asc' }], select: { hostId: true, hostName: true, wave: true, state: true, steps: true, step: true, reason: true, startedAt: true, finishedAt: true, unavailableSince: true } },
    },
  });
  if (!row) return null;
  const options = JSON.parse(row.options) as RolloutOptions;
  const hosts: RolloutHostView[] = row.hosts.map((h) => {
    const steps = JSON.parse(h.steps) as Step[];
    return {
      hostId: h.hostId, hostName: h.hostName, wave: h.wave, state: h.state, step: Math.min(h.step + 1, steps.length), steps: steps.length,
      stepLabel: h.state === 'running' ? (steps[h.step]?.label ?? null) : null, reason: h.reason, startedAt: h.startedAt, finishedAt: h.finishedAt, unavailable: h.unavailableSince !== null,
    };
  });
  const waves = [...new Set(hosts.map((h) => h.wave))].sort((a, b) => a - b).map((wave) => {
    const of = hosts.filter((h) => h.wave === wave);
    const count = (s: string) => of.filter((h) => h.state === s).length;
    return { wave, hosts: of.length, done: count('done'), failed: count('failed'), skipped: count('skipped'), running: count('running'), waiting: count('waiting') };
  });
  const finished = hosts.filter((h) => h.state === 'done' && h.startedAt && h.finishedAt).map((h) => h.finishedAt!.getTime() - h.startedAt!.getTime());
  const median = finished.length ? [...finished].sort((a, b) => a - b)[Math.floor(finished.length / 2)]! : null;
  const remainingWaves = waves.filter((w) => w.waiting + w.running > 0).length;
  const elapsedMs = (row.finishedAt ?? new Date()).getTime() - row.createdAt.getTime();
  const etaMs = row.finishedAt || median === null ? null : remainingWaves * (median + options.soakSeconds * 1000);
  return {
    id: row.id, planId: row.planId, policy: row.plan.policy, status: row.status, options, wave: row.wave, soakUntil: row.soakUntil, reason: row.reason,
    createdBy: row.createdBy, createdAt: row.createdAt, finishedAt: row.finishedAt, limits: limits(options, hosts.length),
    totals: { hosts: hosts.length, done: hosts.filter((h) => h.state === 'done').length, failed: hosts.filter((h) => h.state === 'failed').length, skipped: hosts.filter((h) => h.state === 'skipped').length, running: hosts.filter((h) => h.state === 'running').length, waiting: hosts.filter((h) => h.state === 'waiting').length },
    waves, hosts, elapsedMs, etaMs,
  };
}

export async function listRollouts(prisma: PrismaClient) {
  const rows = await prisma.rollout.findMany({
    orderBy: { createdAt: 'desc' },
    take: 100,
    select: { id: true, status: true, reason: true, createdBy: true, createdAt: true, finishedAt: true, planId: true, plan: { select: { policy: { select: { name: true } } } }, hosts: { select: { state: true } } },
  });
  return rows.map(({ hosts, plan, ...r }) => ({
    ...r,
    policy: plan.policy?.name ?? null,
    hosts: hosts.length,
    done: hosts.filter((h) => h.state === 'done').length,
    failed: hosts.filter((h) => h.state === 'failed').length,
    skipped: hosts.filter((h) => h.state === 'skipped').length,
  }));
}
