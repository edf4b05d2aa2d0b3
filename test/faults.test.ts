// Fault tests with real processes: the server is server/index.mjs on the production build, with
// its poller and worker; agents (simulated kernel, ip, libvirt) answer over HTTP behind relays the
// test can cut at an exact moment; iLO simulators answer over HTTPS. Every operation must end
// succeeded or failed with the reason, none may stay running, none may be applied twice, and no
// desired value may be lost.

import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEtcFiles } from '@/agent/src/sim/host';
import { send, startStack, waitFor, type Credentials, type Stack } from './stack';

let stack: Stack;
let operator: Credentials;
let admin: Credentials;
const started = Date.now();

beforeAll(async () => {
  stack = await startStack({
    profiles: ['dl380-gen10', 'dl380-gen9', 'dl380-gen10'],
    namePrefix: 'fault-',
    proxyAgents: true,
    // Long enough to kill the server while a host restarts.
    bootMs: 4_000,
    env: { WORKER_RETRY_BASE_MS: '300', WORKER_MAX_ATTEMPTS: '5', ILO_RETRY_ATTEMPTS: '2', ILO_RETRY_BASE_MS: '100', RESET_TIMEOUT_MS: '60000' },
  });
  const { syncHost } = await import('@/lib/sync/sync-host');
  for (const id of stack.hostIds.values()) await syncHost(id);
  operator = await stack.signIn('operator');
  admin = await stack.signIn('admin');
}, 120_000);
afterAll(async () => {
  console.log(`fault tests: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await stack?.close();
});

const host = (i: number) => {
  const sim = stack.sims.hosts[i]!;
  return { sim, id: stack.hostIds.get(sim.registration.name)!, proxy: stack.proxies.get(sim.registration.name)!, agent: sim.member.host.agent };
};

async function api(who: Credentials, method: string, path: string, body?: unknown) {
  const answer = await send(stack.server.url, { method, path, headers: { ...who.headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: answer.status, json: answer.body ? (JSON.parse(answer.body) as Record<string, never>) : null };
}

async function queue(who: Credentials, method: string, path: string, body?: unknown): Promise<string> {
  const answer = await api(who, method, path, body);
  expect(answer.status, JSON.stringify(answer.json)).toBe(202);
  return (answer.json as unknown as { operation: { id: string } }).operation.id;
}

const operation = (id: string) => stack.db.prisma.operation.findUniqueOrThrow({ where: { id } });
const ended = (id: string, timeoutMs = 40_000) =>
  waitFor(`operation ${id} to end`, async () => {
    const op = await operation(id);
    return op.status === 'succeeded' || op.status === 'failed' ? op : null;
  }, timeoutMs);

async function noneUnfinished() {
  expect(await stack.db.prisma.operation.count({ where: { status: { in: ['queued', 'running'] } } })).toBe(0);
}

async function firstPf(hostId: string) {
  return stack.db.prisma.physicalFunction.findFirstOrThrow({ where: { hostId, totalVfs: { gte: 8 } }, orderBy: { pciAddress: 'asc' } });
}

describe('an agent killed with a request in flight', () => {
  it('during a VF count change: restarted within the retries, the operation succeeds without applying it twice', async () => {
    const { id, proxy, agent } = host(0);
    const pf = await firstPf(id);
    const killed = proxy.killOn(/^PUT \/v1\/pfs\/[^/]+\/num-vfs/);
    const opId = await queue(operator, 'PUT', `/api/pfs/${pf.id}/num-vfs`, { numVfs: 6 });
    await killed;
    await new Promise((r) => setTimeout(r, 800));
    proxy.revive();
    const op = await ended(opId);
    expect(op.status, op.error ?? '').toBe('succeeded');
    expect(op.attempts).toBeGreaterThanOrEqual(2);
    // The kernel made the change on the first attempt; the retry found it done.
    expect(JSON.parse(op.result!)).toMatchObject({ changed: false });
    expect(agent.physicalFunction(pf.pciAddress).numVfs).toBe(6);
    expect((await stack.db.prisma.physicalFunction.findUniqueOrThrow({ where: { id: pf.id } })).desiredVfs).toBe(6);
    expect(await stack.db.prisma.auditEvent.count({ where: { operationId: opId, action: 'set-vf-count.succeeded' } })).toBe(1);
    await noneUnfinished();
  });

  it('during an assign: the VM holds the VF once, and the operation says so', async () => {
    const { id, proxy, agent } = host(0);
    const vf = await stack.db.prisma.virtualFunction.findFirstOrThrow({ where: { hostId: id, index: 2 }, include: { pf: true } });
    const vm = await stack.db.prisma.virtualMachine.findFirstOrThrow({ where: { hostId: id, name: 'vm-web-01' } });
    const killed = proxy.killOn(/^POST \/v1\/vms\/vm-web-01\/attach/);
    const opId = await queue(operator, 'POST', `/api/vfs/${vf.id}/assignment`, { vmId: vm.id });
    await killed;
    await new Promise((r) => setTimeout(r, 800));
    proxy.revive();
    const op = await ended(opId);
    expect(op.status, op.error ?? '').toBe('succeeded');
    const holders = (await agent.listVms()).flatMap((v) => v.hostdevs.filter((a) => a === vf.pciAddress).map(() => v.name));
    expect(holders).toEqual(['vm-web-01']);
    expect((await stack.db.prisma.assignment.findUniqueOrThrow({ where: { vfId: vf.id }, include: { vm: true } })).vm.name).toBe('vm-web-01');
    await noneUnfinished();
  });

  it('and not back before the retries run out: the operation fails with the reason, and the inventory shows what the host did', async () => {
    const { id, proxy, agent } = host(2);
    const pf = await firstPf(id);
    const killed = proxy.killOn(/^PUT \/v1\/pfs\/[^/]+\/num-vfs/);
    const opId = await queue(operator, 'PUT', `/api/pfs/${pf.id}/num-vfs`, { numVfs: 4 });
    await killed;
    const op = await ended(opId);
    expect(op.status).toBe('failed');
    expect(op.error).toMatch(/^Agent: The agent at 127\.0\.0\.1:\d+ is unreachable: .*\(after 5 attempts\)$/);
    expect(op.activeKey).toBeNull();
    proxy.revive();
    const { syncHost } = await import('@/lib/sync/sync-host');
    expect((await syncHost(id)).ok).toBe(true);
    expect((await stack.db.prisma.physicalFunction.findUniqueOrThrow({ where: { id: pf.id } })).currentVfs).toBe(agent.physicalFunction(pf.pciAddress).numVfs);
    await noneUnfinished();
  });
});

describe('a full disk on the host', () => {
  it('fails the operation at once with the agent’s reason; the VFs are live but the desired value is not taken as saved', async () => {
    const { id, sim, agent } = host(2);
    const pf = await firstPf(id);
    const before = await stack.db.prisma.physicalFunction.findUniqueOrThrow({ where: { id: pf.id } });
    const target = before.currentVfs === 2 ? 3 : 2;
    (sim.member.host.etc as MemoryEtcFiles).writeFault = 'ENOSPC';
    try {
      const op = await ended(await queue(operator, 'PUT', `/api/pfs/${pf.id}/num-vfs`, { numVfs: target }));
      expect(op.status).toBe('failed');
      expect(op.attempts).toBe(1);
      expect(op.error).toMatch(/took effect, but .*desired-state\.json could not be written .*no space left on device.*will not be re-applied after a reboot.*\(ENOSPC\)$/);
      expect(agent.physicalFunction(pf.pciAddress).numVfs).toBe(target);
      // The last value the host could keep stays the desired one: the difference shows as drift.
      expect((await stack.db.prisma.physicalFunction.findUniqueOrThrow({ where: { id: pf.id } })).desiredVfs).toBe(before.desiredVfs);
    } finally {
      (sim.member.host.etc as MemoryEtcFiles).writeFault = null;
    }
    const again = await ended(await queue(operator, 'PUT', `/api/pfs/${pf.id}/num-vfs`, { numVfs: target }));
    expect(again.status).toBe('succeeded');
    expect((await agent.desiredStateReport()).desired.pfs[pf.pciAddress]?.numVfs).toBe(target);
    await noneUnfinished();
  });
});

describe('an iLO answering 503 for longer than the first retries', () => {
  it('the BIOS change waits it out and succeeds once the iLO recovers', async () => {
    const { id, sim } = host(1);
    // Two tries a request (ILO_RETRY_ATTEMPTS), so three attempts of the operation meet only 503s.
    sim.ilo.injectBusy({ requests: 6, retryAfterSeconds: 0 });
    const op = await ended(await queue(admin, 'PATCH', `/api/hosts/${id}/bios`, { attributes: { Sriov: 'Enabled', IntelProcVtd: 'Enabled' } }));
    expect(op.status, op.error ?? '').toBe('succeeded');
    expect(op.attempts).toBe(4);
    const pending = await stack.db.prisma.biosSetting.findMany({ where: { hostId: id, name: { in: ['Sriov', 'IntelProcVtd'] } }, select: { name: true, pending: true } });
    expect(pending.map((b) => b.pending)).toEqual(['Enabled', 'Enabled']);
    await noneUnfinished();
  });
});

describe('the server killed during a reset', () => {
  it('a new server resumes waiting for the host instead of resetting it again', async () => {
    const { id, sim } = host(1);
    let boots = 0;
    const stop = sim.ilo.machine.onBoot(() => void boots++);
    try {
      const opId = await queue(admin, 'POST', `/api/hosts/${id}/power`, { action: 'reset' });
      // The row says the reset was sent (its progress may already be past waiting: the agent
      // goes the moment the iLO resets the server); the host takes 4 s to come back.
      await waitFor('the reset to be sent', async () => {
        const op = await operation(opId);
        if (op.status === 'failed' || op.status === 'succeeded') throw new Error(`the reset ended ${op.status} before the server could be killed: ${op.error ?? op.progress ?? ''}`);
        return (JSON.parse(op.params) as { stage?: string }).stage === 'sent' ? true : null;
      }, 60_000, 20);
      await stack.restartServer('SIGKILL');
      const op = await ended(opId, 60_000);
      expect(op.status, op.error ?? '').toBe('succeeded');
      expect(boots).toBe(1);
      const bios = await stack.db.prisma.biosSetting.findMany({ where: { hostId: id, name: { in: ['Sriov', 'IntelProcVtd'] } }, select: { current: true, pending: true } });
      expect(bios.map((b) => b.current)).toEqual(['Enabled', 'Enabled']);
      await noneUnfinished();
    } finally {
      stop();
    }
  });
});

describe('the database busy', () => {
  it('reads go on, a change answers 503 in the envelope and leaves nothing behind, and a queued operation waits and then runs', async () => {
    const { id, agent } = host(0);
    const pf = await firstPf(id);
    if (agent.physicalFunction(pf.pciAddress).numVfs < 6) {
      expect((await ended(await queue(operator, 'PUT', `/api/pfs/${pf.id}/num-vfs`, { numVfs: 6 }))).status).toBe('succeeded');
    }
    const vf = await stack.db.prisma.virtualFunction.findFirstOrThrow({ where: { pfId: pf.id, index: 3 } });
    const other = await stack.db.prisma.virtualFunction.findFirstOrThrow({ where: { pfId: pf.id, index: 4 } });
    // Another process holds the database's write lock, longer than the server waits for it.
    const lock = new Database(stack.db.url.slice('file:'.length));
    lock.exec('BEGIN IMMEDIATE');
    let read, change;
    const countBefore = await stack.db.prisma.operation.count();
    try {
      const queued = queue(operator, 'PATCH', `/api/vfs/${vf.id}`, { trust: true }).catch((error: unknown) => error);
      read = await send(stack.server.url, { method: 'GET', path: '/api/hosts', headers: operator.headers });
      change = await send(stack.server.url, { method: 'PATCH', path: `/api/vfs/${other.id}`, headers: { ...operator.headers, 'content-type': 'application/json' }, body: '{"spoofchk":false}' });
      await new Promise((r) => setTimeout(r, 1_500));
      lock.exec('COMMIT');
      // The first change met the lock too: refused the same way, or queued if it got in first.
      await queued;
    } finally {
      if (lock.inTransaction) lock.exec('COMMIT');
      lock.close();
    }
    expect(read.status).toBe(200);
    expect(change.status).toBe(503);
    expect(change.headers['retry-after']).toBe('2');
    expect(JSON.parse(change.body).error).toEqual({ code: 'unavailable', message: 'The inventory database is busy or out of reach; nothing was changed. Try again in a moment.' });
    const opsAfter = await stack.db.prisma.operation.findMany({ where: { targetId: { in: [vf.id, other.id] } } });
    expect(opsAfter.filter((o) => o.targetId === other.id)).toEqual([]);
    for (const op of opsAfter) expect((await ended(op.id)).status).toBe('succeeded');
    expect(await stack.db.prisma.operation.count()).toBe(countBefore + opsAfter.length);

    // After the lock: a change made while an operation is running meets a busy database mid-way.
    const opId = await queue(operator, 'PATCH', `/api/vfs/${other.id}`, { spoofchk: false });
    await waitFor('the operation to start', async () => ((await operation(opId)).status === 'running' ? true : null), 10_000, 5);
    const midway = new Database(stack.db.url.slice('file:'.length));
    midway.exec('BEGIN IMMEDIATE');
    await new Promise((r) => setTimeout(r, 2_500));
    midway.exec('COMMIT');
    midway.close();
    const op = await ended(opId);
    expect(op.status, op.error ?? '').toBe('succeeded');
    expect((await stack.db.prisma.virtualFunction.findUniqueOrThrow({ where: { id: other.id } })).spoofchk).toBe(false);
    await noneUnfinished();
  });
});

describe('races, through the real server', () => {
  // The agent is unreachable meanwhile, so the winner is still queued or retrying when the
  // others arrive: without that, a fast simulated host finishes it between two requests.
  it('20 concurrent VF count changes of one PF: one is queued, 19 are refused naming it', async () => {
    const { id, proxy } = host(2);
    const pf = await firstPf(id);
    const current = (await stack.db.prisma.physicalFunction.findUniqueOrThrow({ where: { id: pf.id } })).currentVfs;
    proxy.kill();
    const answers = await Promise.all(Array.from({ length: 20 }, () => api(operator, 'PUT', `/api/pfs/${pf.id}/num-vfs`, { numVfs: current === 5 ? 6 : 5 })));
    proxy.revive();
    expect(answers.map((a) => a.status).sort()).toEqual([202, ...Array(19).fill(409)]);
    const refusal = answers.find((a) => a.status === 409)!.json as unknown as { error: { message: string } };
    expect(refusal.error.message).toMatch(/is (already being|being) changed/);
    const winner = answers.find((a) => a.status === 202)!.json as unknown as { operation: { id: string } };
    expect((await ended(winner.operation.id)).status).toBe('succeeded');
    await noneUnfinished();
  });

  it('20 concurrent assigns of one VF: one wins; the VM holds it once', async () => {
    const { id, agent, proxy } = host(2);
    const vf = await stack.db.prisma.virtualFunction.findFirstOrThrow({ where: { hostId: id, assignment: null }, orderBy: { index: 'asc' } });
    const vm = await stack.db.prisma.virtualMachine.findFirstOrThrow({ where: { hostId: id, name: 'vm-db-01' } });
    proxy.kill();
    const answers = await Promise.all(Array.from({ length: 20 }, () => api(operator, 'POST', `/api/vfs/${vf.id}/assignment`, { vmId: vm.id })));
    proxy.revive();
    expect(answers.map((a) => a.status).sort()).toEqual([202, ...Array(19).fill(409)]);
    const winner = answers.find((a) => a.status === 202)!.json as unknown as { operation: { id: string } };
    expect((await ended(winner.operation.id)).status).toBe('succeeded');
    expect((await agent.listVms()).flatMap((v) => v.hostdevs.filter((a) => a === vf.pciAddress))).toHaveLength(1);
    await noneUnfinished();
  });

  it('31 sign-ins at once, 30 wrong and the right one: at most 10 passwords are checked', async () => {
    const guesses = [...Array.from({ length: 30 }, (_, i) => `wrong-${i}`), 'demo-viewer-password'];
    const answers = await Promise.all(
      guesses.map((password, i) =>
        send(stack.server.url, { method: 'POST', path: '/api/auth/login', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userName: 'viewer', password }), localAddress: `127.0.2.${i + 1}` }),
      ),
    );
    const evaluated = await stack.db.prisma.auditEvent.count({ where: { actor: 'viewer', action: { in: ['login', 'login-failed', 'login-locked'] }, sourceAddress: { startsWith: '127.0.2.' } } });
    expect(evaluated).toBeLessThanOrEqual(10);
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(21);
    // The addresses were the sockets' own (127.0.2.x), as the audit records show.
    expect(await stack.db.prisma.auditEvent.count({ where: { actor: 'viewer', sourceAddress: { startsWith: '127.0.2.' } } })).toBe(31);
    await stack.db.prisma.loginThrottle.deleteMany({ where: { key: 'user:viewer' } });
  });

  it('two admins demoting each other at once: an admin is always left', async () => {
    const { createUser } = await import('@/lib/auth/users');
    const pair = [];
    for (const name of ['race-admin-a', 'race-admin-b']) {
      const user = await createUser({ userName: name, password: 'a-long-enough-password', role: 'admin' });
      const login = await send(stack.server.url, { method: 'POST', path: '/api/auth/login', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userName: name, password: 'a-long-enough-password' }) });
      pair.push({ id: user.id, headers: { cookie: String(login.headers['set-cookie']![0]).split(';')[0]!, 'x-csrf-token': (JSON.parse(login.body) as { csrfToken: string }).csrfToken } });
    }
    // Every other admin disabled, so these two are the only ones.
    await stack.db.prisma.user.updateMany({ where: { role: 'admin', userName: { notIn: ['race-admin-a', 'race-admin-b'] } }, data: { disabled: true } });
    try {
      const [a, b] = pair as [(typeof pair)[0], (typeof pair)[0]];
      const answers = await Promise.all([
        api({ label: 'a', headers: a.headers }, 'PATCH', `/api/users/${b.id}`, { role: 'viewer' }),
        api({ label: 'b', headers: b.headers }, 'PATCH', `/api/users/${a.id}`, { role: 'viewer' }),
      ]);
      expect(answers.filter((x) => x.status === 200)).toHaveLength(1);
      expect([401, 409]).toContain(answers.find((x) => x.status !== 200)!.status);
      expect(await stack.db.prisma.user.count({ where: { role: 'admin', disabled: false } })).toBe(1);
    } finally {
      await stack.db.prisma.user.updateMany({ where: { role: 'admin' }, data: { disabled: false } });
    }
  });
});
