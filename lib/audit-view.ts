// The audit log page's rows: each event with its target named in words and its before/after as
// the fields that changed. Targets are resolved at read time (one query per kind of target for the
// whole page), so events written before this existed read the same way.

import 'server-only';
import { listAudit, type AuditQuery } from '@/lib/audit';
import { auditActionWords, auditDiff, auditNote, auditTargetWords, type AuditOutcome, type FieldChange } from '@/lib/audit-words';
import { prisma } from '@/lib/db/client';

export interface AuditEntry {
  id: string;
  at: Date;
  actor: string;
  sourceAddress: string | null;
  action: string;
  actionLabel: string;
  outcome: AuditOutcome;
  target: string;
  hostName: string | null;
  note: string | null;
  changes: FieldChange[];
  /** The rollout the event belongs to: its own events, and those of the operations it queued. */
  rolloutId: string | null;
}

export async function listAuditEntries(query: AuditQuery) {
  const page = await listAudit(query);
  const ids = (type: string) => [...new Set(page.events.filter((e) => e.targetType === type).map((e) => e.targetId))];
  const operationIds = [...new Set(page.events.flatMap((e) => (e.operationId ? [e.operationId] : [])))];
  const [operations, users, tokens, vfs, pfs] = await Promise.all([
    prisma.operation.findMany({ where: { id: { in: operationIds } }, select: { id: true, kind: true, params: true, rolloutId: true } }),
    prisma.user.findMany({ where: { id: { in: ids('user') } }, select: { id: true, userName: true } }),
    prisma.apiToken.findMany({ where: { id: { in: ids('api-token') } }, select: { id: true, name: true } }),
    prisma.virtualFunction.findMany({ where: { id: { in: ids('vf') } }, select: { id: true, index: true, pf: { select: { pciAddress: true } } } }),
    prisma.physicalFunction.findMany({ where: { id: { in: ids('pf') } }, select: { id: true, pciAddress: true } }),
  ]);
  const operation = new Map(operations.map((o) => [o.id, o]));
  const userName = new Map(users.map((u) => [u.id, u.userName]));
  const tokenName = new Map(tokens.map((t) => [t.id, t.name]));
  const vf = new Map(vfs.map((v) => [v.id, { index: v.index, pfAddress: v.pf.pciAddress }]));
  const pf = new Map(pfs.map((p) => [p.id, { pciAddress: p.pciAddress }]));

  const entries: AuditEntry[] = page.events.map((e) => {
    const op = e.operationId ? operation.get(e.operationId) : undefined;
    const { label, outcome } = auditActionWords(e.action);
    return {
      id: e.id,
      at: e.at,
      actor: e.actor,
      sourceAddress: e.sourceAddress,
      action: e.action,
      actionLabel: label,
      outcome,
      target: auditTargetWords({
        targetType: e.targetType,
        targetId: e.targetId,
        hostName: e.hostName,
        operation: op ?? null,
        vf: vf.get(e.targetId) ?? null,
        pf: pf.get(e.targetId) ?? null,
        userName: userName.get(e.targetId) ?? null,
        tokenName: tokenName.get(e.targetId) ?? null,
      }),
      hostName: e.hostName,
      note: auditNote(e.action, op, e.hostName, e.after),
      // A request's "after" is what was asked (the note says it), not a state to compare.
      changes: e.action.endsWith('.requested') || e.action === 'denied' ? [] : auditDiff(e.before, e.after),
      rolloutId: op?.rolloutId ?? (e.targetType === 'rollout' ? e.targetId : null),
    };
  });
  return { ...page, entries };
}
