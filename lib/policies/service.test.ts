// Policies, plans and compliance through the API route handlers, on a real migrated SQLite with
// simulated hosts (agents over HTTP, iLO simulators over HTTPS) registered and synced.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '@/lib/crypto/secrets';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { seedDemoUsers } from '@/lib/demo/demo-users';
import { startSimHosts, type SimHosts } from '@/lib/testing/sim-hosts';
import { apiRequest, type As } from '@/lib/auth/testing';

process.env.SECRETS_KEY ??= generateKey();

type Handler = (request: unknown, context: unknown) => Promise<Response>;
let db: TestDatabase;
let sims: SimHosts;
let admin: As;
let operator: As;
let viewer: As;
const ids = new Map<string, string>();

const load = async <T,>(path: string) => (await import(path)) as T;
const call = async (handler: Handler, method: string, url: string, who: As, body?: unknown, params: object = {}) => {
  const response = await handler(apiRequest(method, url, who, body), { params: Promise.resolve(params) });
  return { status: response.status, json: (await response.json().catch(() => null)) as Record<string, never> };
};

let policies: { GET: Handler; POST: Handler };
let policy: { GET: Handler; PUT: Handler; DELETE: Handler };
let plans: { POST: Handler };
let plan: { GET: Handler };
let freshness: { GET: Handler };
let compliance: { GET: Handler };
let labels: { POST: Handler };

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.url;
  await seedDemoUsers(db.prisma);
  sims = await startSimHosts(['dl380-gen10', 'dl380-gen9', 'dl385-gen10-plus-v2'], { namePrefix: 'pol-' });
  const { registerHost } = await import('@/lib/inventory/register');
  const { syncHost } = await import('@/lib/sync/sync-host');
  for (const h of sims.hosts) {
    const r = await registerHost(h.registration);
    if (!r.ok) throw new Error(r.message);
    ids.set(h.registration.name, r.host.id);
    await syncHost(r.host.id);
  }
  const { createSession } = await import('@/lib/auth/session');
  const as = async (userName: string) => {
    const s = await createSession((await db.prisma.user.findUniqueOrThrow({ where: { userName } })).id, null);
    return { cookie: s.cookie, csrfToken: s.csrfToken };
  };
  [admin, operator, viewer] = [await as('admin'), await as('operator'), await as('viewer')];
  policies = await load('@/app/api/policies/route');
  policy = await load('@/app/api/policies/[id]/route');
  plans = await load('@/app/api/plans/route');
  plan = await load('@/app/api/plans/[id]/route');
  freshness = await load('@/app/api/plans/[id]/freshness/route');
  compliance = await load('@/app/api/policies/[id]/compliance/route');
  labels = await load('@/app/api/labels/route');
}, 60_000);
afterAll(async () => {
  await sims?.close();
  await db?.dispose();
});

const hostId = (i: number) => ids.get(sims.hosts[i]!.registration.name)!;
const GEN10_SRIOV = {
  selector: { labels: { role: 'kvm' }, generations: ['Gen10', 'Gen10 Plus'] },
  priority: 10,
  bios: { Sriov: 'Enabled', IOMMU: 'Enabled' },
  nics: [{ match: { nicModel: '560SFP+' }, numVfs: 8 }],
};

describe('labels and policies', () => {
  let policyId: string;

  it('labels hosts in bulk, audited per host', async () => {
    const labelled = await call(labels.POST, 'POST', '/api/labels', operator, { hostIds: [hostId(0), hostId(1), hostId(2)], set: { role: 'kvm' } });
    expect(labelled.status).toBe(200);
    expect(await db.prisma.hostLabel.count({ where: { key: 'role', value: 'kvm' } })).toBe(3);
    expect(await db.prisma.auditEvent.count({ where: { action: 'host-labels' } })).toBe(3);
    const bad = await call(labels.POST, 'POST', '/api/labels', operator, { hostIds: [hostId(0)], set: { 'Bad Key': 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ message: expect.stringMatching(/^set\.Bad Key: .*a label key/) });
    expect((await call(labels.POST, 'POST', '/api/labels', viewer, { hostIds: [hostId(0)], set: { a: 'b' } })).status).toBe(403);
  });

  it('refuses an invalid document with 400 naming the field and what is allowed', async () => {
    const noSelector = await call(policies.POST, 'POST', '/api/policies', admin, { name: 'broken', document: { selector: {}, bios: { Sriov: 'Enabled' } } });
    expect(noSelector.status).toBe(400);
    expect(noSelector.json.error).toMatchObject({ message: 'document.selector: give at least one criterion (names: ["*"] selects every host)' });
    const badValue = await call(policies.POST, 'POST', '/api/policies', admin, { name: 'broken', document: { selector: { names: ['*'] }, bios: { Sriov: 'Sometimes' } } });
    expect(badValue.json.error).toMatchObject({ message: 'document.bios.Sriov: "Sometimes" is not allowed: one of Enabled, Disabled' });
    const unknownAttribute = await call(policies.POST, 'POST', '/api/policies', admin, { name: 'broken', document: { selector: { names: ['*'] }, bios: { sriov: 'Enabled' } } });
    expect(unknownAttribute.json.error).toMatchObject({ message: expect.stringMatching(/^document\.bios\.sriov: no registered server's BIOS has an attribute sriov/) });
    const badRule = await call(policies.POST, 'POST', '/api/policies', admin, { name: 'broken', document: { selector: { names: ['*'] }, nics: [{ match: { nicModel: '560SFP+', pfName: 'x' }, numVfs: 4 }] } });
    expect(badRule.json.error).toMatchObject({ message: 'document.nics.0.match: give exactly one of nicModel, pciIds or pfName' });
    expect((await call(policies.POST, 'POST', '/api/policies', operator, { name: 'x', document: GEN10_SRIOV })).status).toBe(403);
    expect(await db.prisma.policy.count()).toBe(0);
  });

  it('creates a policy, version 1, and evaluates compliance at once', async () => {
    const created = await call(policies.POST, 'POST', '/api/policies', admin, { name: 'gen10-sriov', description: 'SR-IOV on the Gen10 KVM hosts', document: GEN10_SRIOV });
    expect(created.status).toBe(201);
    policyId = (created.json as unknown as { id: string }).id;
    const states = await call(compliance.GET, 'GET', `/api/policies/${policyId}/compliance`, viewer, undefined, { id: policyId });
    const byHost = Object.fromEntries((states.json as unknown as { hosts: { hostName: string; state: string }[] }).hosts.map((h) => [h.hostName, h.state]));
    // The Gen9 host is not selected; both others have SR-IOV on in BIOS; the DL380's 560SFP+ has no VFs yet.
    expect(byHost).toEqual({ 'pol-dl380-gen10-001': 'drifted', 'pol-dl385-gen10-plus-v2-003': 'compliant' });
    expect(await db.prisma.complianceTransition.count({ where: { policyId } })).toBe(2);
  });

  it('a policy that selects no host says so, one never evaluated says so: neither reads as compliant', async () => {
    const none = await call(policies.POST, 'POST', '/api/policies', admin, { name: 'nobody', document: { selector: { names: ['no-such-host-*'] }, os: { vfioAtBoot: true } } });
    expect(none.status).toBe(201);
    const noneId = (none.json as unknown as { id: string }).id;
    // Written without an evaluation, as an older version of the dashboard left its policies.
    const never = await db.prisma.policy.create({ data: { name: 'never-judged', versions: { create: { version: 1, document: JSON.stringify({ selector: { names: ['*'] }, os: { vfioAtBoot: true } }), createdBy: 'test' } } }, select: { id: true, updatedAt: true } });
    const listed = async () => Object.fromEntries(((await call(policies.GET, 'GET', '/api/policies', viewer)).json as unknown as { policies: { name: string; evaluatedAt: string | null; compliance: object; updatedAt: string }[] }).policies.map((p) => [p.name, p]));
    const { noHostWords } = await import('./words');

    let list = await listed();
    expect(list.nobody).toMatchObject({ compliance: {}, evaluatedAt: expect.any(String) });
    expect(noHostWords(list.nobody!.evaluatedAt)).toBe('matches no host');
    expect(list['never-judged']).toMatchObject({ compliance: {}, evaluatedAt: null });
    expect(noHostWords(list['never-judged']!.evaluatedAt)).toBe('not evaluated yet');
    const states = await call(compliance.GET, 'GET', `/api/policies/${noneId}/compliance`, viewer, undefined, { id: noneId });
    expect(states.json).toMatchObject({ evaluatedAt: expect.any(String), hosts: [] });

    // Evaluated over the fleet: it is judged now, and its time of last edit stays what it was.
    const { evaluateCompliance } = await import('./service');
    await evaluateCompliance(db.prisma, { hostIds: [hostId(0)] });
    expect((await listed())['never-judged']!.evaluatedAt).toBeNull();
    await evaluateCompliance(db.prisma);
    list = await listed();
    expect(list['never-judged']!.evaluatedAt).not.toBeNull();
    expect(list['never-judged']!.updatedAt).toBe(never.updatedAt.toISOString());
    expect(Object.values(list['never-judged']!.compliance).reduce((n: number, c) => n + (c as number), 0)).toBe(3);

    for (const id of [noneId, never.id]) expect((await call(policy.DELETE, 'DELETE', `/api/policies/${id}`, admin, undefined, { id })).status).toBe(200);
  });

  it('computes a plan that names every change, and tells when the inventory moved since', async () => {
    const computed = await call(plans.POST, 'POST', '/api/plans', operator, { policyId });
    expect(computed.status).toBe(201);
    const planId = (computed.json as unknown as { id: string }).id;
    const doc = (await call(plan.GET, 'GET', `/api/plans/${planId}`, viewer, undefined, { id: planId })).json as unknown as { hosts: { hostName: string; changes: { kind: string; target: string; to: unknown; status: string }[] }[]; totals: Record<string, number> };
    expect(doc.hosts.map((h) => h.hostName)).toEqual(['pol-dl380-gen10-001', 'pol-dl385-gen10-plus-v2-003']);
    // Both ports of its 560SFP+.
    expect(doc.hosts[0]!.changes.map((c) => [c.kind, c.target, c.to, c.status])).toEqual([
      ['vf-count', '0000:12:00.0', 8, 'planned'],
      ['vf-count', '0000:12:00.1', 8, 'planned'],
    ]);
    expect(doc.totals).toMatchObject({ hostsMatched: 2, hostsChanged: 1, hostsCompliant: 1, reboots: 0 });

    const csv = await plan.GET(apiRequest('GET', `/api/plans/${planId}?format=csv`, viewer), { params: Promise.resolve({ id: planId }) });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect((await csv.text()).split('\r\n')[0]).toBe('host,hostStatus,policies,reboot,vmsGoingDown,kind,target,from,to,needsReboot,status,reason,policy,overridden,estimatedSeconds');

    expect((await call(freshness.GET, 'GET', `/api/plans/${planId}/freshness`, viewer, undefined, { id: planId })).json).toMatchObject({ fresh: true });
    // Someone changes a VF count behind the plan's back.
    const agent = sims.hosts[0]!.member.host.agent;
    const pf = (await agent.inventory()).pfs.find((p) => p.totalVfs === 63)!;
    await agent.setNumVfs(pf.address, 2);
    const { syncHost } = await import('@/lib/sync/sync-host');
    await syncHost(hostId(0));
    const stale = (await call(freshness.GET, 'GET', `/api/plans/${planId}/freshness`, viewer, undefined, { id: planId })).json as unknown as { fresh: boolean; changed: { hostName: string; changes: string[] }[] };
    expect(stale.fresh).toBe(false);
    expect(stale.changed[0]!.hostName).toBe('pol-dl380-gen10-001');
    expect(stale.changed[0]!.changes).toContain(`${pf.address} VFs: 0 of 63 → 2 of 63`);
  });

  it('every edit is a new version; an edit on an old version is refused; versions diff field by field', async () => {
    const v2 = await call(policy.PUT, 'PUT', `/api/policies/${policyId}`, admin, { baseVersion: 1, document: { ...GEN10_SRIOV, nics: [{ match: { nicModel: '560SFP+' }, numVfs: 16 }] }, comment: 'more VFs' }, { id: policyId });
    expect(v2.status).toBe(200);
    expect(v2.json).toMatchObject({ version: 2, changes: [{ path: 'nics.0.numVfs', from: 8, to: 16 }] });
    const late = await call(policy.PUT, 'PUT', `/api/policies/${policyId}`, admin, { baseVersion: 1, document: GEN10_SRIOV }, { id: policyId });
    expect(late.status).toBe(409);
    const { GET: diff } = await load<{ GET: Handler }>('@/app/api/policies/[id]/diff/route');
    expect((await call(diff, 'GET', `/api/policies/${policyId}/diff?from=1&to=2`, viewer, undefined, { id: policyId })).json).toEqual({ from: 1, to: 2, changes: [{ path: 'nics.0.numVfs', from: 8, to: 16 }] });
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'policy-update', targetId: policyId } });
    expect(JSON.parse(audit.after!)).toMatchObject({ version: 2, changes: [{ path: 'nics.0.numVfs' }] });
    const read = (await call(policy.GET, 'GET', `/api/policies/${policyId}`, viewer, undefined, { id: policyId })).json as unknown as { currentVersion: number; versions: { version: number }[] };
    expect(read.currentVersion).toBe(2);
    expect(read.versions.map((v) => v.version)).toEqual([2, 1]);
  });

  it('overlapping policies: the higher priority wins, the same priority with another value is refused', async () => {
    const low = await call(policies.POST, 'POST', '/api/policies', admin, { name: 'everyone-4', document: { selector: { names: ['pol-*'] }, priority: 1, nics: [{ match: { nicModel: '560SFP+' }, numVfs: 4 }] } });
    expect(low.status).toBe(201);
    const computed = await call(plans.POST, 'POST', '/api/plans', operator, { hostIds: [hostId(0)] });
    const planId = (computed.json as unknown as { id: string }).id;
    const doc = (await call(plan.GET, 'GET', `/api/plans/${planId}`, viewer, undefined, { id: planId })).json as unknown as { hosts: { changes: { to: unknown; policy: string; overridden?: unknown }[] }[] };
    expect(doc.hosts[0]!.changes[0]).toMatchObject({ to: 16, policy: 'gen10-sriov', overridden: [{ policy: 'everyone-4', value: 4 }] });

    const tie = await call(policies.POST, 'POST', '/api/policies', admin, { name: 'tie-12', document: { selector: { labels: { role: 'kvm' } }, priority: 10, nics: [{ match: { nicModel: '560SFP+' }, numVfs: 12 }] } });
    expect(tie.status).toBe(201);
    const states = (await call(compliance.GET, 'GET', `/api/policies/${policyId}/compliance`, viewer, undefined, { id: policyId })).json as unknown as { hosts: { hostName: string; state: string; details: string[] }[] };
    const refused = states.hosts.find((h) => h.hostName === 'pol-dl380-gen10-001')!;
    expect(refused.state).toBe('refused');
    expect(refused.details).toHaveLength(2);
    for (const d of refused.details) expect(d).toMatch(/: refused \(policies of the same priority 10 ask different values: (gen10-sriov \(16\) and tie-12 \(12\)|tie-12 \(12\) and gen10-sriov \(16\))\)$/);
  });

  it('exports every policy and imports them back: unchanged ones stay, changed ones get a version', async () => {
    const { GET: exporter } = await load<{ GET: Handler }>('@/app/api/policies/export/route');
    const exported = (await (await exporter(apiRequest('GET', '/api/policies/export', viewer), { params: Promise.resolve({}) })).json()) as { format: string; policies: { name: string; document: Record<string, unknown> }[] };
    expect(exported.format).toBe('sriov-fleet-policies/v1');
    expect(exported.policies.map((p) => p.name)).toEqual(['everyone-4', 'gen10-sriov', 'tie-12']);
    const { POST: importer } = await load<{ POST: Handler }>('@/app/api/policies/import/route');
    const changed = { ...exported, policies: exported.policies.map((p) => (p.name === 'tie-12' ? { ...p, document: { ...p.document, priority: 5 } } : p)) };
    const dry = await call(importer, 'POST', '/api/policies/import', admin, { ...changed, dryRun: true });
    expect(dry.json).toMatchObject({ dryRun: true, created: [], updated: [{ name: 'tie-12', changes: [{ path: 'priority', from: 10, to: 5 }] }], unchanged: ['everyone-4', 'gen10-sriov'] });
    expect((await db.prisma.policy.findUniqueOrThrow({ where: { name: 'tie-12' } })).currentVersion).toBe(1);
    const real = await call(importer, 'POST', '/api/policies/import', admin, changed);
    expect(real.status).toBe(200);
    expect((await db.prisma.policy.findUniqueOrThrow({ where: { name: 'tie-12' } })).currentVersion).toBe(2);
    const invalid = await call(importer, 'POST', '/api/policies/import', admin, { format: 'sriov-fleet-policies/v1', policies: [{ name: 'ok-one', document: GEN10_SRIOV }, { name: 'bad-one', document: { selector: { names: ['*'] } } }] });
    expect(invalid.status).toBe(400);
    expect(invalid.json.error).toMatchObject({ message: 'policies.1.document: a policy sets at least one of bios, os or nics' });
    expect(await db.prisma.policy.count({ where: { name: 'ok-one' } })).toBe(0);
  });

  it('a policy that opts into automatic remediation queues its non-disruptive changes, requested by the policy', async () => {
    const auto = await call(policies.POST, 'POST', '/api/policies', admin, {
      name: 'auto-trust',
      document: { selector: { names: ['pol-dl380-gen10-001'] }, priority: 20, autoRemediate: true, bios: { ProcVirtualization: 'Disabled' }, nics: [{ match: { pciIds: '8086:10fb' }, vfDefaults: { trust: true } }] },
    });
    expect(auto.status).toBe(201);
    const queued = await db.prisma.operation.findMany({ where: { requestedBy: 'policy:auto-trust' }, select: { kind: true, status: true } });
    // The two VFs of 0000:12:00.0 get trust on, in one operation; the BIOS change needs a reboot and waits for an apply.
    expect(queued.map((o) => o.kind)).toEqual(['set-vfs']);
    expect(await db.prisma.operation.count({ where: { kind: 'set-bios' } })).toBe(0);
  });

  it('stable MACs: the plan names the VFs without their ledger MAC; applied, each VF has its own, unique in the fleet, and the PF is compliant', async () => {
    const { startWorker } = await import('@/lib/operations/worker');
    const drain = async () => {
      const worker = startWorker({ concurrency: 4, pollMs: 50, maxAttempts: 2, retryBaseMs: 50, timing: { resetTimeoutMs: 10_000, pollMs: 100 } });
      await worker.idle();
      await worker.stop({ drain: true });
    };
    await drain();
    const created = await call(policies.POST, 'POST', '/api/policies', admin, { name: 'stable-macs', document: { selector: { names: ['pol-dl380-gen10-001'] }, priority: 30, nics: [{ match: { pciIds: '8086:10fb' }, numVfs: 2, macs: 'stable' }] } });
    expect(created.status).toBe(201);
    const policyId = (created.json as unknown as { id: string }).id;
    const planned = await call(plans.POST, 'POST', '/api/plans', operator, { policyId });
    const doc = (await call(plan.GET, 'GET', `/api/plans/${(planned.json as unknown as { id: string }).id}`, viewer, undefined, { id: (planned.json as unknown as { id: string }).id })).json as unknown as {
      hosts: { changes: { kind: string; target: string; from: unknown; to: unknown; status: string; apply: { kind: string; pfId: string; vfIndexes: number[] } }[] }[];
    };
    const change = doc.hosts[0]!.changes.find((c) => c.kind === 'vf-mac')!;
    expect(change).toMatchObject({ target: '0000:12:00.0 VFs 0–1', from: '00:00:00:00:00:00 on 2 VFs', to: "stable MACs (2 to allocate in the fleet's ledger)", status: 'planned' });

    const { requestPfStableMacs } = await import('@/lib/operations/requests');
    const queued = await requestPfStableMacs(change.apply.pfId, change.apply.vfIndexes, { name: 'operator', sourceAddress: null });
    if (!queued.ok) throw new Error(queued.message);
    expect(queued.operation.kind).toBe('set-vfs');
    await drain();
    const op = await db.prisma.operation.findUniqueOrThrow({ where: { id: queued.operation.id } });
    expect(op.status, op.error ?? '').toBe('succeeded');
    // What the agent reports: the ledger's MACs, locally administered, one per VF.
    const ledger = await db.prisma.macAllocation.findMany({ where: { hostId: hostId(0), pfAddress: '0000:12:00.0' }, orderBy: { vfIndex: 'asc' } });
    const agent = new (await import('@/lib/agents/client')).AgentClient({ url: sims.hosts[0]!.member.url, token: sims.token, certSha256: null });
    const reported = (await agent.inventory()).pfs.find((p) => p.address === '0000:12:00.0')!.vfs.map((v) => v.mac);
    expect(reported).toEqual(ledger.map((l) => l.mac));
    expect(new Set(reported).size).toBe(2);
    expect(reported.every((m) => /^[0-9a-f][26ae]:/.test(m ?? ''))).toBe(true);
    // As a poll would after the change: compliance evaluated again.
    await (await import('@/lib/policies/service')).evaluateCompliance(db.prisma, { hostIds: [hostId(0)] });
    const answer = await call(compliance.GET, 'GET', `/api/policies/${policyId}/compliance`, viewer, undefined, { id: policyId });
    const after = answer.json as unknown as { hosts: { hostName: string; state: string; details: string[] }[] };
    // 0000:12:00.0 is as the policy asks now; its second port (also 8086:10fb) is what is left.
    expect(after.hosts[0]!.details).toEqual(['0000:12:00.1: 0 → 2', "0000:12:00.1 VFs 0–1: no MAC yet on 2 VFs → stable MACs (2 to allocate in the fleet's ledger)"]);
  });
});
