import { describe, expect, it } from 'vitest';
import { CAPACITY_COLUMNS, capacityGrouper, capacityParts, capacityStatus, capacityTally, type CapacityGrouping } from './capacity';
import { summarize } from './tally';
import { capacityHost } from './test-fixtures';

const hosts = [
  capacityHost('kvm-a01', [
    { numaNode: 0, enabled: 8, assigned: 4 },
    { numaNode: 1, enabled: 8, assigned: 1 },
  ]),
  // Small pool, nearly all given out: enable more VFs.
  capacityHost('kvm-a02', [{ numaNode: 0, total: 63, enabled: 4, assigned: 4 }]),
  // At the hardware limit.
  capacityHost('kvm-b01', [{ numaNode: 1, total: 8, enabled: 8, assigned: 7 }]),
  { ...capacityHost('kvm-d03', []), observedAt: null },
];

function rows(groupBy: CapacityGrouping, threshold = 80) {
  const g = capacityGrouper(groupBy, threshold);
  for (const h of hosts) for (const part of capacityParts(h, {})) g.add(part);
  return g.rows();
}

describe('capacity report', () => {
  it('adds possible, enabled, assigned and free per host', () => {
    const byHost = rows('host');
    expect(byHost.map((r) => [r.group, r.possible, r.enabled, r.assigned, r.free, r.notEnabled, r.status])).toEqual([
      ['kvm-a01', 126, 16, 5, 11, 110, 'ok'],
      ['kvm-a02', 63, 4, 4, 0, 59, 'few-free'],
      ['kvm-b01', 8, 8, 7, 1, 0, 'near-limit'],
      ['kvm-d03', 0, 0, 0, 0, 0, 'not-reported'],
    ]);
    expect(byHost[2]?.usedPercent).toBe(87.5);
    expect(byHost[3]?.usedPercent).toBeNull();
    expect(CAPACITY_COLUMNS.map((c) => c.key).sort()).toEqual(Object.keys(byHost[0] ?? {}).sort());
  });

  it('groups by host and NUMA node, and by NIC model across hosts', () => {
    expect(rows('numa-node').map((r) => [r.group, r.assigned])).toEqual([
      ['kvm-a01 · NUMA 0', 4],
      ['kvm-a01 · NUMA 1', 1],
      ['kvm-a02 · NUMA 0', 4],
      ['kvm-b01 · NUMA 1', 7],
      ['kvm-d03', 0],
    ]);
    expect(rows('nic-model')).toMatchObject([{ group: '560SFP+', hosts: 3, pfs: 4, possible: 197, enabled: 28, assigned: 16 }]);
  });

  it('judges near-limit against the threshold', () => {
    expect(capacityStatus({ possible: 10, enabled: 10, assigned: 8, reported: true }, 80)).toBe('near-limit');
    expect(capacityStatus({ possible: 10, enabled: 10, assigned: 7, reported: true }, 80)).toBe('ok');
    expect(capacityStatus({ possible: 10, enabled: 10, assigned: 7, reported: true }, 70)).toBe('near-limit');
    expect(capacityStatus({ possible: 0, enabled: 0, assigned: 0, reported: true }, 80)).toBe('no-sriov');
    expect(rows('host', 50).map((r) => r.status)).toEqual(['ok', 'few-free', 'near-limit', 'not-reported']);
  });

  it('sums the fleet and charts the busiest groups first', () => {
    const summary = summarize(capacityTally(), rows('host'));
    expect(summary).toMatchObject({ groups: 4, chartable: 3, possible: 197, enabled: 28, assigned: 16, free: 12 });
    expect(summary.byStatus).toEqual({ 'near-limit': 1, 'few-free': 1, ok: 1, 'no-sriov': 0, 'not-reported': 1 });
    expect(summary.chart.map((c) => c.group)).toEqual(['kvm-b01', 'kvm-a02', 'kvm-a01']);
    expect(summary.observed.neverReported).toBe(1);
  });
});
