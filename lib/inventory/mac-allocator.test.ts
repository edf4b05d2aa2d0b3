import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { allocateVfMac, assignmentMac, candidateMac } from './mac-allocator';
import { isLocallyAdministered, isUnsetMac, shownMac } from './mac';

const vf = { serialNumber: 'CZJ0000001', pfAddress: '0000:31:00.0', vfIndex: 3 };

describe('MAC candidates', () => {
  it('are locally administered unicast addresses derived from the host and the VF', () => {
    const mac = candidateMac(vf);
    expect(mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(isLocallyAdministered(mac)).toBe(true);
    expect(candidateMac(vf)).toBe(mac);
    expect(candidateMac({ ...vf, pfAddress: '0000:5D:00.0' })).toBe(candidateMac({ ...vf, pfAddress: '0000:5d:00.0' }));
    expect(candidateMac({ ...vf, vfIndex: 4 })).not.toBe(mac);
    expect(candidateMac({ ...vf, serialNumber: 'CZJ0000002' })).not.toBe(mac);
    expect(candidateMac(vf, 1)).not.toBe(mac);
    for (let i = 0; i < 200; i++) expect(isLocallyAdministered(candidateMac({ ...vf, vfIndex: i }))).toBe(true);
  });

  it('never treat zeros as a MAC', () => {
    expect(isUnsetMac('00:00:00:00:00:00')).toBe(true);
    expect(shownMac('00:00:00:00:00:00')).toBeNull();
    expect(shownMac('52:54:00:AA:BB:CC')).toBe('52:54:00:aa:bb:cc');
    expect(isLocallyAdministered('52:54:00:aa:bb:cc')).toBe(true);
    expect(isLocallyAdministered('00:1b:21:aa:bb:cc')).toBe(false);
    expect(isLocallyAdministered('03:00:00:00:00:01')).toBe(false);
  });

  it('an assignment takes the MAC asked for, else the one the VF was given, else allocates', () => {
    expect(assignmentMac('52:54:00:AA:00:01', '02:11:22:33:44:55')).toEqual({ mac: '52:54:00:aa:00:01', source: 'asked' });
    expect(assignmentMac(undefined, '02:11:22:33:44:55')).toEqual({ mac: '02:11:22:33:44:55', source: 'kept' });
    expect(assignmentMac(undefined, '00:00:00:00:00:00')).toBeNull();
    expect(assignmentMac(undefined, null)).toBeNull();
  });
});

describe('allocating a VF’s MAC', () => {
  let db: TestDatabase;
  let hostId: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    const host = await db.prisma.host.create({
      data: { name: 'kvm-mac', model: 'ProLiant DL380 Gen10', generation: 'Gen10', serialNumber: vf.serialNumber, cpuVendor: 'Intel', agentUrl: 'http://127.0.0.1:9' },
      select: { id: true },
    });
    hostId = host.id;
  });
  afterAll(() => db?.dispose());

  it('gives a VF the same MAC every time it is asked, and another VF another one', async () => {
    const first = await allocateVfMac(db.prisma, { ...vf, hostId }, 'alice');
    expect(first).toBe(candidateMac(vf));
    expect(await allocateVfMac(db.prisma, { ...vf, hostId }, 'bob')).toBe(first);
    const other = await allocateVfMac(db.prisma, { ...vf, vfIndex: 4, hostId }, 'alice');
    expect(other).not.toBe(first);
    expect(await db.prisma.macAllocation.count({ where: { hostId } })).toBe(2);
  });

  it('keeps MACs unique in the fleet: a candidate another VF holds is skipped for the next', async () => {
    const taken = candidateMac({ ...vf, vfIndex: 9 });
    await db.prisma.macAllocation.create({ data: { mac: taken, hostId, pfAddress: '0000:99:00.0', vfIndex: 0, allocatedBy: 'ledger import' } });
    const mac = await allocateVfMac(db.prisma, { ...vf, vfIndex: 9, hostId }, 'alice');
    expect(mac).toBe(candidateMac({ ...vf, vfIndex: 9 }, 1));
    // The database itself refuses a second VF with the same MAC.
    await expect(db.prisma.macAllocation.create({ data: { mac, hostId, pfAddress: '0000:98:00.0', vfIndex: 0, allocatedBy: 'x' } })).rejects.toThrow(/Unique constraint/);
  });

  it('answers concurrent requests for one VF with one MAC', async () => {
    const macs = await Promise.all(Array.from({ length: 10 }, () => allocateVfMac(db.prisma, { ...vf, vfIndex: 20, hostId }, 'alice')));
    expect(new Set(macs).size).toBe(1);
    expect(await db.prisma.macAllocation.count({ where: { hostId, vfIndex: 20 } })).toBe(1);
  });
});
