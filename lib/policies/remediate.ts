// Automatic remediation, for policies that opt into it (autoRemediate, off by default): the
// non-disruptive changes of a host's plan are queued as ordinary operations, requested by
// "policy:<name>" — VF settings, drivers of free VFs, and VF counts on PFs no VM holds a VF of.
// Nothing that needs a reboot, nothing a VM would notice, nothing refused or blocked. A change
// whose last automatic attempt failed is not tried again for an hour, so a host that refuses a
// setting is not asked every poll.

import 'server-only';
import { prisma } from '@/lib/db/client';
import type { OperationKind } from '@/lib/operations/kinds';
import type { HostPlan, PlanChange } from './plan';

const RETRY_AFTER_FAILURE_MS = 60 * 60_000;

export function automaticChanges(plan: HostPlan, policyName: string): PlanChange[] {
  return plan.changes.filter((c) => c.policy === policyName && c.status === 'planned' && !c.needsReboot && (c.kind === 'vf-settings' || c.kind === 'vf-driver' || c.kind === 'vf-count'));
}

/** Queues what may be fixed without asking; returns the operations queued. */
export async function remediate(plan: HostPlan, policyName: string): Promise<string[]> {
  const changes = automaticChanges(plan, policyName);
  if (changes.length === 0) return [];
  const requests = await import('@/lib/operations/requests');
  const who = { name: `policy:${policyName}`, sourceAddress: null };
  const queued: string[] = [];
  const recentlyFailed = async (kind: OperationKind, targetId: string) =>
    (await prisma.operation.count({ where: { kind, targetId, requestedBy: who.name, status: 'failed', finishedAt: { gt: new Date(Date.now() - RETRY_AFTER_FAILURE_MS) } } })) > 0;
  for (const change of changes) {
    const apply = change.apply;
    if (apply.kind === 'set-vf-count') {
      if (await recentlyFailed('set-vf-count', apply.pfId)) continue;
      const outcome = await requests.requestVfCount(apply.pfId, { numVfs: apply.numVfs }, who);
      if (outcome.ok) queued.push(outcome.operation.id);
      continue;
    }
    if (apply.kind !== 'set-vf' && apply.kind !== 'bind-vf') continue;
    const vfs = await prisma.virtualFunction.findMany({ where: { pfId: apply.pfId, index: { in: apply.vfIndexes } }, select: { id: true } });
    for (const vf of vfs) {
      const kind = apply.kind === 'set-vf' ? 'set-vf' : 'bind-vf';
      if (await recentlyFailed(kind, vf.id)) continue;
      const outcome = apply.kind === 'set-vf' ? await requests.requestVfSettings(vf.id, apply.settings, who) : await requests.requestVfBind(vf.id, { driver: apply.driver }, who);
      // A change already queued for the VF (409) is fine: it is on its way.
      if (outcome.ok) queued.push(outcome.operation.id);
    }
  }
  return queued;
}
