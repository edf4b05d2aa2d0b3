import { describe, expect, it } from 'vitest';
import { fleetQuerySchema, queryFleet, summarizeFleet, type FleetRow } from './fleet';
import type { ReadinessVerdict } from './readiness';

function row(name: string, over: Partial<FleetRow> & { verdict?: ReadinessVerdict } = {}): FleetRow {
  const { verdict = 'ready', ...rest } = over;
  return {
    id: `host_${name}`,
    name,
    model: 'ProLiant DL380 Gen10',
    generation: 'Gen10',
    ilo: { generation: 'iLO 5', firmwareVersion: '2.72' },
    readiness: { verdict, links: [] },
    pfs: { total: 2, sriovCapable: 2 },
    vfs: { assigned: 0, enabled: 0, capacity: 126 },
    vms: 0,
    agent: { status: 'online', lastSeenAt: null },
    labels: {},
    ...rest,
  };
}

const q = (input: Record<string, string> = {}) => fleetQuerySchema.parse(input);

describe('queryFleet', () => {
  const rows = [
    row('kvm-10', { generation: 'Gen11', vms: 3, verdict: 'not-ready', labels: { role: 'kvm', rack: 'a12' } }),
    row('kvm-2', { generation: 'Gen9', vms: 1, labels: { role: 'kvm' } }),
    row('kvm-1', { generation: 'Gen10 Plus', vms: 3, verdict: 'unknown', agent: { status: 'never-seen', lastSeenAt: null } }),
    row('db-1', { generation: 'Gen10', vms: 0, agent: { status: 'offline', lastSeenAt: '2026-11-24T08:00:00Z' } }),
  ];
  const names = (page: { hosts: FleetRow[] }) => page.hosts.map((h) => h.name);

  it('sorts names the way people count (kvm-2 before kvm-10)', () => {
    expect(names(queryFleet(rows, q()))).toEqual(['db-1', 'kvm-1', 'kvm-2', 'kvm-10']);
    expect(names(queryFleet(rows, q({ dir: 'desc' })))).toEqual(['kvm-10', 'kvm-2', 'kvm-1', 'db-1']);
  });

  it('sorts generations in product order, not alphabetically', () => {
    expect(queryFleet(rows, q({ sort: 'generation' })).hosts.map((h) => h.generation)).toEqual(['Gen9', 'Gen10', 'Gen10 Plus', 'Gen11']);
  });

  it('breaks ties by name, in both directions', () => {
    expect(names(queryFleet(rows, q({ sort: 'vms', dir: 'desc' })))).toEqual(['kvm-1', 'kvm-10', 'kvm-2', 'db-1']);
  });

  it('puts hosts needing action first when sorting readiness ascending', () => {
    expect(queryFleet(rows, q({ sort: 'readiness' })).hosts.map((h) => h.readiness.verdict)).toEqual(['not-ready', 'unknown', 'ready', 'ready']);
  });

  it('sorts agents offline first', () => {
    expect(queryFleet(rows, q({ sort: 'agent' })).hosts[0]?.name).toBe('db-1');
  });

  it('filters by name (case-insensitive), readiness and generation together', () => {
    expect(names(queryFleet(rows, q({ q: 'KVM' })))).toEqual(['kvm-1', 'kvm-2', 'kvm-10']);
    expect(names(queryFleet(rows, q({ readiness: 'not-ready' })))).toEqual(['kvm-10']);
    expect(names(queryFleet(rows, q({ q: 'kvm', generation: 'Gen9' })))).toEqual(['kvm-2']);
    expect(queryFleet(rows, q({ q: 'none' }))).toMatchObject({ hosts: [], total: 0, pageCount: 1 });
  });

  it('filters by agent status, "not-reporting" being offline and never seen together', () => {
    expect(names(queryFleet(rows, q({ agent: 'offline' })))).toEqual(['db-1']);
    expect(names(queryFleet(rows, q({ agent: 'never-seen' })))).toEqual(['kvm-1']);
    expect(names(queryFleet(rows, q({ agent: 'not-reporting' })))).toEqual(['db-1', 'kvm-1']);
    expect(names(queryFleet(rows, q({ agent: 'online' })))).toEqual(['kvm-2', 'kvm-10']);
    expect(fleetQuerySchema.safeParse({ agent: 'asleep' }).error?.issues[0]?.path).toEqual(['agent']);
  });

  it('filters by labels: key=value, or a key alone for any value; every part must hold', () => {
    expect(names(queryFleet(rows, q({ label: 'role=kvm' })))).toEqual(['kvm-2', 'kvm-10']);
    expect(names(queryFleet(rows, q({ label: 'rack' })))).toEqual(['kvm-10']);
    expect(names(queryFleet(rows, q({ label: 'role=kvm, rack=a13' })))).toEqual([]);
    const bad = fleetQuerySchema.safeParse({ label: 'role==kvm' });
    expect(bad.error?.issues[0]).toMatchObject({ path: ['label'], message: '"role==kvm" is not key=value or key (labels like role=kvm)' });
  });

  it('pages', () => {
    const page = queryFleet(rows, q({ pageSize: '3', page: '2' }));
    expect(page).toMatchObject({ total: 4, page: 2, pageSize: 3, pageCount: 2 });
    expect(names(page)).toEqual(['kvm-10']);
  });
});

describe('fleetQuerySchema', () => {
  it('rejects unknown parameters and bad values, naming them', () => {
    const r = fleetQuerySchema.safeParse({ readiness: 'maybe', colour: 'red' });
    expect(r.success).toBe(false);
    const paths = r.error?.issues.map((i) => (i.path.length ? i.path.join('.') : 'keys' in i ? i.keys.join(',') : '')) ?? [];
    expect(paths).toEqual(expect.arrayContaining(['readiness', 'colour']));
  });
});

describe('summarizeFleet', () => {
  it('adds up VFs and counts hosts needing attention: failing links, agents offline or never seen', () => {
    const s = summarizeFleet([
      row('a', { vfs: { assigned: 3, enabled: 8, capacity: 126 } }),
      row('b', { verdict: 'not-ready', vfs: { assigned: 0, enabled: 0, capacity: 64 } }),
      row('c', { agent: { status: 'offline', lastSeenAt: null }, vfs: { assigned: 1, enabled: 4, capacity: 7 } }),
      row('d', { verdict: 'unknown' }),
      row('e', { verdict: 'unknown', agent: { status: 'never-seen', lastSeenAt: null } }),
      row('f', { verdict: 'not-ready', agent: { status: 'offline', lastSeenAt: null } }),
    ]);
    expect(s).toEqual({
      hosts: 6,
      readyHosts: 2,
      notReadyHosts: 2,
      unknownHosts: 2,
      // b (not ready), c (offline), e (never seen), f (both, counted once).
      hostsNeedingAttention: 4,
      agents: { online: 3, offline: 2, neverSeen: 1 },
      vfs: { enabled: 12, assigned: 4, free: 8, capacity: 575 },
    });
  });

  it('is all zeros for an empty fleet', () => {
    expect(summarizeFleet([])).toMatchObject({ hosts: 0, readyHosts: 0, hostsNeedingAttention: 0, vfs: { enabled: 0, assigned: 0, free: 0, capacity: 0 } });
  });
});
