// The audit trail: every change and every refusal, with who asked and from where. Append-only:
// nothing in the application updates or deletes AuditEvent rows.

import 'server-only';
import { z } from 'zod';
import { auditActionGroup } from '@/lib/audit-words';
import { prisma } from '@/lib/db/client';
import { clientAddressOf } from '@/lib/front-door';
import type { Prisma } from '@/lib/generated/prisma/client';
import { ID_PATTERN } from '@/lib/http';
import { queryInt } from '@/lib/query';
import { containsText } from '@/lib/db/text-search';
import { log } from '@/lib/log';

export interface AuditRecord {
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  sourceAddress?: string | null;
  hostId?: string | null;
  hostName?: string | null;
  before?: unknown;
  after?: unknown;
  operationId?: string | null;
}

export async function recordAudit(record: AuditRecord): Promise<void> {
  await prisma.auditEvent.create({
    data: {
      actor: record.actor,
      action: record.action,
      targetType: record.targetType,
      targetId: record.targetId,
      sourceAddress: record.sourceAddress ?? null,
      hostId: record.hostId ?? null,
      hostName: record.hostName ?? null,
      before: record.before === undefined ? null : JSON.stringify(record.before),
      after: record.after === undefined ? null : JSON.stringify(record.after),
      operationId: record.operationId ?? null,
    },
  });
  // The log gets who did what to what (not the before and after: those stay in the audit log).
  log.info(
    { audit: record.action, actor: record.actor, target: `${record.targetType}:${record.targetId}`, host: record.hostId ?? undefined, operation: record.operationId ?? undefined, client: record.sourceAddress ?? undefined },
    `audit: ${record.action}`,
  );
}

/** The client's address as the server in front of Next saw it (lib/front-door.ts). */
export function sourceAddressOf(request: Request): string | null {
  return clientAddressOf(request);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A UTC day ("2026-11-24": from its start, or to its end) or an ISO 8601 time with offset. */
const instant = (endOfDay: boolean, example: string) =>
  z
    .string()
    .trim()
    .refine((v) => DAY.test(v) || z.iso.datetime({ offset: true }).safeParse(v).success, `a UTC day (2026-11-24) or an ISO 8601 time, e.g. ${example}`)
    .transform((v) => (DAY.test(v) ? new Date(Date.parse(`${v}T00:00:00Z`) + (endOfDay ? 86_400_000 - 1 : 0)) : new Date(v)))
    .refine((d) => Number.isFinite(d.getTime()), 'not a real date');

export const auditQuerySchema = z.strictObject({
  actor: z.string().trim().max(100).optional(),
  /** An action ("login-failed"), or one of AUDIT_ACTION_GROUPS ("assign-vf": requested, succeeded and failed). */
  action: z.string().trim().max(50).optional(),
  hostId: z.string().regex(ID_PATTERN, 'not a valid id').optional(),
  /** The host's name as the event recorded it (so a removed host's events can still be found). */
  host: z.string().trim().max(100).optional(),
  from: instant(false, '2026-11-24T00:00:00Z').optional(),
  to: instant(true, '2026-11-24T23:59:59Z').optional(),
  page: queryInt(1, 100_000).default(1),
  pageSize: queryInt(1, 500).default(100),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

function actionWhere(action: string): Prisma.AuditEventWhereInput[] {
  const group = auditActionGroup(action);
  if (!group) return [{ action }];
  return [...(group.actions.length > 0 ? [{ action: { in: [...group.actions] } }] : []), ...(group.prefix ? [{ action: { startsWith: group.prefix } }] : [])];
}

/** What the filter menus offer: the hosts and people that appear in the log. */
export async function auditFilterOptions(): Promise<{ hosts: string[]; actors: string[] }> {
  const [hosts, actors] = await Promise.all([
    prisma.auditEvent.findMany({ where: { hostName: { not: null } }, distinct: ['hostName'], select: { hostName: true }, orderBy: { hostName: 'asc' } }),
    prisma.auditEvent.findMany({ distinct: ['actor'], select: { actor: true }, orderBy: { actor: 'asc' }, take: 200 }),
  ]);
  return { hosts: hosts.flatMap((h) => (h.hostName ? [h.hostName] : [])), actors: actors.map((a) => a.actor) };
}

export async function listAudit(query: AuditQuery) {
  const where = {
    ...(query.actor ? { actor: containsText(query.actor) } : {}),
    ...(query.action ? { OR: actionWhere(query.action) } : {}),
    ...(query.hostId ? { hostId: query.hostId } : {}),
    ...(query.host ? { hostName: query.host } : {}),
    ...(query.from || query.to ? { at: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lte: query.to } : {}) } } : {}),
  } satisfies Prisma.AuditEventWhereInput;
  const [total, events] = await Promise.all([
    prisma.auditEvent.count({ where }),
    prisma.auditEvent.findMany({
      where,
      orderBy: { at: 'desc' },
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
      select: { id: true, at: true, actor: true, sourceAddress: true, action: true, hostId: true, hostName: true, targetType: true, targetId: true, before: true, after: true, operationId: true },
    }),
  ]);
  return { events, total, page: query.page, pageSize: query.pageSize, pageCount: Math.max(1, Math.ceil(total / query.pageSize)) };
}
