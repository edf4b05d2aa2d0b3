import { describe, expect, it } from 'vitest';
import { HISTORY_COLUMNS, historyChartDays, historyQuerySchema, historyRow, historyTally } from './history';
import { summarize } from './tally';

const op = (id: string, queuedAt: string, status: string, change: Partial<Parameters<typeof historyRow>[0]> = {}) => ({
  id,
  kind: 'set-vf-count',
  targetType: 'pf',
  targetId: 'pf_1',
  params: JSON.stringify({ pfAddress: '0000:12:00.0', numVfs: 8 }),
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

  it('says what changed in words, as the host page does, never by internal id alone', () => {
    expect(historyRow(op('op_1', '2026-11-24T10:00:00Z', 'succeeded'))).toMatchObject({ target: '0000:12:00.0', change: 'Set 0000:12:00.0 to 8 VFs' });
    const release = historyRow(
      op('op_2', '2026-11-24T10:00:00Z', 'succeeded', { kind: 'release-vf', targetType: 'vf', targetId: 'cmx5gze6', params: JSON.stringify({ pfAddress: '0000:31:00.0', vfAddress: '0000:31:01.0', index: 0, vmName: 'web-01' }) }),
    );
    expect(release).toMatchObject({ target: 'VF 0 of 0000:31:00.0', change: 'Release VF 0 of 0000:31:00.0 from web-01' });
    const shown = HISTORY_COLUMNS.filter((c) => !c.downloadOnly).map((c) => c.key);
    expect(shown).toEqual(expect.arrayContaining(['target', 'change']));
    expect(shown).not.toContain('targetId');
  });

  it('charts one day of operations as one bar among at least 14 days', () => {
    const day = { day: '2026-11-24', queued: 0, running: 0, succeeded: 3, failed: 1, other: 0 };
    const days = historyChartDays([day]);
    expect(days).toHaveLength(14);
    expect(days[0]!.day).toBe('2026-11-11');
    expect(days.at(-1)).toEqual(day);
    expect(days.slice(0, 13).every((d) => d.succeeded + d.failed === 0)).toBe(true);
    // A longer range keeps every day from the first to the last.
    expect(historyChartDays([{ ...day, day: '2026-10-01' }, day])).toHaveLength(55);
    expect(historyChartDays([])).toEqual([]);
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
