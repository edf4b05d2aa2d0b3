import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, parseKey } from '@/lib/crypto/secrets';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { fleetRowSelect } from '@/lib/inventory/fleet';
import { FLEET_FACTS_VERSION, fleetFactsOf, naturalKey, refreshFleetFacts, refreshStaleFleetFacts } from '@/lib/inventory/fleet-facts';
import { fleetHostSelect } from '@/lib/db/hosts';
import { DEMO_HOSTS } from './demo-fleet';
import { seedDemoFleet } from './seed-fleet';

process.env.SECRETS_KEY ??= generateKey();
parseKey(process.env.SECRETS_KEY);

let db: TestDatabase;
const now = new Date('2026-11-24T12:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemoFleet(db.prisma, { now });
});
afterAll(() => db?.dispose());

async function snapshot() {
  const hosts = await db.prisma.host.findMany({
    orderBy: { name: 'asc' },
    select: {
      id: true,
      name: true,
      serialNumber: true,
      physicalFunctions: { orderBy: { pciAddress: 'asc' }, select: { id: true, pciAddress: true, currentVfs: true, virtualFunctions: { orderBy: { index: 'asc' }, select: { id: true, pciAddress: true, mac: true, vlan: true, iommuGroup: true } } } },
      assignments: { orderBy: { vfId: 'asc' }, select: { vfId: true, vmId: true, mac: true, vlan: true } },
    },
  });
  return hosts;
}

describe('natural sort keys', () => {
  it('pads digit runs so SQL order is the order a person reads', () => {
    const names = ['kvm-a10', 'KVM-a2', 'kvm-a02b', 'db-9', 'kvm-a1.rack3'];
    expect(names.toSorted((a, b) => (naturalKey(a) < naturalKey(b) ? -1 : 1))).toEqual(['db-9', 'kvm-a1.rack3', 'KVM-a2', 'kvm-a02b', 'kvm-a10']);
    expect(naturalKey('h007')).toBe(naturalKey('h7'));
  });
});

describe('the demo fleet seed', () => {
  it('loads at least 12 hosts mixing models, generations, CPU vendors and iLOs', async () => {
    const hosts = await db.prisma.host.findMany({ select: { model: true, generation: true, cpuVendor: true, bmc: { select: { generation: true } } } });
    expect(hosts.length).toBe(DEMO_HOSTS.length);
    expect(hosts.length).toBeGreaterThanOrEqual(12);
    expect(new Set(hosts.map((h) => h.model.match(/DL3\d\d/)?.[0]))).toEqual(new Set(['DL360', 'DL380', 'DL385']));
    expect(new Set(hosts.map((h) => h.generation))).toEqual(new Set(['Gen9', 'Gen10', 'Gen10 Plus', 'Gen11']));
    expect(new Set(hosts.map((h) => h.cpuVendor))).toEqual(new Set(['Intel', 'AMD']));
    expect(new Set(hosts.map((h) => h.bmc?.generation))).toEqual(new Set(['iLO 4', 'iLO 5', 'iLO 6']));
  });

  it('judges each host as its story says, and stores the verdict and figures its facts give', async () => {
    const stored = await db.prisma.host.findMany({ select: { ...fleetRowSelect, nameKey: true, readinessRank: true, generationRank: true, factsVersion: true } });
    const computed = new Map((await db.prisma.host.findMany({ select: fleetHostSelect })).map((h) => [h.id, fleetFactsOf(h)]));
    for (const demo of DEMO_HOSTS) {
      const host = stored.find((r) => r.name === demo.name)!;
      const expected = demo.story.startsWith('Not ready') ? 'not-ready' : demo.story.startsWith('Unknown') ? 'unknown' : 'ready';
      expect({ host: demo.name, verdict: host.readinessVerdict }).toEqual({ host: demo.name, verdict: expected });
      const { bmc: _bmc, labels: _labels, id: _id, name: _name, model: _model, generation: _generation, agentStatus: _agent, lastSeenAt: _seen, ...figures } = host;
      expect({ host: demo.name, ...figures }).toEqual({ host: demo.name, ...computed.get(host.id) });
    }
    expect(stored.reduce((n, h) => n + h.vfsAssigned, 0)).toBe(DEMO_HOSTS.reduce((n, h) => n + h.vms.reduce((m, v) => m + v.vfs, 0), 0));
  });

  it('redoes at start the figures older rules computed, and only those', async () => {
    const [first, second] = await db.prisma.host.findMany({ orderBy: { name: 'asc' }, take: 2, select: { id: true, readinessVerdict: true, vmCount: true } });
    // As right after the migration that added the columns: defaults, version 0.
    await db.prisma.host.update({ where: { id: first!.id }, data: { readinessVerdict: 'unknown', readinessLinks: '[]', vmCount: 0, factsVersion: 0 } });
    // A current row is left alone, even if it says something else.
    await db.prisma.host.update({ where: { id: second!.id }, data: { vmCount: 99 } });
    expect(await refreshStaleFleetFacts(db.prisma)).toBe(1);
    expect(await db.prisma.host.findUniqueOrThrow({ where: { id: first!.id }, select: { readinessVerdict: true, vmCount: true, factsVersion: true } })).toEqual({ readinessVerdict: first!.readinessVerdict, vmCount: first!.vmCount, factsVersion: FLEET_FACTS_VERSION });
    expect((await db.prisma.host.findUniqueOrThrow({ where: { id: second!.id } })).vmCount).toBe(99);
    expect(await refreshStaleFleetFacts(db.prisma)).toBe(0);
    await refreshFleetFacts(db.prisma, [second!.id]);
    expect((await db.prisma.host.findUniqueOrThrow({ where: { id: second!.id } })).vmCount).toBe(second!.vmCount);
  });

  it('uses real PCI ids and VF limits for the NICs', async () => {
    const pfs = await db.prisma.physicalFunction.findMany({ select: { vendorId: true, deviceId: true, totalVfs: true, driver: true } });
    const ids = new Set(pfs.map((pf) => `${pf.vendorId}:${pf.deviceId}`));
    for (const id of ['8086:10fb', '8086:1572', '14e4:16d7', '15b3:1015', '8086:159b', '8086:1521', '14e4:1657']) expect(ids).toContain(id);
    expect(pfs.find((pf) => pf.deviceId === '10fb')?.totalVfs).toBe(63);
    expect(pfs.find((pf) => pf.deviceId === '1521')?.totalVfs).toBe(7);
    expect(pfs.find((pf) => pf.deviceId === '1657')?.totalVfs).toBe(0);
  });

  it('stores secrets encrypted only', async () => {
    const bmc = await db.prisma.bmc.findFirstOrThrow({ select: { passwordEnc: true } });
    const host = await db.prisma.host.findFirstOrThrow({ select: { agentTokenEnc: true } });
    expect(bmc.passwordEnc).toMatch(/^v1\./);
    expect(bmc.passwordEnc).not.toContain('demo-ilo-password');
    expect(host.agentTokenEnc).not.toContain('demo-agent-token');
  });

  it('is deterministic: seeding again gives the same fleet', async () => {
    const first = await snapshot();
    await seedDemoFleet(db.prisma, { now });
    expect(await snapshot()).toEqual(first);
  });

  it('lets the database refuse a second VM on the same VF', async () => {
    const taken = await db.prisma.assignment.findFirstOrThrow({ select: { vfId: true, hostId: true, vmId: true } });
    const otherVm = await db.prisma.virtualMachine.findFirstOrThrow({ where: { hostId: taken.hostId, id: { not: taken.vmId } }, select: { id: true } });
    await expect(db.prisma.assignment.create({ data: { vfId: taken.vfId, vmId: otherVm.id, hostId: taken.hostId, assignedBy: 'test' } })).rejects.toMatchObject({ code: 'P2002' });
  });
});
