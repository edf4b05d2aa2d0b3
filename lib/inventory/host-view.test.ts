import { describe, expect, it } from 'vitest';
import {
  activeOperationByVf,
  activeOperationOnPf,
  driftValueText,
  FAST_POLL_MS,
  formatDuration,
  restartClock,
  hostPollInterval,
  numaMismatch,
  orderVmsForPf,
  resetInProgress,
  runningVms,
  SLOW_POLL_MS,
  vfTileState,
  vmFilterFromParams,
  vmSearchParams,
} from './host-view';
import type { DriftItem } from './drift';
import type { OperationView } from '@/lib/operations/kinds';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const iso = (msBeforeNow: number) => new Date(NOW - msBeforeNow).toISOString();

function op(change: Partial<OperationView>): OperationView {
  return {
    id: 'op1',
    hostId: 'h1',
    kind: 'assign-vf',
    targetType: 'vf',
    targetId: 'vf3',
    rolloutId: null,
    targetLabel: 'VF 3 of 0000:12:00.0',
    summary: 'Assign VF 3 of 0000:12:00.0 to vnf-fw-01',
    status: 'queued',
    attempts: 0,
    progress: null,
    error: null,
    requestedBy: 'operator',
    queuedAt: iso(5_000),
    startedAt: null,
    finishedAt: null,
    ...change,
  };
}

const vf = (id: string, index: number, change: Partial<Parameters<typeof vfTileState>[0]> = {}) => ({ id, index, driver: 'ixgbevf', assignment: null, ...change });
const assignedTo = (name: string) => ({ vm: { id: `vm-${name}`, name, numaNode: 0 }, mac: null, vlan: null, assignedBy: 'operator', assignedAt: iso(0) });

describe('vfTileState', () => {
  it('names a free VF, a VF bound to vfio-pci and an assigned VF the way Playwright finds them', () => {
    expect(vfTileState(vf('a', 3), null, []).label).toBe('VF 3 free');
    expect(vfTileState(vf('a', 3, { driver: 'vfio-pci' }), null, []).label).toBe('VF 3 bound to vfio-pci');
    const assigned = vfTileState(vf('a', 3, { driver: 'vfio-pci', assignment: assignedTo('vnf-fw-01') }), null, []);
    expect(assigned).toMatchObject({ base: 'assigned', vmName: 'vnf-fw-01', label: 'VF 3 assigned to vnf-fw-01' });
  });

  it('adds drift and progress to the name, counting only drift aimed at this VF', () => {
    const drift: DriftItem[] = [
      { targetType: 'vf', targetId: 'a', label: 'VF 3 of 0000:12:00.0', field: 'vlan', desired: 100, actual: null },
      { targetType: 'vf', targetId: 'b', label: 'VF 4 of 0000:12:00.0', field: 'mac', desired: '52:00:00:00:00:01', actual: null },
      { targetType: 'pf', targetId: 'a', label: '0000:12:00.0', field: 'numVfs', desired: 8, actual: 4 },
    ];
    const state = vfTileState(vf('a', 3), op({ targetId: 'a' }), drift);
    expect(state.drift).toHaveLength(1);
    expect(state.label).toBe('VF 3 free, drifted, in progress');
  });
});

describe('activeOperationByVf', () => {
  const pfs = [
    { id: 'pf1', virtualFunctions: [vf('v1', 0), vf('v2', 1)] },
    { id: 'pf2', virtualFunctions: [vf('v3', 0)] },
  ] as never[];

  it('marks a VF targeted by a queued or running operation, not one that finished', () => {
    const map = activeOperationByVf(pfs, [op({ id: 'x', targetId: 'v1', status: 'running' }), op({ id: 'y', targetId: 'v3', status: 'succeeded' })]);
    expect(map.get('v1')?.id).toBe('x');
    expect(map.has('v3')).toBe(false);
  });

  it('marks every VF of a PF whose count is changing', () => {
    const count = op({ id: 'c', kind: 'set-vf-count', targetType: 'pf', targetId: 'pf1' });
    const map = activeOperationByVf(pfs, [count]);
    expect([...map.keys()].sort()).toEqual(['v1', 'v2']);
    expect(activeOperationOnPf('pf1', [count])?.id).toBe('c');
    expect(activeOperationOnPf('pf2', [count])).toBeNull();
  });

  it('names the oldest active operation when several wait on one VF (the list is newest first)', () => {
    const map = activeOperationByVf(pfs, [op({ id: 'newer', targetId: 'v1' }), op({ id: 'older', targetId: 'v1', status: 'running' })]);
    expect(map.get('v1')?.id).toBe('older');
  });
});

describe('orderVmsForPf', () => {
  const vms = [
    { name: 'upf-01', numaNode: 1 },
    { name: 'build-runner-01', numaNode: 1 },
    { name: 'vnf-fw-02', numaNode: 0 },
    { name: 'vnf-fw-01', numaNode: 0 },
    { name: 'odd', numaNode: null },
  ];

  it('puts the VMs on the PF’s NUMA node first, each group by name', () => {
    const ordered = orderVmsForPf(vms, 0);
    expect(ordered.map((c) => c.vm.name)).toEqual(['vnf-fw-01', 'vnf-fw-02', 'build-runner-01', 'odd', 'upf-01']);
    expect(ordered.map((c) => c.sameNuma)).toEqual([true, true, false, false, false]);
  });

  it('marks nothing when the PF’s node is unknown (sysfs -1) and keeps name order', () => {
    for (const node of [null, -1]) {
      const ordered = orderVmsForPf(vms, node);
      expect(ordered.every((c) => !c.sameNuma)).toBe(true);
      expect(ordered.map((c) => c.vm.name)).toEqual(['build-runner-01', 'odd', 'upf-01', 'vnf-fw-01', 'vnf-fw-02']);
    }
  });
});

describe('numaMismatch', () => {
  it('flags only two known, different nodes', () => {
    expect(numaMismatch(0, 1)).toBe(true);
    expect(numaMismatch(1, 1)).toBe(false);
    expect(numaMismatch(null, 1)).toBe(false);
    expect(numaMismatch(0, -1)).toBe(false);
  });
});

describe('hostPollInterval', () => {
  const online = { agentStatus: 'online' };

  it('polls slowly when nothing is happening, fast while an operation is queued or running', () => {
    expect(hostPollInterval(online, [], NOW)).toBe(SLOW_POLL_MS);
    expect(hostPollInterval(online, undefined, NOW)).toBe(SLOW_POLL_MS);
    expect(hostPollInterval(online, [op({ status: 'succeeded', finishedAt: iso(3_000) })], NOW)).toBe(SLOW_POLL_MS);
    expect(hostPollInterval(online, [op({ status: 'queued' })], NOW)).toBe(FAST_POLL_MS);
    expect(hostPollInterval(online, [op({ status: 'running' })], NOW)).toBe(FAST_POLL_MS);
  });

  it('watches a reset while it runs, and after it succeeded until the agent is online again', () => {
    const running = op({ kind: 'reset-host', targetType: 'host', targetId: 'h1', status: 'running' });
    const done = op({ kind: 'reset-host', targetType: 'host', targetId: 'h1', status: 'succeeded', finishedAt: iso(30_000) });
    const offline = { agentStatus: 'offline' };
    expect(resetInProgress(online, [running], NOW)).toBe(true);
    expect(resetInProgress(offline, [done], NOW)).toBe(true);
    expect(hostPollInterval(offline, [done], NOW)).toBe(FAST_POLL_MS);
    expect(resetInProgress(online, [done], NOW)).toBe(false);
    expect(hostPollInterval(online, [done], NOW)).toBe(SLOW_POLL_MS);
  });

  it('gives up watching a reset after a quarter of an hour, and ignores a failed one', () => {
    const longAgo = op({ kind: 'reset-host', status: 'succeeded', finishedAt: iso(20 * 60_000) });
    const failed = op({ kind: 'reset-host', status: 'failed', finishedAt: iso(1_000) });
    expect(hostPollInterval({ agentStatus: 'offline' }, [longAgo, failed], NOW)).toBe(SLOW_POLL_MS);
  });
});

describe('runningVms', () => {
  it('lists the VMs a reset takes down', () => {
    expect(runningVms([{ name: 'a', state: 'running' }, { name: 'b', state: 'shut off' }, { name: 'c', state: 'paused' }]).map((v) => v.name)).toEqual(['a']);
  });
});

describe('driftValueText', () => {
  it('says on/off for flags, nothing for an unset value, and numbers as they are', () => {
    expect([true, false, null, 100, 'Enabled'].map(driftValueText)).toEqual(['on', 'off', 'nothing', '100', 'Enabled']);
  });
});

describe('formatDuration', () => {
  it('reads like an operator would say it', () => {
    expect([400, 7_000, 60_000, 125_000, 3_600_000, 3_840_000].map(formatDuration)).toEqual(['< 1 s', '7 s', '1 min', '2 min 5 s', '1 h', '1 h 4 min']);
  });
});

describe('vmFilterFromParams', () => {
  it('reads the same filter from the browser’s URL and from a page’s searchParams, dropping empty values', () => {
    expect(vmFilterFromParams(new URLSearchParams('hostId=host_1&q=%20fw%20'))).toEqual({ hostId: 'host_1', q: 'fw' });
    expect(vmFilterFromParams({ hostId: '', q: ['upf', 'x'] })).toEqual({ q: 'upf' });
    expect(vmSearchParams({ hostId: 'host_1', q: 'fw' }).toString()).toBe('hostId=host_1&q=fw');
    expect(vmSearchParams({}).toString()).toBe('');
  });
});

describe('restartClock', () => {
  const started = { startedAt: '2026-11-24T10:00:00.000Z' };
  const at = (seconds: number) => Date.parse('2026-11-24T10:00:00Z') + seconds * 1000;

  it('says how long the host has been restarting against the median of its own resets', () => {
    expect(restartClock(started, { medianMs: 9_000, samples: 3, basis: 'host', model: 'ProLiant DL380 Gen11' }, at(5))).toEqual({
      startedAt: started.startedAt,
      elapsedMs: 5_000,
      usually: 'it usually takes about 9 s (median of this host’s last 3 resets)',
      late: false,
    });
  });

  it('falls back on the model, says when there is nothing to compare with, and calls a long one late', () => {
    expect(restartClock(started, { medianMs: 90_000, samples: 1, basis: 'model', model: 'ProLiant DL380 Gen11' }, at(10)).usually).toBe('it usually takes about 1 min 30 s (median of 1 reset of other ProLiant DL380 Gen11 hosts)');
    expect(restartClock(started, null, at(10))).toMatchObject({ late: false, usually: 'no earlier reset of this host or its model is on record to compare with' });
    expect(restartClock(started, { medianMs: 9_000, samples: 1, basis: 'host', model: 'x' }, at(60)).late).toBe(false);
    expect(restartClock(started, { medianMs: 9_000, samples: 1, basis: 'host', model: 'x' }, at(70)).late).toBe(true);
    expect(restartClock({ startedAt: null }, null, at(5))).toMatchObject({ startedAt: null, elapsedMs: null });
  });
});
