// The whole shape in one process: real agents (simulated kernel, ip, libvirt) on loopback ports,
// iLO simulators over HTTPS, a real migrated SQLite, the sync and the operations worker.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '@/lib/crypto/secrets';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { REAL_TIMING } from '@/agent/src/sim/kernel';
import { startSimHosts, type SimHosts } from '@/lib/testing/sim-hosts';
import { isLocallyAdministered } from '@/lib/inventory/mac';

process.env.SECRETS_KEY ??= generateKey();

let db: TestDatabase;
let sims: SimHosts;
let lib: {
  registerHost: typeof import('@/lib/inventory/register').registerHost;
  syncHost: typeof import('@/lib/sync/sync-host').syncHost;
  requests: typeof import('./requests');
  worker: typeof import('./worker');
  getHostDetail: typeof import('@/lib/inventory/service').getHostDetail;
  AgentClient: typeof import('@/lib/agents/client').AgentClient;
};
const hostIds = new Map<string, string>();
const who = { name: 'alice', sourceAddress: '192.0.2.10' };

const WORKER = {
  concurrency: 4,
  pollMs: 50,
  maxAttempts: 3,
  retryBaseMs: 50,
  timing: { resetTimeoutMs: 30_000, pollMs: 100 },
};

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.url;
  lib = {
    registerHost: (await import('@/lib/inventory/register')).registerHost,
    syncHost: (await import('@/lib/sync/sync-host')).syncHost,
    requests: await import('./requests'),
    worker: await import('./worker'),
    getHostDetail: (await import('@/lib/inventory/service')).getHostDetail,
    AgentClient: (await import('@/lib/agents/client')).AgentClient,
  };
  // dl380-gen10: ready (560SFP+ and 366FLR, whose 7 VFs the tests leave alone); dl380-gen9: SR-IOV and VT-d off in BIOS.
  sims = await startSimHosts(['dl380-gen10', 'dl380-gen9', 'dl380-gen10'], { namePrefix: 'orch-' });
  for (const h of sims.hosts) {
    const registered = await lib.registerHost(h.registration);
    if (!registered.ok) throw new Error(registered.message);
    hostIds.set(h.member.hostname, registered.host.id);
  }
}, 60_000);

afterAll(async () => {
  await sims?.close();
  await db?.dispose();
});

const hostOf = (i: number) => {
  const sim = sims.hosts[i]!;
  return { sim, id: hostIds.get(sim.member.hostname)! };
};

/** The fleet page's stored figures for a host are what its facts give now. */
async function expectStoredFacts(hostId: string) {
  const { fleetFactsOf } = await import('@/lib/inventory/fleet-facts');
  const { fleetHostSelect } = await import('@/lib/db/hosts');
  const computed = fleetFactsOf(await db.prisma.host.findUniqueOrThrow({ where: { id: hostId }, select: fleetHostSelect }));
  const stored = await db.prisma.host.findUniqueOrThrow({ where: { id: hostId }, select: Object.fromEntries(Object.keys(computed).map((k) => [k, true])) });
  expect(stored).toEqual(computed);
}

async function runQueue(options: Partial<typeof WORKER> = {}) {
  const worker = lib.worker.startWorker({ ...WORKER, ...options });
  await worker.idle();
  await worker.stop({ drain: true });
}

async function firstPf(hostId: string, withVfs = false) {
  const pfs = await db.prisma.physicalFunction.findMany({ where: { hostId, totalVfs: { gte: 8 } }, orderBy: { pciAddress: 'asc' }, include: { virtualFunctions: { orderBy: { index: 'asc' } } } });
  return withVfs ? pfs.find((pf) => pf.virtualFunctions.length > 0)! : pfs[0]!;
}

describe('sync', () => {
  it('makes the inventory follow what the agent reports', async () => {
    const { sim, id } = hostOf(0);
    const outcome = await lib.syncHost(id);
    expect(outcome.ok).toBe(true);
    const host = await db.prisma.host.findUniqueOrThrow({ where: { id }, include: { physicalFunctions: true, virtualMachines: true } });
    expect(host.agentStatus).toBe('online');
    expect(host.iommuActive).toBe(true);
    expect(host.bootId).toMatch(/^[0-9a-f-]{36}$/);
    const inventory = await new lib.AgentClient({ url: sim.member.url, token: sims.token, certSha256: null }).inventory();
    expect(host.physicalFunctions.map((pf) => pf.pciAddress).sort()).toEqual(inventory.pfs.map((pf) => pf.address).sort());
    expect(host.virtualMachines.map((vm) => vm.name).sort()).toEqual(['vm-db-01', 'vm-web-01']);
    await expectStoredFacts(id);
    expect(host).toMatchObject({ readinessVerdict: 'ready', vmCount: 2 });
    // An unchanged host: the second sync writes nothing.
    const again = await lib.syncHost(id);
    expect(again).toMatchObject({ ok: true, read: 'full', summary: { written: 0 } });
  });
});

describe('operations', () => {
  it('sets a PF to 8 VFs, assigns a VF to a VM read back from the agent, releases it, with audit records', async () => {
    const { sim, id } = hostOf(0);
    await lib.syncHost(id);
    const pf = await firstPf(id);
    const count = await lib.requests.requestVfCount(pf.id, { numVfs: 8 }, who);
    expect(count.ok).toBe(true);
    await runQueue();
    const withVfs = await db.prisma.physicalFunction.findUniqueOrThrow({ where: { id: pf.id }, include: { virtualFunctions: { orderBy: { index: 'asc' } } } });
    expect(withVfs.currentVfs).toBe(8);
    expect(withVfs.desiredVfs).toBe(8);
    expect(withVfs.virtualFunctions).toHaveLength(8);
    await expectStoredFacts(id);

    const vf = withVfs.virtualFunctions[2]!;
    const vm = await db.prisma.virtualMachine.findFirstOrThrow({ where: { hostId: id, name: 'vm-web-01' } });
    const assign = await lib.requests.requestAssign(vf.id, { vmId: vm.id, mac: '52:54:00:aa:bb:02', vlan: 120 }, who);
    expect(assign.ok).toBe(true);
    await runQueue();
    const op = await db.prisma.operation.findUniqueOrThrow({ where: { id: assign.ok ? assign.operation.id : '' } });
    expect(op.status, op.error ?? '').toBe('succeeded');
    expect(op.activeKey).toBeNull();
    const assignment = await db.prisma.assignment.findUniqueOrThrow({ where: { vfId: vf.id }, include: { vm: true } });
    expect(assignment.vm.name).toBe('vm-web-01');
    expect(assignment.assignedBy).toBe('alice');
    await expectStoredFacts(id);
    expect((await db.prisma.host.findUniqueOrThrow({ where: { id } })).vfsAssigned).toBe(1);
    // What the agent itself says now.
    const vms = await new lib.AgentClient({ url: sim.member.url, token: sims.token, certSha256: null }).vms();
    expect(vms.find((v) => v.name === 'vm-web-01')?.hostdevs).toContain(vf.pciAddress);
    // libvirt's MAC and VLAN for the VM are desired state, not drift.
    const detail = await lib.getHostDetail(id);
    expect(detail?.drift.filter((d) => d.targetId === vf.id)).toEqual([]);

    const audit = await db.prisma.auditEvent.findMany({ where: { operationId: op.id }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['assign-vf.requested', 'assign-vf.succeeded']);
    expect(audit[1]!.actor).toBe('alice');
    expect(audit[1]!.sourceAddress).toBe('192.0.2.10');
    expect(JSON.parse(audit[1]!.before!)).toMatchObject({ vm: null });
    expect(JSON.parse(audit[1]!.after!)).toMatchObject({ vm: 'vm-web-01' });

    const release = await lib.requests.requestRelease(vf.id, who);
    expect(release.ok).toBe(true);
    await runQueue();
    expect(await db.prisma.assignment.findUnique({ where: { vfId: vf.id } })).toBeNull();
    await expectStoredFacts(id);
  });

  it('refuses what the host state forbids with a clear conflict', async () => {
    const { id } = hostOf(0);
    const pf = await firstPf(id, true);
    const vf = pf.virtualFunctions[0]!;
    const vm = await db.prisma.virtualMachine.findFirstOrThrow({ where: { hostId: id, name: 'vm-db-01' } });
    expect((await lib.requests.requestAssign(vf.id, { vmId: vm.id }, who)).ok).toBe(true);
    await runQueue();
    const again = await lib.requests.requestAssign(vf.id, { vmId: vm.id }, who);
    expect(again).toMatchObject({ ok: false, code: 'conflict', message: expect.stringContaining('already assigned to vm-db-01') });
    const recount = await lib.requests.requestVfCount(pf.id, { numVfs: 4 }, who);
    expect(recount).toMatchObject({ ok: false, code: 'conflict', message: expect.stringContaining('release them first') });
    const tooMany = await lib.requests.requestVfCount(pf.id, { numVfs: 500 }, who);
    expect(tooMany).toMatchObject({ ok: false, code: 'bad-request', message: expect.stringMatching(/^numVfs: .* at most 63/) });
    expect((await lib.requests.requestRelease(vf.id, who)).ok).toBe(true);
    await runQueue();
  });

  it('a server restart with a queued operation: it runs after the restart; a running one is resumed', async () => {
    const { id } = hostOf(0);
    const pf = await firstPf(id, true);
    const [a, b] = pf.virtualFunctions;
    const queued = await lib.requests.requestVfSettings(a!.id, { trust: true }, who);
    const interrupted = await lib.requests.requestVfSettings(b!.id, { spoofchk: false }, who);
    expect(queued.ok && interrupted.ok).toBe(true);
    // The previous server died while this one was running.
    await db.prisma.operation.update({ where: { id: interrupted.ok ? interrupted.operation.id : '' }, data: { status: 'running', attempts: 1, startedAt: new Date() } });
    await runQueue();
    const ops = await db.prisma.operation.findMany({ where: { id: { in: [queued.ok ? queued.operation.id : '', interrupted.ok ? interrupted.operation.id : ''] } } });
    expect(ops.map((o) => o.status)).toEqual(['succeeded', 'succeeded']);
    const vfs = await db.prisma.virtualFunction.findMany({ where: { id: { in: [a!.id, b!.id] } }, orderBy: { index: 'asc' } });
    expect(vfs.map((v) => [v.trust, v.spoofchk])).toEqual([[true, true], [false, false]]);
  });
});

describe('BIOS changes are checked against the registry read at registration', () => {
  it('refuses a value outside it with 400 naming the attribute, and a host whose registry was never read with 409; nothing is queued', async () => {
    const { id } = hostOf(1);
    expect(await db.prisma.biosRegistry.count({ where: { hostId: id } })).toBe(1);
    const before = await db.prisma.operation.count({ where: { hostId: id } });
    const bogus = await lib.requests.requestBiosChange(id, { attributes: { Sriov: 'Bogus' } }, who);
    expect(bogus).toMatchObject({ ok: false, code: 'bad-request', message: 'attributes.Sriov: "Bogus" is not allowed: one of Enabled, Disabled' });

    const saved = await db.prisma.biosRegistry.findUniqueOrThrow({ where: { hostId: id } });
    await db.prisma.biosRegistry.delete({ where: { hostId: id } });
    const unread = await lib.requests.requestBiosChange(id, { attributes: { Sriov: 'Enabled' } }, who);
    expect(unread).toMatchObject({ ok: false, code: 'conflict', message: expect.stringMatching(/registry of .* has not been read from its iLO yet/) });
    expect(await db.prisma.operation.count({ where: { hostId: id } })).toBe(before);

    // The next sync reads it again at once, whatever the BIOS read interval.
    expect((await lib.syncHost(id)).ok).toBe(true);
    expect((await db.prisma.biosRegistry.findUniqueOrThrow({ where: { hostId: id } })).attributes).toBe(saved.attributes);
  });
});

describe('concurrency', () => {
  it('20 concurrent assigns of one VF through the API: one is accepted, 19 get 409', async () => {
    const { id } = hostOf(2);
    await lib.syncHost(id);
    const pf = await firstPf(id);
    expect((await lib.requests.requestVfCount(pf.id, { numVfs: 4 }, who)).ok).toBe(true);
    await runQueue();
    const vf = (await firstPf(id, true)).virtualFunctions[1]!;
    const vm = await db.prisma.virtualMachine.findFirstOrThrow({ where: { hostId: id, name: 'vm-web-01' } });

    const { seedDemoUsers } = await import('@/lib/demo/demo-users');
    await seedDemoUsers(db.prisma);
    const { createSession } = await import('@/lib/auth/session');
    const { apiRequest } = await import('@/lib/auth/testing');
    const { POST } = await import('@/app/api/vfs/[id]/assignment/route');
    const operator = await db.prisma.user.findUniqueOrThrow({ where: { userName: 'operator' } });
    const session = await createSession(operator.id, null);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        POST(apiRequest('POST', `http://localhost/api/vfs/${vf.id}/assignment`, { cookie: session.cookie, csrfToken: session.csrfToken }, { vmId: vm.id }), {
          params: Promise.resolve({ id: vf.id }),
        }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const refusal = (await responses.find((r) => r.status === 409)!.json()) as { error: { message: string } };
    expect(refusal.error.message).toMatch(/VF 1 of .* (is already being changed|is being changed)/);
    await runQueue();
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { vfId: vf.id }, include: { vm: true } })).vm.name).toBe('vm-web-01');
  });
});

describe('failures', () => {
  it('an agent killed during an operation: the operation fails with the reason, the rows stay; restarting the agent, sync recovers', async () => {
    // Real kernel timing (VFs take ~100 ms to appear) so the agent dies with the request in flight.
    const slow = await startSimHosts(['dl380-gen10'], { timing: REAL_TIMING, namePrefix: 'orch-slow-' });
    try {
      const sim = slow.hosts[0]!;
      const registered = await lib.registerHost(sim.registration);
      if (!registered.ok) throw new Error(registered.message);
      const id = registered.host.id;
      expect((await lib.syncHost(id)).ok).toBe(true);
      const rowsBefore = await db.prisma.physicalFunction.count({ where: { hostId: id } });
      const pf = await firstPf(id);
      const op = await lib.requests.requestVfCount(pf.id, { numVfs: 6 }, who);
      if (!op.ok) throw new Error(op.message);
      const worker = lib.worker.startWorker(WORKER);
      while ((await db.prisma.operation.findUniqueOrThrow({ where: { id: op.operation.id } })).progress?.startsWith('Asking the agent') !== true) {
        await new Promise((r) => setTimeout(r, 2));
      }
      const firstStart = (await db.prisma.operation.findUniqueOrThrow({ where: { id: op.operation.id } })).startedAt;
      await sim.member.agent.powerOff();
      await worker.idle();
      await worker.stop({ drain: true });

      const failed = await db.prisma.operation.findUniqueOrThrow({ where: { id: op.operation.id } });
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(/^Agent: The agent at 127\.0\.0\.1:\d+ is unreachable: .*\(after 3 attempts\)$/);
      expect(failed.activeKey).toBeNull();
      // Its retries do not restart its clock: it started when its first attempt did.
      expect(failed.startedAt).toEqual(firstStart);
      const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { operationId: failed.id, action: 'set-vf-count.failed' } });
      expect(JSON.parse(audit.after!)).toEqual({ error: failed.error });

      expect((await lib.syncHost(id)).ok).toBe(false);
      const offline = await db.prisma.host.findUniqueOrThrow({ where: { id } });
      expect(offline.agentStatus).toBe('offline');
      expect(offline.lastSyncError).toMatch(/connection refused/);
      expect(offline.lastSeenAt).not.toBeNull();
      expect(await db.prisma.physicalFunction.count({ where: { hostId: id } })).toBe(rowsBefore);

      await sim.member.agent.start();
      expect((await lib.syncHost(id)).ok).toBe(true);
      const back = await db.prisma.host.findUniqueOrThrow({ where: { id } });
      expect(back.agentStatus).toBe('online');
      expect(back.lastSyncError).toBeNull();
      // The inventory shows what the kernel did, whatever became of the request.
      const pfAfter = await db.prisma.physicalFunction.findUniqueOrThrow({ where: { id: pf.id }, include: { _count: { select: { virtualFunctions: true } } } });
      expect(pfAfter._count.virtualFunctions).toBe(pfAfter.currentVfs);
    } finally {
      await slow.close();
    }
  }, 30_000);
});

describe('drift', () => {
  it('a change made on the host behind the server’s back shows as drift', async () => {
    const { sim, id } = hostOf(2);
    const pf = await firstPf(id);
    expect(pf.desiredVfs).toBe(4);
    await new lib.AgentClient({ url: sim.member.url, token: sims.token, certSha256: null }).setVf((await firstPf(id, true)).virtualFunctions[3]!.pciAddress, { trust: true });
    await db.prisma.virtualFunction.updateMany({ where: { pfId: pf.id, index: 3 }, data: { desiredTrust: false } });
    // Someone releases the VM's VF and sets the PF to 2 VFs by hand.
    const agent = new lib.AgentClient({ url: sim.member.url, token: sims.token, certSha256: null });
    const held = (await firstPf(id, true)).virtualFunctions[1]!;
    await agent.detach('vm-web-01', held.pciAddress);
    await agent.setNumVfs(pf.pciAddress, 2);
    await lib.syncHost(id);
    const detail = await lib.getHostDetail(id);
    expect(detail?.drift).toEqual(expect.arrayContaining([expect.objectContaining({ targetType: 'pf', targetId: pf.id, field: 'numVfs', desired: 4, actual: 2 })]));
  });
});

describe('several VFs of one PF in one operation', () => {
  it('sets each VF as asked, reads the host back once, and names a VF that is not there', async () => {
    const { sim, id } = hostOf(0);
    const pf = await firstPf(id, true);
    const batch = await lib.requests.requestPfVfSettings(pf.id, [3, 4, 5].map((index) => ({ index, settings: { maxTxRate: 1000 } })).concat([{ index: 6, settings: { trust: true, linkState: 'disable' } as never }]), who);
    if (!batch.ok) throw new Error(batch.message);
    expect(batch.operation.summary).toBe(`Set VFs 3–6 of ${pf.pciAddress}: VF 3: maxTxRate 1000; VF 4: maxTxRate 1000; VF 5: maxTxRate 1000; VF 6: trust true, linkState disable`);
    // The PF is busy while it runs: a second batch is refused, naming the first.
    const second = await lib.requests.requestPfVfBind(pf.id, [7], { driver: 'vfio-pci' }, who);
    expect(second).toMatchObject({ ok: false, code: 'conflict', message: expect.stringContaining('is already being changed: "Set VFs 3–6') });
    await runQueue();
    const op = await db.prisma.operation.findUniqueOrThrow({ where: { id: batch.operation.id } });
    expect(op.status, op.error ?? '').toBe('succeeded');
    expect(JSON.parse(op.result!)).toEqual({ changed: [3, 4, 5, 6] });
    const agentVfs = (await new lib.AgentClient({ url: sim.member.url, token: sims.token, certSha256: null }).inventory()).pfs.find((p) => p.address === pf.pciAddress)!.vfs;
    expect([3, 4, 5, 6].map((i) => agentVfs.find((v) => v.index === i)).map((v) => [v?.maxTxRate, v?.trust, v?.linkState])).toEqual([
      [1000, false, 'auto'],
      [1000, false, 'auto'],
      [1000, false, 'auto'],
      [0, true, 'disable'],
    ]);
    const rows = await db.prisma.virtualFunction.findMany({ where: { pfId: pf.id, index: { in: [3, 6] } }, orderBy: { index: 'asc' } });
    expect(rows.map((r) => [r.desiredMaxTxRateMbps, r.desiredTrust, r.desiredLinkState])).toEqual([
      [1000, null, null],
      [null, true, 'disable'],
    ]);
    const audit = await db.prisma.auditEvent.findMany({ where: { operationId: op.id }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['set-vfs.requested', 'alice'],
      ['set-vfs.succeeded', 'alice'],
    ]);

    const missing = await lib.requests.requestPfVfSettings(pf.id, [{ index: 7, settings: { trust: true } }, { index: 40, settings: { trust: true } }, { index: 41, settings: { trust: true } }], who);
    expect(missing).toEqual({ ok: false, code: 'not-found', message: `VFs 40–41 of ${pf.pciAddress} are not in the inventory (the PF has other VFs).` });
    expect(await db.prisma.operation.count({ where: { targetId: pf.id, status: 'queued' } })).toBe(0);
  });
});

describe('BIOS and reset through the iLO', () => {
  it('stages SR-IOV and VT-d: the fix that is left is the reboot alone', async () => {
    const { id } = hostOf(1);
    await lib.syncHost(id);
    const bios = await lib.requests.requestBiosChange(id, { attributes: { Sriov: 'Enabled', IntelProcVtd: 'Enabled' } }, who);
    expect(bios.ok).toBe(true);
    await runQueue();
    const pending = await db.prisma.biosSetting.findMany({ where: { hostId: id, name: { in: ['Sriov', 'IntelProcVtd'] } } });
    expect(pending.map((b) => [b.current, b.pending, b.desired])).toEqual([
      ['Disabled', 'Enabled', 'Enabled'],
      ['Disabled', 'Enabled', 'Enabled'],
    ]);
    const detail = (await lib.getHostDetail(id))!;
    expect(detail.readiness.links.find((l) => l.id === 'bios')).toMatchObject({ pending: true });
    // The Gen9 profile also lacks intel_iommu=on (behind the same reboot) and vfio-pci (no reboot).
    expect(detail.fix.changes).toEqual([expect.objectContaining({ kind: 'os-fix', fix: 'iommu-args', needsReboot: true }), expect.objectContaining({ kind: 'os-fix', fix: 'vfio', needsReboot: false })]);
    expect(detail.fix).toMatchObject({ reboots: 1, fixedByReboot: ['bios', 'iommu'] });
  });

  it('applies the host’s fix in one request: kernel arguments, vfio-pci, then one reboot that brings the IOMMU up', async () => {
    const { sim, id } = hostOf(1);
    const bootBefore = (await db.prisma.host.findUniqueOrThrow({ where: { id } })).bootId;
    const fix = await lib.requests.requestFix(id, { reboot: true }, { ...who, role: 'admin' });
    if (!fix.ok) throw new Error(fix.message);
    expect(fix.operations.map((o) => o.summary)).toEqual([
      expect.stringContaining('kernel command line'),
      expect.stringContaining('Load vfio-pci'),
      expect.stringContaining('Graceful restart'),
    ]);
    await runQueue();
    const ops = await Promise.all(fix.operations.map((o) => db.prisma.operation.findUniqueOrThrow({ where: { id: o.id } })));
    expect(ops.map((o) => [o.kind, o.status, o.error])).toEqual([
      ['os-fix', 'succeeded', null],
      ['os-fix', 'succeeded', null],
      ['reset-host', 'succeeded', null],
    ]);
    expect(JSON.parse(ops[2]!.params)).toMatchObject({ after: [ops[0]!.id, ops[1]!.id] });
    const after = await db.prisma.host.findUniqueOrThrow({ where: { id }, include: { bios: true } });
    expect(after.bootId).not.toBe(bootBefore);
    expect(after.iommuActive).toBe(true);
    expect(after.bios.find((b) => b.name === 'Sriov')?.current).toBe('Enabled');
    expect(sim.member.host.bios).toEqual({ sriov: true, iommu: true });
    const detail = await lib.getHostDetail(id);
    expect(detail?.readiness.links.find((l) => l.id === 'bios')?.status).toBe('ok');
    expect(detail?.readiness.links.find((l) => l.id === 'iommu')?.status).toBe('ok');
    expect(detail?.fix).toMatchObject({ changes: [], reboots: 0 });
    // The fleet page sees the host ready too, from its stored figures.
    await expectStoredFacts(id);
    expect(after.readinessVerdict).toBe(detail?.readiness.verdict);
    expect(await db.prisma.operation.count({ where: { hostId: id, kind: 'reset-host' } })).toBe(1);
    // The next reboot has this one to compare with.
    expect(detail?.typicalReset).toMatchObject({ basis: 'host', samples: 1, model: after.model });
    expect(detail!.typicalReset!.medianMs).toBe(ops[2]!.finishedAt!.getTime() - ops[2]!.startedAt!.getTime());
  }, 60_000);

  it('a fix whose BIOS change fails does not reboot the host', async () => {
    const { id } = hostOf(2);
    await lib.syncHost(id);
    const bootBefore = (await db.prisma.host.findUniqueOrThrow({ where: { id } })).bootId;
    // The inventory says SR-IOV is off; the iLO does not answer (its address moved).
    await db.prisma.biosSetting.update({ where: { hostId_name: { hostId: id, name: 'Sriov' } }, data: { current: 'Disabled', pending: 'Disabled' } });
    const bmc = await db.prisma.bmc.findUniqueOrThrow({ where: { hostId: id } });
    await db.prisma.bmc.update({ where: { hostId: id }, data: { address: 'https://127.0.0.1:9' } });
    try {
      const fix = await lib.requests.requestFix(id, { reboot: true, resetType: 'ForceRestart' }, { ...who, role: 'admin' });
      if (!fix.ok) throw new Error(fix.message);
      expect(fix.operations.map((o) => o.kind)).toEqual(['set-bios', 'reset-host']);
      await runQueue();
      const [bios, reset] = await Promise.all(fix.operations.map((o) => db.prisma.operation.findUniqueOrThrow({ where: { id: o.id } })));
      expect(bios!.status).toBe('failed');
      expect(reset!.status).toBe('failed');
      expect(reset!.error).toMatch(/^Not rebooted: “Set BIOS Sriov=Enabled” failed/);
      // The host never restarted: the same boot as before.
      const after = await lib.syncHost(id);
      expect(after.ok && after.bootId).toBe(bootBefore);
    } finally {
      await db.prisma.bmc.update({ where: { hostId: id }, data: { address: bmc.address } });
    }
  }, 60_000);

  it('refuses a fix that asks for nothing, or by a role that may not make its changes', async () => {
    const { id } = hostOf(0);
    expect(await lib.requests.requestFix(id, { reboot: true }, { ...who, role: 'admin' })).toMatchObject({ ok: false, code: 'conflict', message: expect.stringContaining('needs no fix') });
    const host = hostOf(2);
    await db.prisma.biosSetting.update({ where: { hostId_name: { hostId: host.id, name: 'Sriov' } }, data: { current: 'Disabled', pending: 'Disabled' } });
    expect(await lib.requests.requestFix(host.id, { reboot: false }, { ...who, role: 'operator' })).toMatchObject({ ok: false, code: 'forbidden', message: expect.stringContaining('needs the admin role') });
    await lib.syncHost(host.id);
  });

  it('a reset whose BIOS values the iLO rejects fails with the iLO’s reasons, after the host is back', async () => {
    const { sim, id } = hostOf(0);
    // A value the registry does not list, staged behind the dashboard's back (as the iLO's own UI
    // would let a script do): the iLO takes it, the BIOS rejects it at the next POST.
    sim.ilo.machine.recordPending({ Sriov: 'Sometimes' });
    const reset = await lib.requests.requestPower(id, { action: 'reset', resetType: 'ForceRestart' }, who);
    if (!reset.ok) throw new Error(reset.message);
    await runQueue();
    const op = await db.prisma.operation.findUniqueOrThrow({ where: { id: reset.operation.id } });
    expect(op.status).toBe('failed');
    expect(op.error).toMatch(/^iLO: |^The host restarted but the iLO rejected BIOS settings: .*PropertyValueNotInList/);
    expect(op.error).toContain('Sometimes');
    // The host itself came back: the agent answers with a new boot.
    expect((await db.prisma.host.findUniqueOrThrow({ where: { id } })).agentStatus).toBe('online');
  }, 60_000);
});

describe('a reset waiting for its host to boot', () => {
  it('holds no worker slot: with one slot, another host’s change runs while the host boots', async () => {
    const booting = hostOf(2);
    const other = hostOf(0);
    await lib.syncHost(booting.id);
    await db.prisma.physicalFunction.updateMany({ where: { hostId: booting.id }, data: { desiredVfs: null } });
    await lib.syncHost(other.id);
    // A PF with VFs on the other host (earlier tests leave one; alone, this test makes it).
    if (!(await firstPf(other.id, true))) {
      expect((await lib.requests.requestVfCount((await firstPf(other.id)).id, { numVfs: 8 }, who)).ok).toBe(true);
      await runQueue();
    }
    const pf = await firstPf(other.id, true);
    const reset = await lib.requests.requestPower(booting.id, { action: 'reset', resetType: 'ForceRestart' }, who);
    if (!reset.ok) throw new Error(reset.message);
    const change = await lib.requests.requestPfVfSettings(pf.id, [{ index: 7, settings: { trust: true } }], who);
    if (!change.ok) throw new Error(change.message);
    // The reset is older, so it takes the one slot first; the host's boot takes at least 1.5 s.
    await db.prisma.operation.update({ where: { id: reset.operation.id }, data: { queuedAt: new Date(Date.now() - 1_000) } });
    booting.sim.member.agent.bootMs = 1_500;
    try {
      await runQueue({ concurrency: 1 });
    } finally {
      booting.sim.member.agent.bootMs = 50;
    }
    const [r, c] = await Promise.all([reset.operation.id, change.operation.id].map((opId) => db.prisma.operation.findUniqueOrThrow({ where: { id: opId } })));
    expect([r!.status, c!.status], `${r!.error} / ${c!.error}`).toEqual(['succeeded', 'succeeded']);
    expect(c!.finishedAt!.getTime()).toBeLessThan(r!.finishedAt!.getTime());
  }, 60_000);
});

describe('a server stopped while it asked the iLO for a reset', () => {
  // The operation's row says 'sending': the reset may or may not have gone out.
  async function interruptedReset(hostId: string) {
    const reset = await lib.requests.requestPower(hostId, { action: 'reset', resetType: 'ForceRestart' }, who);
    if (!reset.ok) throw new Error(reset.message);
    const op = await db.prisma.operation.findUniqueOrThrow({ where: { id: reset.operation.id } });
    const bootIdBefore = (await db.prisma.host.findUniqueOrThrow({ where: { id: hostId } })).bootId;
    const params = { ...JSON.parse(op.params), stage: 'sending', bootIdBefore, sentAt: new Date().toISOString() };
    await db.prisma.operation.update({ where: { id: op.id }, data: { status: 'running', attempts: 1, startedAt: new Date(), params: JSON.stringify(params) } });
    return op.id;
  }

  it('it went out (the host is rebooting): the new server waits for it and sends no second reset', async () => {
    const { sim, id } = hostOf(2);
    await lib.syncHost(id);
    // About the reset only: the VF counts earlier tests left behind the server's back are not checked after it.
    await db.prisma.physicalFunction.updateMany({ where: { hostId: id }, data: { desiredVfs: null } });
    let boots = 0;
    const stop = sim.ilo.machine.onBoot(() => void boots++);
    try {
      const opId = await interruptedReset(id);
      // The reset the old server sent before it died.
      void sim.member.agent.reboot({ sriov: true, iommu: true });
      await runQueue();
      const op = await db.prisma.operation.findUniqueOrThrow({ where: { id: opId } });
      expect(op.status, op.error ?? '').toBe('succeeded');
      expect(boots).toBe(0);
    } finally {
      stop();
    }
  }, 60_000);

  it('no sign that it went out: the operation fails saying so, and no reset is sent on a guess', async () => {
    const { sim, id } = hostOf(2);
    await lib.syncHost(id);
    let boots = 0;
    const stop = sim.ilo.machine.onBoot(() => void boots++);
    try {
      const opId = await interruptedReset(id);
      await runQueue({ timing: { resetTimeoutMs: 1_500, pollMs: 100 } });
      const op = await db.prisma.operation.findUniqueOrThrow({ where: { id: opId } });
      expect(op.status).toBe('failed');
      expect(op.error).toMatch(/^The server stopped while it asked the iLO for the reset, and the host has not restarted in the 2 s since: the reset most likely did not go out\. It is not sent again on a guess/);
      expect(boots).toBe(0);
    } finally {
      stop();
    }
  }, 60_000);

  it('looking for that sign holds no worker slot: with one slot, another host’s change runs meanwhile', async () => {
    const { id } = hostOf(2);
    const other = hostOf(0);
    await lib.syncHost(id);
    await lib.syncHost(other.id);
    if (!(await firstPf(other.id, true))) {
      expect((await lib.requests.requestVfCount((await firstPf(other.id)).id, { numVfs: 8 }, who)).ok).toBe(true);
      await runQueue();
    }
    const pf = await firstPf(other.id, true);
    const opId = await interruptedReset(id);
    const change = await lib.requests.requestPfVfSettings(pf.id, [{ index: 6, settings: { trust: true } }], who);
    if (!change.ok) throw new Error(change.message);
    await runQueue({ concurrency: 1, timing: { resetTimeoutMs: 1_500, pollMs: 100 } });
    const [r, c] = await Promise.all([opId, change.operation.id].map((each) => db.prisma.operation.findUniqueOrThrow({ where: { id: each } })));
    expect([r!.status, c!.status], `${r!.error} / ${c!.error}`).toEqual(['failed', 'succeeded']);
    expect(c!.finishedAt!.getTime()).toBeLessThan(r!.finishedAt!.getTime());
  }, 60_000);
});

describe('MACs', () => {
  it('a VF assigned without a MAC gets one of its own, never zeros: the same after release, reassignment and a reboot', async () => {
    const own = await startSimHosts(['dl380-gen10'], { namePrefix: 'orch-mac-' });
    try {
      const sim = own.hosts[0]!;
      const registered = await lib.registerHost(sim.registration);
      if (!registered.ok) throw new Error(registered.message);
      const id = registered.host.id;
      await lib.syncHost(id);
      const pf = await firstPf(id);
      expect((await lib.requests.requestVfCount(pf.id, { numVfs: 4 }, who)).ok).toBe(true);
      await runQueue();
      const vfOf = async () => db.prisma.virtualFunction.findFirstOrThrow({ where: { pfId: pf.id, index: 2 }, include: { assignment: true } });
      expect((await vfOf()).mac).toBe('00:00:00:00:00:00');
      const [web, dbVm] = await Promise.all(['vm-web-01', 'vm-db-01'].map((name) => db.prisma.virtualMachine.findFirstOrThrow({ where: { hostId: id, name } })));
      const agent = new lib.AgentClient({ url: sim.member.url, token: own.token, certSha256: null });
      const agentMac = async () => (await agent.inventory()).pfs.find((p) => p.address === pf.pciAddress)!.vfs.find((v) => v.index === 2)!.mac;

      const assign = async (vmId: string) => {
        const outcome = await lib.requests.requestAssign((await vfOf()).id, { vmId }, who);
        if (!outcome.ok) throw new Error(outcome.message);
        await runQueue();
        const op = await db.prisma.operation.findUniqueOrThrow({ where: { id: outcome.operation.id } });
        expect(op.status, op.error ?? '').toBe('succeeded');
        return JSON.parse(op.params) as { mac: string; macSource: string };
      };
      const release = async () => {
        expect((await lib.requests.requestRelease((await vfOf()).id, who)).ok).toBe(true);
        await runQueue();
      };

      const first = await assign(web!.id);
      expect(first.macSource).toBe('allocated');
      expect(isLocallyAdministered(first.mac)).toBe(true);
      const allocation = await db.prisma.macAllocation.findUniqueOrThrow({ where: { mac: first.mac } });
      expect(allocation).toMatchObject({ hostId: id, pfAddress: pf.pciAddress, vfIndex: 2, allocatedBy: 'alice' });
      const assigned = await vfOf();
      expect(assigned).toMatchObject({ mac: first.mac, desiredMac: first.mac, assignment: expect.objectContaining({ mac: first.mac }) });
      expect(await agentMac()).toBe(first.mac);
      // What the VM view and the allocation report say.
      const { listVms } = await import('@/lib/inventory/vms');
      const { vms } = await listVms({ hostId: id, page: 1, pageSize: 100 });
      expect(vms.find((vm) => vm.name === 'vm-web-01')?.vfs.find((v) => v.index === 2)?.mac).toBe(first.mac);

      // Another VF may not be asked to take this one's MAC.
      const neighbour = await db.prisma.virtualFunction.findFirstOrThrow({ where: { pfId: pf.id, index: 3 } });
      expect(await lib.requests.requestAssign(neighbour.id, { vmId: dbVm!.id, mac: first.mac }, who)).toMatchObject({
        ok: false,
        code: 'conflict',
        message: expect.stringMatching(/^mac: .* is the MAC the dashboard gave VF 2 of /),
      });

      await release();
      expect((await vfOf()).mac).toBe(first.mac);
      const second = await assign(dbVm!.id);
      expect(second).toMatchObject({ mac: first.mac, macSource: 'kept' });
      await release();

      // A reboot: VFs do not survive it; the agent creates them again and sets the MAC again.
      const reset = await lib.requests.requestPower(id, { action: 'reset', resetType: 'ForceRestart' }, who);
      if (!reset.ok) throw new Error(reset.message);
      await runQueue();
      expect((await db.prisma.operation.findUniqueOrThrow({ where: { id: reset.operation.id } })).status).toBe('succeeded');
      expect(await agentMac()).toBe(first.mac);
      expect((await vfOf()).mac).toBe(first.mac);
      expect(await db.prisma.macAllocation.count({ where: { hostId: id } })).toBe(1);
    } finally {
      await own.close();
    }
  }, 60_000);
});

describe('duplicate MACs', () => {
  it('two VFs given one MAC behind the server’s back: both show it on the host page and in the fleet report, until one is changed', async () => {
    const { sim, id } = hostOf(0);
    await lib.syncHost(id);
    if (!(await firstPf(id, true))) {
      expect((await lib.requests.requestVfCount((await firstPf(id)).id, { numVfs: 8 }, who)).ok).toBe(true);
      await runQueue();
    }
    const pf = await firstPf(id, true);
    const agent = new lib.AgentClient({ url: sim.member.url, token: sims.token, certSha256: null });
    const [five, six] = [pf.virtualFunctions[5]!, pf.virtualFunctions[6]!];
    await agent.setVf(five.pciAddress, { mac: '02:00:00:00:be:ef' });
    await agent.setVf(six.pciAddress, { mac: '02:00:00:00:be:ef' });
    await lib.syncHost(id);
    const { reportView } = await import('@/lib/reports/service');
    try {
      const detail = (await lib.getHostDetail(id))!;
      expect(detail.duplicateMacs).toEqual([
        { mac: '02:00:00:00:be:ef', vf: `VF 5 of ${pf.pciAddress}`, elsewhere: [`VF 6 of ${pf.pciAddress}`] },
        { mac: '02:00:00:00:be:ef', vf: `VF 6 of ${pf.pciAddress}`, elsewhere: [`VF 5 of ${pf.pciAddress}`] },
      ]);
      const report = await reportView(db.prisma, 'mac-duplicates', {});
      expect(report.rows.map((r) => [r.mac, r.host, r.vf, r.sharedBy, r.ledger])).toEqual([
        ['02:00:00:00:be:ef', detail.name, 5, 2, 'none'],
        ['02:00:00:00:be:ef', detail.name, 6, 2, 'none'],
      ]);
      expect(report.summary).toEqual({ macs: 1, vfs: 2, hosts: 1, notTheirs: 0 });
    } finally {
      await agent.setVf(six.pciAddress, { mac: '02:00:00:00:be:06' });
      await agent.setVf(five.pciAddress, { mac: '02:00:00:00:be:05' });
      await lib.syncHost(id);
    }
    expect((await lib.getHostDetail(id))!.duplicateMacs).toEqual([]);
    expect((await reportView(db.prisma, 'mac-duplicates', {})).rowCount).toBe(0);
  });
});
