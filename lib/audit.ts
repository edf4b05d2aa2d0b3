// The audit trail: every change and every refusal, with who asked and from where. Append-only:
// nothing in the application updates or deletes AuditEvent rows.

import { z } from 'zod';
import { prisma } from '@/lib/db/client';
import { clientAddressOf } from '@/lib/front-door';
import { ID_PATTERN } from '@/lib/http';
import { queryInt } from '@/lib/query';

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
}

/** The client's address as the server in front of Next saw it (lib/front-door.ts). */
export function sourceAddressOf(request: Request): string | null {
  return clientAddressOf(request);
}

export const auditQuerySchema = z.strictObject({
  actor: z.string().trim().max(100).optional(),
  action: z.string().trim().max(50).optional(),
  hostId: z.string().regex(ID_PATTERN, 'not a valid id').optional(),
  from: z.iso.datetime({ offset: true, message: 'an ISO 8601 time, e.g. 2026-11-24T00:00:00Z' }).optional(),
  to: z.iso.datetime({ offset: true, message: 'an ISO 8601 time, e.g. 2026-11-24T23:59:59Z' }).optional(),
  page: queryInt(1, 100_000).default(1),
  pageSize: queryInt(1, 500).default(100),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export async function listAudit(query: AuditQuery) {
  const where = {
    ...(query.actor ? { actor: { contains: query.actor } } : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(query.hostId ? { hostId: query.hostId } : {}),
    ...(query.from || query.to ? { at: { ...(query.from ? { gte: new Date(query.from) } : {}), ...(query.to ? { lte: new Date(query.to) } : {}) } } : {}),
  };
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
