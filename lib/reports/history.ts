// Change history: the operations (lib schema: Operation) in a time range, by user, host and
// kind, with their outcome. Empty until orchestration records operations; the page says so.

import { z } from 'zod';
import { iso, type Column } from './columns';
import type { OperationRecord } from './records';
import type { Tally } from './tally';

export const OPERATION_KINDS = ['set-vf-count', 'set-vf', 'bind-vf', 'assign-vf', 'release-vf', 'set-bios', 'reset-host'] as const;
export const OPERATION_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

/** A day ("2026-11-24", taken as 00:00 UTC) or a full ISO-8601 time with offset. */
const instant = (field: string, endOfDay: boolean) =>
  z
    .string()
    .trim()
    .refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) || z.iso.datetime({ offset: true }).safeParse(v).success, `${field}: a date (2026-11-24) or an ISO-8601 time`)
    .transform((v) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`).getTime() + (endOfDay ? 86_400_000 : 0) : Date.parse(v)))
    .refine((ms) => Number.isFinite(ms), `${field}: not a real date`)
    .transform((ms) => new Date(ms));

export const historyQuerySchema = z
  .strictObject({
    /** Operations queued at or after this time. */
    from: instant('from', false).optional(),
    /** Operations queued before this time; a bare date includes that whole day. */
    to: instant('to', true).optional(),
    user: z.string().trim().min(1).max(100).optional(),
    host: z.string().trim().min(1).max(100).optional(),
    kind: z.enum(OPERATION_KINDS).optional(),
    status: z.enum(OPERATION_STATUSES).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { path: ['to'], message: 'must be later than from' });
export type HistoryQuery = z.infer<typeof historyQuerySchema>;

export type HistoryRow = {
  queuedAt: string;
  kind: string;
  host: string | null;
  targetType: string;
  targetId: string;
  requestedBy: string;
  status: string;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  durationSeconds: number | null;
  error: string | null;
  operation: string;
};

export const HISTORY_COLUMNS: Column<HistoryRow>[] = [
  { key: 'queuedAt', header: 'Requested at', kind: 'time' },
  { key: 'kind', header: 'Kind' },
  { key: 'host', header: 'Host' },
  { key: 'targetType', header: 'Target' },
  { key: 'targetId', header: 'Target id', downloadOnly: true },
  { key: 'requestedBy', header: 'User' },
  { key: 'status', header: 'Outcome', kind: 'status' },
  { key: 'attempts', header: 'Attempts', kind: 'number' },
  { key: 'startedAt', header: 'Started at', kind: 'time', downloadOnly: true },
  { key: 'finishedAt', header: 'Finished at', kind: 'time', downloadOnly: true },
  { key: 'durationSeconds', header: 'Took (s)', kind: 'number' },
  { key: 'error', header: 'Error' },
  { key: 'operation', header: 'Operation id', downloadOnly: true },
];

export function historyRow(op: OperationRecord): HistoryRow {
  return {
    queuedAt: op.queuedAt.toISOString(),
    kind: op.kind,
    // The host may have been removed since (the relation is set null): say so rather than blank.
    host: op.host?.name ?? null,
    targetType: op.targetType,
    targetId: op.targetId,
    requestedBy: op.requestedBy,
    status: op.status,
    attempts: op.attempts,
    startedAt: iso(op.startedAt),
    finishedAt: iso(op.finishedAt),
    durationSeconds: op.startedAt && op.finishedAt ? Math.round((op.finishedAt.getTime() - op.startedAt.getTime()) / 100) / 10 : null,
    error: op.error,
    operation: op.id,
  };
}

export interface HistorySummary {
  operations: number;
  byStatus: Record<OperationStatus | 'other', number>;
  users: number;
  hosts: number;
  /** Per UTC day, oldest first. */
  byDay: ({ day: string } & Record<OperationStatus | 'other', number>)[];
  oldest: string | null;
  newest: string | null;
}

function statusKey(status: string): OperationStatus | 'other' {
  return (OPERATION_STATUSES as readonly string[]).includes(status) ? (status as OperationStatus) : 'other';
}

export function historyTally(): Tally<HistoryRow, HistorySummary> {
  const zero = () => ({ queued: 0, running: 0, succeeded: 0, failed: 0, other: 0 });
  const byStatus = zero();
  const byDay = new Map<string, ReturnType<typeof zero>>();
  const users = new Set<string>();
  const hosts = new Set<string>();
  let operations = 0;
  let oldest: string | null = null;
  let newest: string | null = null;
  return {
    add(row) {
      operations++;
      const status = statusKey(row.status);
      byStatus[status]++;
      const day = row.queuedAt.slice(0, 10);
      const d = byDay.get(day) ?? zero();
      byDay.set(day, d);
      d[status]++;
      users.add(row.requestedBy);
      if (row.host) hosts.add(row.host);
      if (oldest === null || row.queuedAt < oldest) oldest = row.queuedAt;
      if (newest === null || row.queuedAt > newest) newest = row.queuedAt;
    },
    result: () => ({
      operations,
      byStatus,
      users: users.size,
      hosts: hosts.size,
      byDay: [...byDay].map(([day, n]) => ({ day, ...n })).sort((a, b) => a.day.localeCompare(b.day)),
      oldest,
      newest,
    }),
  };
}
