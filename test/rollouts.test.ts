// Rollouts with real processes: the server (with its worker and rollout driver) as a child
// process on the production build, agents behind relays the test can cut, iLO simulators that
// really reboot their host. A canary, waves, one reboot per host, halts, a server killed while a
// host reboots, an agent killed mid-wave, and the checks made before anything moves.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, startStack, waitFor, type Credentials, type Stack } from './stack';

let stack: Stack;
let admin: Credentials;
const started = Date.now();

beforeAll(async () => {
  stack = await startStack({
    profiles: ['dl380-gen9', 'dl380-gen10', 'dl380-gen10', 'dl380-gen10'],
    namePrefix: 'ro-',
    proxyAgents: true,
    bootMs: 3_000,
    env: { ROLLOUT_POLL_MS: '200', WORKER_RETRY_BASE_MS: '100', WORKER_MAX_ATTEMPTS: '3', RESET_TIMEOUT_MS: '60000', WORKER_CONCURRENCY: '16' },
  });
  const { syncHost } = await import('@/lib/sync/sync-host');
  for (const id of stack.hostIds.values()) await syncHost(id);
  admin = await stack.signIn('admin');
}, 120_000);
afterAll(async () => {
  console.log(`rollout tests: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await stack?.close();
});

async function api(method: string, path: string, body?: unknown) {
  const answer = await send(stack.server.url, { method, path, headers: { ...admin.headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: answer.status, json: answer.body ? (JSON.parse(answer.body) as Record<string, never>) : null };
}

const byName = (name: string) => stack.sims.hosts.find((h) => h.registration.name === name)!;
type View = { status: string; reason: string | null; finishedAt: string | null; hosts: { hostName: string; state: string; wave: number; reason: string | null }[]; totals: Record<string, number> };

async function policyPlan(name: string, document: unknown): Promise<string> {
  const policy = await api('POST', '/api/policies', { name, document });
  expect(policy.status, JSON.stringify(policy.json)).toBe(201);
  const plan = await api('POST', '/api/plans', { policyId: (policy.json as unknown as { id: string }).id });
  expect(plan.status).toBe(201);
  return (plan.json as unknown as { id: string }).id;
}

async function rollout(planId: string, options: Record<string, unknown>): Promise<string> {
  const answer = await api('POST', '/api/rollouts', { planId, options });
  expect(answer.status, JSON.stringify(answer.json)).toBe(201);
  return (answer.json as unknown as { id: string }).id;
}

const view = async (id: string) => (await api('GET', `/api/rollouts/${id}`)).json as unknown as View;
const finished = (id: string, timeoutMs = 90_000) =>
  waitFor(`rollout ${id} to finish`, async () => {
    const v = await view(id);
    return v.finishedAt !== null ? v : null;
  }, timeoutMs, 200);

describe('a rollout', () => {
  it('canary, then waves; the Gen9 host is staged, rebooted once (even with the server killed during it) and finished', async () => {
    const gen9 = byName('ro-dl380-gen9-001');
    let boots = 0;
    const stop = gen9.ilo.machine.onBoot(() => void boots++);
    try {
      const planId = await policyPlan('ro-sriov', {
        selector: { names: ['ro-*'] },
        bios: { Sriov: 'Enabled', IOMMU: 'Enabled' },
        os: { iommuKernelArgs: true, vfioAtBoot: true },
        nics: [
          { match: { pciIds: '8086:10fb' }, numVfs: 4 },
          { match: { pciIds: '8086:1572' }, numVfs: 4 },
        ],
      });
      const id = await rollout(planId, { canary: 1, maxUnavailable: 2 });
      const first = await view(id);
      // Gen10 hosts sort first: the canary is one of them; the Gen9 host is in the last wave.
      expect(first.hosts.map((h) => [h.hostName, h.wave])).toEqual([
        ['ro-dl380-gen10-002', 0],
        ['ro-dl380-gen10-003', 1],
        ['ro-dl380-gen10-004', 1],
        ['ro-dl380-gen9-001', 2],
      ]);
      // Kill the server while the Gen9 host reboots (its reset sent): the next one must wait for
      // it, not reset it again. (A server killed while it asks the iLO is lib/operations' test.)
      const gen9Host = stack.hostIds.get('ro-dl380-gen9-001')!;
      await waitFor('the Gen9 host’s reset to be sent', async () => {
        const reset = await stack.db.prisma.operation.findFirst({ where: { rolloutId: id, hostId: gen9Host, kind: 'reset-host' }, select: { params: true } });
        return reset && (JSON.parse(reset.params) as { stage?: string }).stage === 'sent' ? true : null;
      }, 60_000, 50);
      await stack.restartServer('SIGKILL');
      const done = await finished(id);
      expect(done.status, JSON.stringify(done.hosts)).toBe('done');
      expect(done.hosts.map((h) => h.state)).toEqual(['done', 'done', 'done', 'done']);
      expect(boots).toBe(1);
      const gen9Id = stack.hostIds.get('ro-dl380-gen9-001')!;
      const bios = await stack.db.prisma.biosSetting.findMany({ where: { hostId: gen9Id, name: { in: ['Sriov', 'IntelProcVtd'] } }, select: { current: true, pending: true } });
      expect(bios).toEqual([
        { current: 'Enabled', pending: 'Enabled' },
        { current: 'Enabled', pending: 'Enabled' },
      ]);
      for (const h of stack.sims.hosts) {
        const pfs = (await h.member.host.agent.inventory()).pfs.filter((p) => ['10fb', '1572'].includes(p.deviceId));
        expect(pfs.map((p) => p.numVfs), h.registration.name).toEqual(pfs.map(() => 4));
      }
      // Every operation it queued carries it, and says who started it.
      const ops = await stack.db.prisma.operation.findMany({ where: { rolloutId: id }, select: { kind: true, status: true, requestedBy: true } });
      expect(ops.every((o) => o.status === 'succeeded' && o.requestedBy.startsWith('admin (rollout '))).toBe(true);
      expect(ops.filter((o) => o.kind === 'reset-host')).toHaveLength(1);
      expect(await stack.db.prisma.auditEvent.count({ where: { targetId: id, action: { in: ['rollout-start', 'rollout-done'] } } })).toBe(2);
    } finally {
      stop();
    }
  }, 180_000);

  it('is refused when its plan is stale, and a host reset in the last hour is reset again only when confirmed', async () => {
    const planId = await policyPlan('ro-gen9-only', { selector: { names: ['ro-dl380-gen9-*'] }, bios: { ProcHyperthreading: 'Disabled' } });
    const recent = await api('POST', '/api/rollouts', { planId });
    expect(recent.status).toBe(409);
    expect((recent.json as unknown as { error: { message: string } }).error.message).toMatch(/^options\.confirmRecentReboots: ro-dl380-gen9-001 was reset in the last hour/);

    const agent = byName('ro-dl380-gen10-002').member.host.agent;
    const pf = (await agent.inventory()).pfs.find((p) => p.deviceId === '10fb')!;
    const stalePlan = await policyPlan('ro-two', { selector: { names: ['ro-dl380-gen10-*'] }, priority: 5, nics: [{ match: { pciIds: '8086:10fb' }, numVfs: 2 }] });
    await agent.setNumVfs(pf.address, 3);
    const { syncHost } = await import('@/lib/sync/sync-host');
    await syncHost(stack.hostIds.get('ro-dl380-gen10-002')!);
    const stale = await api('POST', '/api/rollouts', { planId: stalePlan });
    expect(stale.status).toBe(409);
    expect((stale.json as unknown as { error: { message: string } }).error.message).toMatch(/^The plan is out of date: ro-dl380-gen10-002: .*VFs: 4 of 63 → 3 of 63/);
    await agent.setNumVfs(pf.address, 4);
    await syncHost(stack.hostIds.get('ro-dl380-gen10-002')!);
  }, 60_000);

  it('halts when its canary fails, with no other host touched; the operator names the canary', async () => {
    const planId = await policyPlan('ro-canary', { selector: { names: ['ro-dl380-gen10-*'] }, priority: 10, nics: [{ match: { pciIds: '8086:10fb' }, numVfs: 6 }] });
    const unknown = await api('POST', '/api/rollouts', { planId, options: { canaryHosts: ['ro-dl380-gen10-003', 'nope'] } });
    expect(unknown.status).toBe(400);
    expect((unknown.json as unknown as { error: { message: string } }).error.message).toBe('options.canaryHosts: nope is not among the hosts this plan changes');
    const canary = stack.proxies.get('ro-dl380-gen10-003')!;
    canary.kill();
    try {
      // The plan's order would start with -002; the canary named goes first instead.
      const id = await rollout(planId, { canaryHosts: ['ro-dl380-gen10-003'], maxUnavailable: 2 });
      const halted = await finished(id);
      expect(halted.status).toBe('halted');
      expect(halted.reason).toMatch(/^The canary failed: ro-dl380-gen10-003: step 1 of 1 \(0000:12:00\.0 to 6 VFs, 0000:12:00\.1 to 6 VFs\) failed: Agent: .*unreachable.*\. The other hosts were not touched\.$/);
      expect(halted.hosts.map((h) => [h.hostName, h.wave, h.state])).toEqual([['ro-dl380-gen10-003', 0, 'failed'], ['ro-dl380-gen10-002', 1, 'waiting'], ['ro-dl380-gen10-004', 1, 'waiting']]);
      const touched = await stack.db.prisma.operation.findMany({ where: { rolloutId: id }, select: { host: { select: { name: true } } } });
      expect(new Set(touched.map((o) => o.host?.name))).toEqual(new Set(['ro-dl380-gen10-003']));
      expect(await stack.db.prisma.auditEvent.count({ where: { targetId: id, action: 'rollout-halted' } })).toBe(1);
    } finally {
      canary.revive();
    }
  }, 90_000);

  it('an agent killed mid-wave fails that host only, and under the threshold the rollout goes on; every host ends done, failed or skipped', async () => {
    const planId = await policyPlan('ro-wave', { selector: { names: ['ro-dl380-gen10-*'] }, priority: 20, nics: [{ match: { pciIds: '8086:10fb' }, numVfs: 5 }] });
    const proxy = stack.proxies.get('ro-dl380-gen10-004')!;
    const killed = proxy.killOn(/^PUT \/v1\/pfs\/[^/]+\/num-vfs/);
    try {
      const id = await rollout(planId, { canary: 1, maxUnavailable: 2, waveFailurePercent: 50 });
      await killed;
      const done = await finished(id);
      expect(done.status).toBe('done');
      const states = Object.fromEntries(done.hosts.map((h) => [h.hostName, h.state]));
      expect(states).toEqual({ 'ro-dl380-gen10-002': 'done', 'ro-dl380-gen10-003': 'done', 'ro-dl380-gen10-004': 'failed' });
      expect(done.hosts.find((h) => h.hostName === 'ro-dl380-gen10-004')!.reason).toMatch(/unreachable/);
      expect(done.totals).toMatchObject({ hosts: 3, done: 2, failed: 1, skipped: 0, running: 0, waiting: 0 });
      expect(await stack.db.prisma.operation.count({ where: { rolloutId: id, status: { in: ['queued', 'running'] } } })).toBe(0);
    } finally {
      proxy.revive();
    }
  }, 90_000);

  it('an iLO refusing a change mid-rollout fails that host with the iLO’s reason, with nothing staged and no reset; the others go on', async () => {
    const refusing = byName('ro-dl380-gen10-004');
    const hostId = stack.hostIds.get('ro-dl380-gen10-004')!;
    const { refreshBios } = await import('@/lib/sync/ilo-state');
    const machine = refusing.ilo.machine;
    const before = { Sriov: machine.current.Sriov!, WorkloadProfile: machine.current.WorkloadProfile! };
    let boots = 0;
    const stop = machine.onBoot(() => void boots++);
    try {
      // SR-IOV off on -004 only (set in its BIOS by hand); every host gets a new power regulator.
      machine.current.Sriov = 'Disabled';
      await refreshBios(hostId);
      const planId = await policyPlan('ro-refused', { selector: { names: ['ro-dl380-gen10-*'] }, priority: 40, bios: { Sriov: 'Enabled', PowerRegulator: 'StaticHighPerf' } });
      const id = await rollout(planId, { canary: 1, maxUnavailable: 2, waveFailurePercent: 50 });
      // After the start, someone sets -004's workload profile on its iLO: it now forces SR-IOV off.
      machine.current.WorkloadProfile = 'I/OThroughput';
      const done = await finished(id);
      expect(done.status, JSON.stringify(done.hosts)).toBe('done');
      expect(done.hosts.map((h) => [h.hostName, h.wave, h.state])).toEqual([
        ['ro-dl380-gen10-002', 0, 'done'],
        ['ro-dl380-gen10-003', 1, 'done'],
        ['ro-dl380-gen10-004', 1, 'failed'],
      ]);
      expect(done.hosts[2]!.reason).toMatch(/^step 1 of \d \(stage BIOS Sriov=Enabled, PowerRegulator=StaticHighPerf\) failed: iLO: Sriov cannot be set to Enabled: WorkloadProfile is I\/OThroughput, which forces it to Disabled and makes it read-only\. Set WorkloadProfile=Custom first \(it can be part of the same change\)\.$/);
      expect(done.totals).toMatchObject({ hosts: 3, done: 2, failed: 1, skipped: 0 });
      // Nothing was staged on -004 and it was not reset; the reset of the others applied their values.
      expect(boots).toBe(0);
      expect(machine.pending).toEqual({});
      const resets = await stack.db.prisma.operation.findMany({ where: { rolloutId: id, kind: 'reset-host' }, select: { host: { select: { name: true } }, status: true } });
      expect(resets.map((r) => [r.host?.name, r.status]).sort()).toEqual([['ro-dl380-gen10-002', 'succeeded'], ['ro-dl380-gen10-003', 'succeeded']]);
      expect(byName('ro-dl380-gen10-003').ilo.machine.current.PowerRegulator).toBe('StaticHighPerf');
    } finally {
      stop();
      Object.assign(machine.current, before);
      await refreshBios(hostId);
    }
  }, 120_000);

  it('pauses, resumes and cancels; a second rollout over the same hosts is refused while one runs', async () => {
    const planId = await policyPlan('ro-steer', { selector: { names: ['ro-dl380-gen10-*'] }, priority: 30, nics: [{ match: { pciIds: '8086:10fb' }, numVfs: 7 }] });
    const canary = stack.proxies.get('ro-dl380-gen10-002')!;
    // Hold the canary's request to its agent, so the rollout is still on it.
    canary.hold();
    let last = '';
    const id = await rollout(planId, { canary: 1, maxUnavailable: 1 });
    const again = await api('POST', '/api/rollouts', { planId });
    expect(again.status).toBe(409);
    expect((again.json as unknown as { error: { message: string } }).error.message).toMatch(new RegExp(`^Rollout ${id} \\(started by admin\\) is still changing`));
    await waitFor('the canary to start', async () => ((await view(id)).hosts[0]!.state === 'running' ? true : null), 30_000, 50);
    expect((await api('POST', `/api/rollouts/${id}/pause`)).status).toBe(200);
    canary.release();
    expect((await api('POST', `/api/rollouts/${id}/pause`)).status).toBe(409);
    await waitFor('the canary to finish while paused', async () => {
      const v = await view(id);
      last = JSON.stringify(v.hosts[0]);
      return v.hosts[0]!.state === 'done' ? true : null;
    }, 30_000, 100).catch((error) => {
      throw new Error(`${error}: ${last}`);
    });
    await new Promise((r) => setTimeout(r, 600));
    expect((await view(id)).hosts.slice(1).map((h) => h.state)).toEqual(['waiting', 'waiting']);
    expect((await api('POST', `/api/rollouts/${id}/resume`)).status).toBe(200);
    expect((await api('POST', `/api/rollouts/${id}/cancel`)).status).toBe(200);
    const end = await finished(id);
    expect(end.status).toBe('cancelled');
    expect(end.hosts.filter((h) => !['done', 'skipped'].includes(h.state)).map((h) => `${h.hostName}: ${h.state} (${h.reason})`)).toEqual([]);
    expect(await stack.db.prisma.auditEvent.count({ where: { targetId: id, action: { in: ['rollout-pause', 'rollout-resume', 'rollout-cancel'] } } })).toBe(3);
  }, 90_000);
});
