// Change history: the operations (lib schema: Operation) in a time range, by user, host and
// kind, with their outcome, each saying what it changed in words (the same words as the host
// page's timeline: lib/operations/kinds.ts). Empty until someone changes a host; the page says so.

import { z } from 'zod';
import { describeOperation, OPERATION_KIND_WORDS, OPERATION_KINDS, OPERATION_STATUSES, parseParams, type OperationKind, type OperationStatus } from '@/lib/operations/kinds';
import { iso, type Column } from './columns';
import type { OperationRecord } from './records';
import type { Tally } from './tally';

export { OPERATION_KINDS, OPERATION_STATUSES };

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
  /** "VF 3 of 0000:31:00.0", "0000:31:00.0", "kvm-a04 BIOS". */
  target: string;
  /** "Release VF 0 of 0000:31:00.0 from web-01". */
  change: string;
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
  { key: 'kind', header: 'Kind', kind: 'operation-kind' },
  { key: 'host', header: 'Host' },
  { key: 'target', header: 'Target' },
  { key: 'change', header: 'What changed', wrap: true },
  { key: 'targetType', header: 'Target type', downloadOnly: true },
  { key: 'targetId', header: 'Target id (internal)', downloadOnly: true },
  { key: 'requestedBy', header: 'User' },
  { key: 'status', header: 'Outcome', kind: 'status' },
  { key: 'attempts', header: 'Attempts', kind: 'number' },
  { key: 'startedAt', header: 'Started at', kind: 'time', downloadOnly: true },
  { key: 'finishedAt', header: 'Finished at', kind: 'time', downloadOnly: true },
  { key: 'durationSeconds', header: 'Took (s)', kind: 'number' },
  { key: 'error', header: 'Error', wrap: true },
  { key: 'operation', header: 'Operation id', downloadOnly: true },
];

export function historyRow(op: OperationRecord): HistoryRow {
  // The host may have been removed since (the relation is set null): the words say "the host".
  const { targetLabel, summary } = describeOperation(op.kind, parseParams(op.params), op.host?.name ?? null);
  return {
    queuedAt: op.queuedAt.toISOString(),
    kind: op.kind,
    host: op.host?.name ?? null,
    target: targetLabel,
    change: summary,
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

export type HistoryDay = HistorySummary['byDay'][number];

/**
 * The days the chart shows: every day from the first to the last operation, and at least
 * `minDays` ending on the last, so one day of data is one bar among its neighbours rather than
 * one block the width of the chart.
 */
export function historyChartDays(byDay: readonly HistoryDay[], minDays = 14): HistoryDay[] {
  const first = byDay[0];
  const last = byDay.at(-1);
  if (!first || !last) return [];
  const end = Date.parse(`${last.day}T00:00:00Z`);
  const start = Math.min(Date.parse(`${first.day}T00:00:00Z`), end - (minDays - 1) * 86_400_000);
  const known = new Map(byDay.map((d) => [d.day, d]));
  const days: HistoryDay[] = [];
  for (let t = start; t <= end; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    days.push(known.get(day) ?? { day, queued: 0, running: 0, succeeded: 0, failed: 0, other: 0 });
  }
  return days;
}

/** A kind in words for the page ("Assign VF"); CSV and JSON keep the kind's key. */
export function operationKindWords(kind: string): string {
  return OPERATION_KIND_WORDS[kind as OperationKind] ?? kind;
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
