// Automatic remediation, for policies that opt into it (autoRemediate, off by default): the
// non-disruptive changes of a host's plan are queued as ordinary operations, requested by
// "policy:<name>" — VF settings, stable MACs and drivers of free VFs, and VF counts on PFs no VM
// holds a VF of.
// Nothing that needs a reboot, nothing a VM would notice, nothing refused or blocked. A change
// whose last automatic attempt failed is not tried again for an hour, so a host that refuses a
// setting is not asked every poll.

import 'server-only';
import { prisma } from '@/lib/db/client';
import type { OperationKind } from '@/lib/operations/kinds';
import { VF_FIELDS, type HostPlan, type PlanChange } from './plan';

const RETRY_AFTER_FAILURE_MS = 60 * 60_000;

export function automaticChanges(plan: HostPlan, policyName: string): PlanChange[] {
  return plan.changes.filter((c) => c.policy === policyName && c.status === 'planned' && !c.needsReboot && (c.kind === 'vf-settings' || c.kind === 'vf-driver' || c.kind === 'vf-count' || c.kind === 'vf-mac'));
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
    if (apply.kind !== 'set-vf' && apply.kind !== 'bind-vf' && apply.kind !== 'set-vf-macs') continue;
    // One operation for the PF's VFs; a change already queued for the PF (409) is fine: it is on its way.
    const kind = apply.kind === 'bind-vf' ? 'bind-vfs' : 'set-vfs';
    if (await recentlyFailed(kind, apply.pfId)) continue;
    // The VFs there are now and are not yet as asked: a plan counts the VFs a VF count change
    // (perhaps another policy's, not applied yet) would make; those are set at a later pass.
    const existing = await prisma.virtualFunction.findMany({
      where: { pfId: apply.pfId, index: { in: apply.vfIndexes } },
      orderBy: { index: 'asc' },
      select: { index: true, driver: true, mac: true, trust: true, spoofchk: true, linkState: true, maxTxRateMbps: true, pf: { select: { pciAddress: true } } },
    });
    const ledger = apply.kind === 'set-vf-macs' ? await prisma.macAllocation.findMany({ where: { hostId: plan.hostId }, select: { pfAddress: true, vfIndex: true, mac: true } }) : [];
    const off = (vf: (typeof existing)[number]) => {
      if (apply.kind === 'bind-vf') return apply.driver === 'vfio-pci' ? vf.driver !== 'vfio-pci' : vf.driver === 'vfio-pci';
      if (apply.kind === 'set-vf-macs') return ledger.find((l) => l.pfAddress === vf.pf.pciAddress && l.vfIndex === vf.index)?.mac !== vf.mac?.toLowerCase();
      return (Object.keys(apply.settings) as (keyof typeof VF_FIELDS)[]).some((field) => vf[VF_FIELDS[field]] !== apply.settings[field]);
    };
    const indexes = existing.filter(off).map((vf) => vf.index);
    if (indexes.length === 0) continue;
    const outcome =
      apply.kind === 'set-vf'
        ? await requests.requestPfVfSettings(apply.pfId, indexes.map((index) => ({ index, settings: apply.settings })), who)
        : apply.kind === 'set-vf-macs'
          ? await requests.requestPfStableMacs(apply.pfId, indexes, who)
          : await requests.requestPfVfBind(apply.pfId, indexes, { driver: apply.driver }, who);
    if (outcome.ok) queued.push(outcome.operation.id);
  }
  return queued;
}
