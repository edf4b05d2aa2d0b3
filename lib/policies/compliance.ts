// Where each host stands against each policy that selects it (verdict.ts), stored with the time
// the state began; every change of state is kept as a transition: "non-compliant since when" has
// an answer.

import 'server-only';
import type { Prisma, PrismaClient } from '@/lib/generated/prisma/client';
import type { HostPlan, PlanPolicy } from './plan';
import { complianceOf } from './verdict';

export { COMPLIANCE_STATES, type ComplianceState } from './words';
export { complianceOf, type ComplianceEntry } from './verdict';

/**
 * Stores the states of these hosts against these policies, recording a transition for every
 * state that changed. Hosts a policy no longer selects lose their row for it.
 */
export async function recordCompliance(prisma: PrismaClient, plans: HostPlan[], policies: PlanPolicy[], now = new Date()): Promise<{ transitions: number }> {
  const hostIds = plans.map((p) => p.hostId);
  const existing = await prisma.policyCompliance.findMany({ where: { hostId: { in: hostIds } }, select: { id: true, policyId: true, hostId: true, state: true, details: true } });
  const byKey = new Map(existing.map((e) => [`${e.policyId}/${e.hostId}`, e]));
  const seen = new Set<string>();
  // One transaction for the batch: a first evaluation of a large fleet writes thousands of rows.
  const writes: Prisma.PrismaPromise<unknown>[] = [];
  const created: Prisma.PolicyComplianceCreateManyInput[] = [];
  const moved: Prisma.ComplianceTransitionCreateManyInput[] = [];
  for (const plan of plans) {
    for (const matched of plan.policies) {
      const policy = policies.find((p) => p.id === matched.id);
      if (!policy) continue;
      const key = `${policy.id}/${plan.hostId}`;
      seen.add(key);
      const entry = complianceOf(plan, policy.name);
      const details = JSON.stringify(entry.details);
      const before = byKey.get(key);
      if (before && before.state === entry.state) {
        if (before.details !== details) writes.push(prisma.policyCompliance.update({ where: { id: before.id }, data: { details, checkedAt: now } }));
        continue;
      }
      if (before) writes.push(prisma.policyCompliance.update({ where: { id: before.id }, data: { state: entry.state, details, since: now, checkedAt: now } }));
      else created.push({ policyId: policy.id, hostId: plan.hostId, state: entry.state, details, since: now, checkedAt: now });
      moved.push({ policyId: policy.id, hostId: plan.hostId, hostName: plan.hostName, from: before?.state ?? null, to: entry.state, at: now, details });
    }
  }
  const gone = existing.filter((e) => !seen.has(`${e.policyId}/${e.hostId}`) && policies.some((p) => p.id === e.policyId));
  if (gone.length) writes.push(prisma.policyCompliance.deleteMany({ where: { id: { in: gone.map((g) => g.id) } } }));
  if (created.length) writes.push(prisma.policyCompliance.createMany({ data: created }));
  if (moved.length) writes.push(prisma.complianceTransition.createMany({ data: moved }));
  if (writes.length) await prisma.$transaction(writes);
  return { transitions: moved.length };
}
