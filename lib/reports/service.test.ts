// The reports against a real migrated SQLite holding the demo fleet (lib/demo), whose stories
// fix the expected figures: which host fails which baseline check, which VM sits on the far NUMA
// node, which host has never reported.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, parseKey } from '@/lib/crypto/secrets';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { DEMO_HOSTS, nicPorts } from '@/lib/demo/demo-fleet';
import { seedDemoFleet } from '@/lib/demo/seed-fleet';
import { REPORT_NAMES, REPORTS, VIEW_ROW_LIMIT, type ReportName } from './catalog';
import type { ReportRow } from './columns';
import { NIC_MODEL_KEYS } from './filters';
import { prismaVfSource, sqliteVfSource } from './inventory-sql';
import type { AllocationAssignmentRecord } from './records';
import { reportBatches, reportView, streamReport } from './service';
import { BASELINE_REGISTRY } from './test-fixtures';

process.env.SECRETS_KEY ??= generateKey();
parseKey(process.env.SECRETS_KEY);

let db: TestDatabase;
const now = new Date('2026-11-24T12:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemoFleet(db.prisma, { now });
  // As the live demo has them once each iLO is read: the baseline's plan checks its changes against it.
  const hosts = await db.prisma.host.findMany({ where: { biosRead: { isNot: null } }, select: { id: true } });
  const { id: registryId, biosVersion, attributes, dependencies } = BASELINE_REGISTRY;
  await db.prisma.biosRegistry.createMany({ data: hosts.map((h) => ({ hostId: h.id, registryId, biosVersion, attributes: JSON.stringify(attributes), dependencies: JSON.stringify(dependencies), readAt: now })) });
});
afterAll(() => db?.dispose());

async function rows(name: ReportName, params: Record<string, string> = {}): Promise<ReportRow[]> {
  const all: ReportRow[] = [];
  for await (const batch of reportBatches(db.prisma, name, REPORTS[name].schema.parse(params))) all.push(...batch);
  return all;
}

async function download(name: ReportName, format: 'csv' | 'json', params: Record<string, string> = {}): Promise<string> {
  const { body } = await streamReport(db.prisma, name, REPORTS[name].schema.parse(params) as Record<string, unknown>, format, now);
  return new Response(body).text();
}

const seen = DEMO_HOSTS.filter((h) => h.agent !== 'never-seen');
const demoVfs = seen.reduce((n, h) => n + h.nics.reduce((m, nic) => m + nicPorts(nic) * nic.vfsPerPort, 0), 0);
const demoAssigned = DEMO_HOSTS.reduce((n, h) => n + h.vms.reduce((m, v) => m + v.vfs, 0), 0);
const byKey = (list: ReportRow[], key = 'host') => Object.fromEntries(list.map((r) => [String(r[key]), r]));
const byHost = (list: ReportRow[]) => byKey(list);

describe('reports on the demo fleet', () => {
  it('inventory: a row per VF, plus PFs without VFs and the host that never reported', async () => {
    const list = await rows('inventory');
    expect(list.filter((r) => r.vf !== null)).toHaveLength(demoVfs);
    expect(list.filter((r) => r.vm !== null)).toHaveLength(demoAssigned);
    expect(new Set(list.map((r) => r.host))).toEqual(new Set(DEMO_HOSTS.map((h) => h.name)));
    expect(list.filter((r) => r.host === 'kvm-d03')).toEqual([expect.objectContaining({ readiness: 'unknown', pf: null, vf: null, observedAt: null })]);
    expect(list.filter((r) => r.host === 'kvm-a01' && r.vf !== null)).toHaveLength(16);
  });

  it('allocation: flags exactly the VFs whose VM sits on the other NUMA node', async () => {
    const list = await rows('allocation');
    expect(list).toHaveLength(demoAssigned);
    const cross = list.filter((r) => r.placement === 'cross-numa');
    // kvm-b01: ran-du-02 runs on NUMA 0, its 640SFP28 sits on NUMA 1; kvm-a01: upf-01 on NUMA 1, the 560SFP+ on NUMA 0.
    expect(cross).toContainEqual(expect.objectContaining({ host: 'kvm-b01', vm: 'ran-du-02', vmNumaNode: 0, pfNumaNode: 1 }));
    expect(cross).toContainEqual(expect.objectContaining({ host: 'kvm-a01', vm: 'upf-01', vmNumaNode: 1, pfNumaNode: 0 }));
    // The other hosts whose VMs on NUMA 1 have only a NUMA-0 NIC to draw from.
    expect(cross.map((r) => `${r.host}/${r.vm}`).sort()).toEqual(['kvm-a01/upf-01', 'kvm-a02/lb-01', 'kvm-a03/cnf-nrf-01', 'kvm-b01/ran-du-02', 'kvm-c01/fw-22', 'kvm-c01/fw-22']);
    expect(list.filter((r) => r.placement === 'unknown')).toEqual([]);
    expect((await rows('allocation', { placement: 'cross-numa', nicModel: '640SFP28' })).map((r) => r.vm)).toEqual(['ran-du-02']);
  });

  it('capacity: per host, NUMA node and NIC model, adding up to the fleet', async () => {
    const hosts = byHost(await rows('capacity'));
    expect(Object.keys(hosts)).toHaveLength(DEMO_HOSTS.length);
    expect(hosts['kvm-a01']).toMatchObject({ possible: 126, enabled: 16, assigned: 5, free: 11, status: 'ok' });
    expect(hosts['kvm-c04']).toMatchObject({ possible: 0, status: 'no-sriov' });
    expect(hosts['kvm-d03']).toMatchObject({ possible: 0, pfs: 0, status: 'not-reported' });
    const view = await reportView(db.prisma, 'capacity', REPORTS.capacity.schema.parse({}), now);
    expect(view.summary).toMatchObject({ enabled: demoVfs, assigned: demoAssigned });
    const nics = byKey(await rows('capacity', { groupBy: 'nic-model' }), 'group');
    expect(nics.E810).toMatchObject({ hosts: 3, pfs: 6, possible: 768 });
    expect((await rows('capacity', { groupBy: 'numa-node', host: 'kvm-b03' })).map((r) => r.group)).toEqual(['kvm-b03 · NUMA 0', 'kvm-b03 · NUMA 1']);
    expect((await rows('capacity', { threshold: '1', host: 'kvm-b01' }))[0]).toMatchObject({ status: 'near-limit' });
  });

  it('compliance: each host judged against the baseline policy as its story says', async () => {
    const list = await rows('compliance');
    const verdicts = Object.fromEntries(list.map((r) => [r.host, r.compliance]));
    expect(verdicts).toEqual({
      'kvm-a01': 'compliant',
      'kvm-a02': 'compliant',
      'kvm-a03': 'compliant',
      'kvm-a04': 'drifted',
      'kvm-b01': 'compliant',
      'kvm-b02': 'drifted',
      'kvm-b03': 'compliant',
      'kvm-c01': 'compliant',
      // VT-d is staged on: the next reboot applies it.
      'kvm-c02': 'pending-reboot',
      'kvm-c03': 'drifted',
      // Only the NIC fails there (no SR-IOV card): the BIOS and kernel baseline holds.
      'kvm-c04': 'compliant',
      'kvm-d01': 'drifted',
      // The LowLatency workload profile locks Sriov off: no plan can turn it on.
      'kvm-d02': 'refused',
      'kvm-d03': 'unknown',
      'kvm-d04': 'compliant',
      'kvm-e01': 'compliant',
    });
    const hosts = byHost(list);
    expect(hosts['kvm-c02']).toMatchObject({ iommuBios: 'pending', pending: 'IntelProcVtd=Enabled', failing: null });
    expect(hosts['kvm-b02']).toMatchObject({ iommuBios: 'fail', failing: 'BIOS ProcAmdIoVt: Disabled → Enabled', failureSeenAt: expect.any(String) });
    expect(hosts['kvm-c03']).toMatchObject({ kernelArgs: 'fail', failing: 'Kernel command line: + intel_iommu=on iommu=pt' });
    expect(hosts['kvm-d02']).toMatchObject({ sriov: 'fail', failing: expect.stringMatching(/^BIOS Sriov: refused \(locked: WorkloadProfile is LowLatency/) });
    expect(hosts['kvm-d03']).toMatchObject({ sriov: 'pass', kernelArgs: 'unknown', vfioPci: 'unknown', failureSeenAt: null });
    expect((await rows('compliance', { compliance: 'drifted', generation: 'Gen9' })).map((r) => r.host)).toEqual(['kvm-c03']);
    expect(() => REPORTS.compliance.schema.parse({ compliance: 'non-compliant' })).toThrow();
  });

  it('compliance: a BIOS change with no registry read is refused, as in a plan', async () => {
    const host = await db.prisma.host.findUniqueOrThrow({ where: { name: 'kvm-a04' }, select: { id: true, biosRegistry: true } });
    await db.prisma.biosRegistry.delete({ where: { hostId: host.id } });
    try {
      const [row] = await rows('compliance', { host: 'kvm-a04' });
      expect(row).toMatchObject({ compliance: 'refused', sriov: 'fail', failing: 'BIOS Sriov: refused (the BIOS attribute registry has not been read from the iLO yet)' });
    } finally {
      await db.prisma.biosRegistry.create({ data: { ...host.biosRegistry!, id: undefined } });
    }
  });

  it('filters by generation, model, NIC model, readiness and VM', async () => {
    expect(new Set((await rows('inventory', { generation: 'Gen9' })).map((r) => r.host))).toEqual(new Set(['kvm-c03', 'kvm-c04']));
    expect((await rows('compliance', { model: 'ProLiant DL385 Gen10 Plus v2' })).map((r) => r.host)).toEqual(['kvm-b01', 'kvm-b02']);
    expect(new Set((await rows('inventory', { nicModel: '640SFP28' })).map((r) => r.nicModel))).toEqual(new Set(['640SFP28']));
    expect((await rows('compliance', { readiness: 'unknown' })).map((r) => r.host)).toEqual(['kvm-d03']);
    expect((await rows('allocation', { vm: 'ran-' })).map((r) => r.vm)).toEqual(['ran-cu-01', 'ran-cu-01', 'ran-du-01', 'ran-du-01', 'ran-du-02']);
    expect((await rows('capacity', { vm: 'ran-du' })).map((r) => r.host)).toEqual(['kvm-b01']);
  });

  it('capacity and allocation, which read the verdict stored on the host row, select the hosts whose readiness the inventory judges the same', async () => {
    for (const readiness of ['ready', 'not-ready', 'unknown']) {
      const judged = new Set((await rows('inventory', { readiness })).map((r) => r.host));
      expect(judged.size, readiness).toBeGreaterThan(0);
      expect({ readiness, hosts: new Set((await rows('capacity', { readiness })).map((r) => r.host)) }).toEqual({ readiness, hosts: judged });
      const allocated = new Set((await rows('allocation', { readiness })).map((r) => r.host));
      expect([...allocated].filter((h) => !judged.has(h))).toEqual([]);
    }
  });

  it('downloads CSV and JSON with the same rows the view counts, and no secrets', async () => {
    for (const name of ['inventory', 'allocation', 'capacity', 'compliance'] as const) {
      const view = await reportView(db.prisma, name, REPORTS[name].schema.parse({}), now);
      const csv = (await download(name, 'csv')).split('\r\n').filter(Boolean);
      expect(csv[0]).toBe(REPORTS[name].columns.map((c) => c.key).join(','));
      expect(csv.length - 1).toBe(view.rowCount);
      const jsonText = await download(name, 'json');
      expect(jsonText).not.toMatch(/Enc"|demo-ilo-password|demo-agent-token/);
      const json = JSON.parse(jsonText);
      expect(json).toMatchObject({ report: name, generatedAt: now.toISOString(), rowCount: view.rowCount, summary: view.summary });
      expect(json.rows).toHaveLength(view.rowCount);
    }
  });
});

describe('the allocation page and export agree', () => {
  it('counts the same rows and figures from the database as the download adds up from its rows', async () => {
    const nicModels = NIC_MODEL_KEYS.map((nicModel) => ({ nicModel }));
    for (const params of [{}, { vm: 'ran-' }, { vm: 'UPF' }, ...nicModels, { placement: 'cross-numa' }, { placement: 'same-numa' }, { placement: 'unknown' }, { readiness: 'ready' }, { host: 'kvm-a0' }, { vm: 'no-such-vm' }] as Record<string, string>[]) {
      const query = REPORTS.allocation.schema.parse(params);
      const view = await reportView(db.prisma, 'allocation', query, now);
      const json = JSON.parse(await download('allocation', 'json', params));
      expect({ params, rowCount: view.rowCount, summary: view.summary }).toEqual({ params, rowCount: json.rowCount, summary: json.summary });
      expect(view.rows).toEqual(json.rows.slice(0, VIEW_ROW_LIMIT));
    }
  });
});

describe('the inventory page and export agree', () => {
  it('counts the same rows and figures from the database as the download adds up from its rows', async () => {
    for (const params of [{}, { vm: 'ran-' }, { vm: 'RAN-DU' }, { nicModel: '640SFP28' }, { readiness: 'not-ready' }, { generation: 'Gen9' }, { host: 'kvm-d0' }, { vm: 'no-such-vm' }] as Record<string, string>[]) {
      const query = REPORTS.inventory.schema.parse(params);
      const view = await reportView(db.prisma, 'inventory', query, now);
      const json = JSON.parse(await download('inventory', 'json', params));
      expect({ params, rowCount: view.rowCount, summary: view.summary }).toEqual({ params, rowCount: json.rowCount, summary: json.summary });
      expect(view.rows).toEqual(json.rows.slice(0, VIEW_ROW_LIMIT));
    }
  });

  it('reads the same VFs and assignments through Prisma as through its own SQLite connection', async () => {
    const pfIds = (await db.prisma.physicalFunction.findMany({ select: { id: true } })).map((pf) => pf.id);
    const vmIds = (await db.prisma.virtualMachine.findMany({ select: { id: true } })).map((vm) => vm.id);
    // The raw SQL of the portable source runs on either database; the SQLite one only on SQLite.
    const sqlite = db.provider === 'sqlite' ? sqliteVfSource(db.url.slice('file:'.length)) : null;
    const portable = prismaVfSource(db.prisma);
    try {
      for (const assignedOnly of [false, true]) {
        const expected = await portable.vfs(pfIds, assignedOnly);
        expect([...expected.values()].flat().length).toBe(assignedOnly ? demoAssigned : demoVfs);
        if (sqlite) expect(await sqlite.vfs(pfIds, assignedOnly)).toEqual(expected);
      }
      const sorted = (byVm: Map<string, AllocationAssignmentRecord[]>) =>
        new Map([...byVm].map(([vm, list]) => [vm, list.toSorted((x, y) => x.vf.pciAddress.localeCompare(y.vf.pciAddress))]));
      const given = sorted(await portable.assignments(vmIds));
      expect([...given.values()].flat().length).toBe(demoAssigned);
      if (sqlite) expect(sorted(await sqlite.assignments(vmIds))).toEqual(given);
    } finally {
      sqlite?.close();
    }
  });
});

describe('reports on edge cases', () => {
  it('a host with no iLO data yet is unknown in compliance, not failing', async () => {
    await db.prisma.host.create({
      data: { name: 'kvm-z99', model: 'ProLiant DL360 Gen11', generation: 'Gen11', serialNumber: 'CZTEST0001', cpuVendor: 'Intel', agentUrl: 'https://kvm-z99:8443' },
    });
    const [row] = await rows('compliance', { host: 'kvm-z99' });
    expect(row).toMatchObject({ compliance: 'unknown', ilo: null, sriov: 'unknown', iommuBios: 'unknown', vtx: 'unknown', kernelArgs: 'unknown', vfioPci: 'unknown', biosReadAt: null });
    expect(row!.failing).toBe('Not known: its BIOS has not been read through the iLO yet; its agent has never reported, so its kernel arguments and modules are not known');
    expect(await rows('inventory', { host: 'kvm-z99' })).toEqual([expect.objectContaining({ host: 'kvm-z99', readiness: 'unknown', pf: null })]);
    await db.prisma.host.delete({ where: { name: 'kvm-z99' } });
  });

  it('change history is empty until operations are recorded, then filters them', async () => {
    expect(await rows('history')).toEqual([]);
    expect(await download('history', 'csv')).toBe(`${REPORTS.history.columns.map((c) => c.key).join(',')}\r\n`);
    expect(JSON.parse(await download('history', 'json'))).toMatchObject({ rows: [], rowCount: 0, summary: { operations: 0 } });

    const host = await db.prisma.host.findUniqueOrThrow({ where: { name: 'kvm-a01' }, select: { id: true } });
    const other = await db.prisma.host.findUniqueOrThrow({ where: { name: 'kvm-c02' }, select: { id: true } });
    await db.prisma.operation.createMany({
      data: [
        { id: 'op_1', kind: 'set-vf-count', lane: 'pf:pf_x', hostId: host.id, targetType: 'pf', targetId: 'pf_x', status: 'succeeded', requestedBy: 'alice', queuedAt: new Date('2026-11-20T09:00:00Z'), startedAt: new Date('2026-11-20T09:00:01Z'), finishedAt: new Date('2026-11-20T09:00:04Z'), attempts: 1 },
        { id: 'op_2', kind: 'assign-vf', lane: 'pf:pf_x', hostId: host.id, targetType: 'vf', targetId: 'vf_x', status: 'failed', error: 'EBUSY: 8 VFs already enabled', requestedBy: 'bob', queuedAt: new Date('2026-11-22T15:30:00Z'), attempts: 3 },
        { id: 'op_3', kind: 'set-bios', lane: `host:${other.id}`, hostId: other.id, targetType: 'host', targetId: other.id, status: 'queued', requestedBy: 'alice', queuedAt: new Date('2026-11-24T08:00:00Z') },
      ],
    });
    expect((await rows('history')).map((r) => r.operation)).toEqual(['op_3', 'op_2', 'op_1']);
    expect((await rows('history', { from: '2026-11-21', to: '2026-11-22' })).map((r) => r.operation)).toEqual(['op_2']);
    expect((await rows('history', { user: 'alice', host: 'kvm-a01' })).map((r) => r.operation)).toEqual(['op_1']);
    expect((await rows('history', { kind: 'set-bios', status: 'queued' })).map((r) => r.host)).toEqual(['kvm-c02']);
    expect((await rows('history'))[2]).toMatchObject({ status: 'succeeded', durationSeconds: 3, requestedBy: 'alice' });
  });

  it('a page of hosts holding more than 999 VMs still reads (SQLite bind limit)', async () => {
    // 130 hosts x 8 VMs, each VM holding one VF: 1,040 VMs in one page of 200 hosts.
    const hosts = Array.from({ length: 130 }, (_, h) => `kvm-many-${String(h).padStart(3, '0')}`);
    const common = { model: 'ProLiant DL380 Gen10', generation: 'Gen10', cpuVendor: 'Intel' };
    await db.prisma.host.createMany({ data: hosts.map((name) => ({ id: name, name, serialNumber: `SN-${name}`, agentUrl: `https://${name}:8443`, ...common })) });
    await db.prisma.physicalFunction.createMany({ data: hosts.map((hostId) => ({ id: `${hostId}-pf`, hostId, pciAddress: '0000:12:00.0', vendorId: '8086', deviceId: '10fb', modelName: 'HPE 560SFP+', totalVfs: 63, currentVfs: 8, numaNode: 0 })) });
    const eight = hosts.flatMap((hostId) => Array.from({ length: 8 }, (_, i) => ({ hostId, i })));
    // VF addresses run opposite to VM names, so the rows' order comes from sorting, not insertion.
    await db.prisma.virtualFunction.createMany({ data: eight.map(({ hostId, i }) => ({ id: `${hostId}-vf${i}`, hostId, pfId: `${hostId}-pf`, index: i, pciAddress: `0000:12:10.${7 - i}` })) });
    await db.prisma.virtualMachine.createMany({ data: eight.map(({ hostId, i }) => ({ id: `${hostId}-vm${i}`, hostId, name: `vm-${i}`, state: 'running', numaNode: 0 })) });
    await db.prisma.assignment.createMany({ data: eight.map(({ hostId, i }) => ({ vfId: `${hostId}-vf${i}`, vmId: `${hostId}-vm${i % 2}`, hostId, assignedBy: 'test' })) });

    const list = await rows('allocation', { host: 'kvm-many-' });
    expect(list).toHaveLength(hosts.length * 8);
    expect(list.filter((r) => r.host === 'kvm-many-000').map((r) => `${r.vm} ${r.vfPciAddress}`)).toEqual([
      'vm-0 0000:12:10.1',
      'vm-0 0000:12:10.3',
      'vm-0 0000:12:10.5',
      'vm-0 0000:12:10.7',
      'vm-1 0000:12:10.0',
      'vm-1 0000:12:10.2',
      'vm-1 0000:12:10.4',
      'vm-1 0000:12:10.6',
    ]);
    await db.prisma.host.deleteMany({ where: { name: { in: hosts } } });
  });

  it('an empty fleet gives empty reports, not errors', async () => {
    await db.prisma.operation.deleteMany();
    await db.prisma.host.deleteMany();
    for (const name of REPORT_NAMES) {
      expect(await rows(name)).toEqual([]);
      const json = JSON.parse(await download(name, 'json'));
      expect(json.rowCount).toBe(0);
      const view = await reportView(db.prisma, name, REPORTS[name].schema.parse({}), now);
      expect(view).toMatchObject({ rowCount: 0, rows: [], truncated: false });
    }
    expect(await rows('capacity', { groupBy: 'nic-model' })).toEqual([]);
  });
});
