// The VM view's list, filtered, counted and paged in SQL, over more VMs than one query may bind
// (the whole list read at once went past that limit at 2,000 hosts: P2029). On SQLite and on
// PostgreSQL (the `postgresql` project).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { listVms, vmQuerySchema, type VmQuery } from './vms';

let db: TestDatabase;
const VMS_ON_A = 2_400;

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.url;
  const host = (name: string, serial: string) =>
    db.prisma.host.create({ data: { name, model: 'ProLiant DL380 Gen10', generation: 'Gen10', serialNumber: serial, cpuVendor: 'Intel', agentUrl: 'https://127.0.0.1:1' } });
  const a = await host('kvm-a01', 'SN-A');
  const b = await host('kvm-b01', 'SN-B');
  const pf = await db.prisma.physicalFunction.create({ data: { hostId: a.id, pciAddress: '0000:5e:00.0', vendorId: '8086', deviceId: '1572', modelName: 'X710', numaNode: 0, totalVfs: 8, currentVfs: 4 } });
  await db.prisma.virtualFunction.createMany({ data: [0, 1, 2, 3].map((index) => ({ id: `vf-${index}`, hostId: a.id, pfId: pf.id, index, pciAddress: `0000:5e:02.${index}` })) });
  // kvm-a01: vm-00000 … with NUMA nodes 0, 1 and unknown in turn; kvm-b01: two VMs.
  const names = Array.from({ length: VMS_ON_A }, (_, i) => `vm-${String(i).padStart(5, '0')}`);
  for (let i = 0; i < names.length; i += 500) {
    await db.prisma.virtualMachine.createMany({ data: names.slice(i, i + 500).map((name, j) => ({ id: `vm-a-${i + j}`, hostId: a.id, name, state: 'running', numaNode: [0, 1, null][(i + j) % 3] })) });
  }
  await db.prisma.virtualMachine.createMany({ data: ['fw-01', 'LB-100%'].map((name, i) => ({ id: `vm-b-${i}`, hostId: b.id, name, state: 'running', numaNode: 1 })) });
  // vm-a-1 (node 1) holds two VFs of the node-0 PF: both cross the interconnect; vm-a-0 (node 0) and vm-a-2 (unknown) one each that do not.
  const assign = (vfId: string, vmId: string) => db.prisma.assignment.create({ data: { vfId, vmId, hostId: a.id, assignedBy: 'test' } });
  await assign('vf-0', 'vm-a-1');
  await assign('vf-1', 'vm-a-1');
  await assign('vf-2', 'vm-a-0');
  await assign('vf-3', 'vm-a-2');
}, 120_000);
afterAll(() => db?.dispose());

const list = (raw: Record<string, string> = {}) => {
  const parsed = vmQuerySchema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return listVms(parsed.data as VmQuery);
};

describe('the VM list', () => {
  it('pages more VMs than one query may bind, in host and VM name order, with the figures of the whole filter', async () => {
    const first = await list();
    expect(first).toMatchObject({ total: VMS_ON_A + 2, page: 1, pageSize: 100, pageCount: 25, vfs: 4, crossNumaVfs: 2 });
    expect(first.vms.map((vm) => vm.name).slice(0, 3)).toEqual(['vm-00000', 'vm-00001', 'vm-00002']);
    expect(first.vms).toHaveLength(100);

    const seen: string[] = [];
    for (let page = 1; page <= 5; page += 1) seen.push(...(await list({ pageSize: '500', page: String(page) })).vms.map((vm) => `${vm.host.name}/${vm.name}`));
    expect(seen).toHaveLength(VMS_ON_A + 2);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(-2)).toEqual(['kvm-b01/LB-100%', 'kvm-b01/fw-01'].sort());
  });

  it('gives each VM its VFs, flagged when they sit on another NUMA node', async () => {
    const { vms } = await list({ q: 'vm-0000' });
    const byName = new Map(vms.map((vm) => [vm.name, vm]));
    expect(byName.get('vm-00001')?.vfs.map((vf) => [vf.index, vf.crossNuma])).toEqual([[0, true], [1, true]]);
    expect(byName.get('vm-00000')?.vfs.map((vf) => [vf.index, vf.crossNuma])).toEqual([[2, false]]);
    expect(byName.get('vm-00002')?.vfs.map((vf) => [vf.index, vf.crossNuma])).toEqual([[3, false]]);
  });

  it('filters to the VMs with a VF on another NUMA node in SQL', async () => {
    const far = await list({ placement: 'cross-numa' });
    expect(far).toMatchObject({ total: 1, pageCount: 1, vfs: 2, crossNumaVfs: 2 });
    expect(far.vms.map((vm) => vm.name)).toEqual(['vm-00001']);
  });

  it('searches VM and host names ignoring case, a % in the text being a plain character', async () => {
    expect((await list({ q: 'lb-100%' })).vms.map((vm) => vm.name)).toEqual(['LB-100%']);
    expect((await list({ q: '100%' })).total).toBe(1);
    expect((await list({ q: 'KVM-B01' })).total).toBe(2);
    expect((await list({ q: 'vm_0' })).total).toBe(0);
  });

  it('filters by host, and a page past the last answers the last', async () => {
    const b = await db.prisma.host.findUniqueOrThrow({ where: { name: 'kvm-b01' } });
    expect((await list({ hostId: b.id })).vms.map((vm) => vm.name).sort()).toEqual(['LB-100%', 'fw-01'].sort());
    expect(await list({ hostId: b.id, page: '9' })).toMatchObject({ page: 1, pageCount: 1, total: 2 });
  });

  it('refuses a bad filter, naming the field', () => {
    const issue = (raw: Record<string, string>) => vmQuerySchema.safeParse(raw).error?.issues[0]?.path.join('.');
    expect(issue({ placement: 'far' })).toBe('placement');
    expect(issue({ pageSize: '0' })).toBe('pageSize');
    expect(issue({ pageSize: '501' })).toBe('pageSize');
    expect(issue({ page: 'two' })).toBe('page');
    expect(issue({ limit: '5' })).toBe('');
  });
});
