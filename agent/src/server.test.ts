import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from './agent';
import type { ChangeResult, ErrorEnvelope, Readiness, Vm } from './api-types';
import { type RunningServer, startAgentServer } from './server';
import { MemoryEtcFiles, SimulatedHost } from './sim/host';
import { FAST_TIMING } from './sim/kernel';

const TOKEN = 'server-test-token-0123456789abcdef';
let host: SimulatedHost;
let server: RunningServer;

async function call<T>(method: string, path: string, body?: unknown, token: string | null = TOKEN): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

beforeAll(async () => {
  host = new SimulatedHost({ profile: 'dl380-gen10', timing: FAST_TIMING, log: silentLog });
  await host.agent.setNumVfs('0000:12:00.0', 4);
  server = await startAgentServer({ agent: host.agent, token: TOKEN, log: silentLog });
});
afterAll(() => server.close());

describe('agent HTTP server', () => {
  it('lets exactly one of 20 concurrent attaches of one VF win; the other VM always gets 409', async () => {
    const vmOf = (i: number): string => (i % 2 ? 'vm-web-01' : 'vm-db-01');
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => call<ChangeResult<Vm> | ErrorEnvelope>('POST', `/v1/vms/${vmOf(i)}/attach`, { vf: '0000:12:10.2' })));
    const winners = answers.flatMap((a, i) => (a.status === 200 && 'changed' in a.body && a.body.changed ? [vmOf(i)] : []));
    expect(winners).toHaveLength(1);
    const loser = winners[0] === 'vm-web-01' ? 'vm-db-01' : 'vm-web-01';
    // Every request for the other VM is refused (busy while the winner runs, conflict after);
    // the winner's repeats are busy or answered "already holds".
    expect(answers.filter((_, i) => vmOf(i) === loser).map((a) => a.status)).toEqual(Array(10).fill(409));
    expect(answers.filter((_, i) => vmOf(i) !== loser).every((a) => a.status === 409 || (a.status === 200 && 'changed' in a.body))).toBe(true);
    const holders = (await host.agent.listVms()).filter((vm) => vm.hostdevs.includes('0000:12:10.2')).map((vm) => vm.name);
    expect(holders).toEqual(winners);
  });

  it('answers readiness without a token: 200 when ready, 503 naming the failing check', async () => {
    const ready = await call<Readiness>('GET', '/v1/ready', undefined, null);
    expect(ready).toMatchObject({ status: 200, body: { ready: true, checks: { sysfs: { state: 'ok' }, state: { state: 'ok' } } } });
    const etc = host.etc as MemoryEtcFiles;
    etc.writeFault = 'ENOSPC';
    try {
      const full = await call<ErrorEnvelope>('GET', '/v1/ready', undefined, null);
      expect(full).toEqual({ status: 503, body: { error: { code: 'unavailable', message: 'not ready: state: cannot write in /var/lib/sriov-agent: ENOSPC (changes would not survive a reboot)' } } });
    } finally {
      etc.writeFault = null;
    }
    expect((await call<Readiness>('GET', '/v1/ready', undefined, null)).status).toBe(200);
  });

  it('keeps 404 for unknown endpoints and 405 for a known path with the wrong method', async () => {
    expect((await call<ErrorEnvelope>('GET', '/v2/inventory')).status).toBe(404);
    expect((await call<ErrorEnvelope>('GET', '/v1/nothing')).status).toBe(404);
    const wrong = await call<ErrorEnvelope>('DELETE', '/v1/inventory');
    expect(wrong).toMatchObject({ status: 405, body: { error: { code: 'method-not-allowed' } } });
  });

  it('checks the token before saying anything about the path parameters', async () => {
    const res = await call<ErrorEnvelope>('PUT', '/v1/pfs/not-an-address/num-vfs', { numVfs: 1 }, null);
    expect(res.status).toBe(401);
  });

  it('validates every field of a body and lists each issue', async () => {
    const res = await call<ErrorEnvelope>('PATCH', '/v1/vfs/0000:12:10.0', { mac: 'zz', vlan: 5000, qos: 9, trust: 'yes', linkState: 'up', extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.issues?.map((i) => i.path).sort()).toEqual(['extra', 'linkState', 'mac', 'qos', 'trust', 'vlan']);
    expect((await call<ErrorEnvelope>('PATCH', '/v1/vfs/0000:12:10.0', {})).status).toBe(400);
    expect((await call<ErrorEnvelope>('PATCH', '/v1/vfs/0000:12:10.0', '[1,2]')).status).toBe(400);
  });

  it('refuses inherited names as unknown fields: __proto__, constructor, toString, hasOwnProperty', async () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      // Written as text: an object literal's __proto__ would set the prototype, not a key.
      const res = await call<ErrorEnvelope>('PATCH', '/v1/vfs/0000:12:10.0', `{"trust": true, "${name}": {"trust": false}}`);
      expect(res.status, name).toBe(400);
      expect(res.body.error.issues, name).toEqual([{ path: name, message: 'unknown field' }]);
    }
    const bind = await call<ErrorEnvelope>('PUT', '/v1/vfs/0000:12:10.0/driver', '{"driver": "vfio-pci", "__proto__": {"x": 1}}');
    expect(bind.status).toBe(400);
    const bios = await call<ErrorEnvelope>('PATCH', '/v1/bios', '{"attributes": {"Sriov": "Enabled"}, "__proto__": {}}');
    expect(bios.status).toBe(400);
    expect((await host.agent.virtualFunctionWithSettings('0000:12:10.0')).trust).not.toBe(true);
  });

  it('answers 404 for a VF address that is a PF, and 404 for a VM that does not exist', async () => {
    expect((await call<ErrorEnvelope>('PATCH', '/v1/vfs/0000:12:00.0', { vlan: 5 })).body.error).toMatchObject({ code: 'not-found', message: '0000:12:00.0 is not a VF' });
    expect((await call<ErrorEnvelope>('POST', '/v1/vms/vm-nope/detach', { vf: '0000:12:10.0' })).status).toBe(404);
    expect((await call<ErrorEnvelope>('POST', '/v1/vms/-rf/detach', { vf: '0000:12:10.0' })).status).toBe(400);
  });
});
