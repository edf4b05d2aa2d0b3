import { describe, expect, it } from 'vitest';
import { HISTORY_COLUMNS, historyQuerySchema, historyRow, historyTally } from './history';
import { summarize } from './tally';

const op = (id: string, queuedAt: string, status: string, change: Partial<Parameters<typeof historyRow>[0]> = {}) => ({
  id,
  kind: 'set-vf-count',
  targetType: 'pf',
  targetId: 'pf_1',
  status,
  attempts: 1,
  error: null,
  requestedBy: 'alice',
  queuedAt: new Date(queuedAt),
  startedAt: null,
  finishedAt: null,
  host: { name: 'kvm-a01' },
  ...change,
});

describe('change history report', () => {
  it('reads a bare date as a whole UTC day and accepts ISO-8601 times', () => {
    const q = historyQuerySchema.parse({ from: '2026-11-01', to: '2026-11-24' });
    expect(q.from?.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(q.to?.toISOString()).toBe('2026-11-25T00:00:00.000Z');
    expect(historyQuerySchema.parse({ from: '2026-11-24T08:00:00+01:00' }).from?.toISOString()).toBe('2026-11-24T07:00:00.000Z');
  });

  it('refuses impossible dates, reversed ranges and unknown kinds, naming the field', () => {
    const issue = (input: Record<string, string>) => historyQuerySchema.safeParse(input).error?.issues[0]?.path.join('.');
    expect(issue({ from: 'yesterday' })).toBe('from');
    expect(issue({ to: '2026-13-45' })).toBe('to');
    expect(issue({ from: '2026-11-24', to: '2026-11-01' })).toBe('to');
    expect(issue({ kind: 'format-disk' })).toBe('kind');
    expect(historyQuerySchema.safeParse({ since: '2026-11-01' }).error?.issues[0]?.code).toBe('unrecognized_keys');
  });

  it('gives each operation its outcome and how long it took', () => {
    const row = historyRow(op('op_1', '2026-11-24T10:00:00Z', 'failed', { startedAt: new Date('2026-11-24T10:00:01Z'), finishedAt: new Date('2026-11-24T10:00:03.5Z'), error: 'EBUSY', host: null }));
    expect(row).toMatchObject({ status: 'failed', durationSeconds: 2.5, error: 'EBUSY', host: null, operation: 'op_1' });
    expect(HISTORY_COLUMNS.map((c) => c.key).sort()).toEqual(Object.keys(row).sort());
  });

  it('counts by outcome and by day, and is empty without operations', () => {
    const rows = [op('1', '2026-11-23T23:59:00Z', 'succeeded'), op('2', '2026-11-24T00:01:00Z', 'failed', { requestedBy: 'bob' }), op('3', '2026-11-24T09:00:00Z', 'succeeded')].map(historyRow);
    const summary = summarize(historyTally(), rows);
    expect(summary).toMatchObject({ operations: 3, users: 2, hosts: 1, oldest: '2026-11-23T23:59:00.000Z', newest: '2026-11-24T09:00:00.000Z' });
    expect(summary.byStatus).toMatchObject({ succeeded: 2, failed: 1, queued: 0 });
    expect(summary.byDay.map((d) => [d.day, d.succeeded, d.failed])).toEqual([
      ['2026-11-23', 1, 0],
      ['2026-11-24', 1, 1],
    ]);
    expect(summarize(historyTally(), [])).toMatchObject({ operations: 0, byDay: [], oldest: null });
  });
});
