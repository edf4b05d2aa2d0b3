// The agent's bad-input campaign: every route of agentRoutes(), every way of authenticating,
// sent malformed paths, bodies, queries and methods over real HTTP. Every request is malformed
// by construction: each answer must be a 4xx in the envelope, nothing may leak, and the host
// (sysfs, VMs, desired state) must be exactly as before.

import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../src/agent';
import { agentRoutes, startAgentServer, type RunningServer } from '../src/server';
import { SimulatedHost } from '../src/sim/host';
import { FAST_TIMING } from '../src/sim/kernel';

const TOKEN = 'agent-campaign-token-0123456789abcdef';
let host: SimulatedHost;
let server: RunningServer;

beforeAll(async () => {
  host = new SimulatedHost({ profile: 'dl380-gen10', timing: FAST_TIMING, log: silentLog });
  await host.agent.setNumVfs('0000:12:00.0', 4);
  await host.agent.setVf('0000:12:10.0', { trust: true });
  server = await startAgentServer({ agent: host.agent, token: TOKEN, log: silentLog, simControl: { reboot: () => undefined } });
});
afterAll(() => server?.close());

const agentKeepAlive = new http.Agent({ keepAlive: true, maxSockets: 8 });

function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string } | Error> {
  const url = new URL(server.url);
  return new Promise((resolve) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method, path, agent: agentKeepAlive, timeout: 10_000, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer')));
    req.on('error', (error) => resolve(error));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function hostState(): Promise<unknown> {
  const inventory = await host.agent.inventory();
  return { pfs: inventory.pfs, host: { ...inventory.host, uptimeSeconds: undefined }, vms: await host.agent.listVms(), desired: await host.agent.desiredStateReport() };
}

const BAD_PARAMS = ['..', '%2e%2e', '%2F', 'a%00b', 'x'.repeat(3000), '%E0%A4%A', '__proto__', 'constructor', '0000:12:10.0%2F..', '0000:ff:1f.7', 'VM%20with%20space', '-rf', '0000:12:10.0;reboot'];
const BODIES = ['{', '[]', 'null', '"x"', '1', '{}', '{"zzz":1}', '{"__proto__":{"numVfs":1}}', '{"constructor":{"prototype":{}}}', '{"toString":1}', '['.repeat(5000) + ']'.repeat(5000),
  `{"a":"${'x'.repeat(20_000)}"}`, '{"numVfs":"4"}', '{"numVfs":-1}', '{"numVfs":1e9}', '{"mac":"zz"}', '{"vlan":5000}', '{"driver":"nvidia"}', '{"vf":"../../x"}', '{"sriov":"yes","iommu":1}', '{"attributes":{"Sriov":1}}', '{"kind":"PowerCycle"}'];
const AUTHS: [string, Record<string, string>][] = [
  ['no token', {}],
  ['a wrong token', { authorization: 'Bearer not-the-token-0123456789' }],
  ['an empty bearer', { authorization: 'Bearer ' }],
  ['basic auth', { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }],
  ['the right token', { authorization: `Bearer ${TOKEN}` }],
];

describe('the agent’s bad-input campaign', () => {
  it('answers every malformed request with a 4xx in the envelope, leaks nothing and changes nothing on the host', async () => {
    const routes = agentRoutes({ agent: host.agent, simControl: { reboot: () => undefined } });
    const real: Record<string, string> = { ':pf': '0000:12:00.0', ':vf': '0000:12:10.1', ':vm': 'vm-web-01' };
    const cases: { method: string; path: string; headers: Record<string, string>; body?: string }[] = [];
    for (const route of routes) {
      const pathWith = (value?: string) => `/v1/${route.path.map((part) => (part.startsWith(':') ? (value ?? real[part]!) : part)).join('/')}`;
      const json = { 'content-type': 'application/json' };
      for (const [, auth] of AUTHS) {
        const right = auth.authorization === `Bearer ${TOKEN}`;
        if (!route.auth && !right) continue;
        const bodies = right ? BODIES : BODIES.slice(0, 2);
        for (const body of route.body || right ? bodies : []) cases.push({ method: route.method, path: pathWith(), headers: { ...auth, ...json }, body });
        if (!route.body && !right) cases.push({ method: route.method, path: pathWith(), headers: auth });
        if (route.path.some((p) => p.startsWith(':'))) for (const bad of right ? BAD_PARAMS : BAD_PARAMS.slice(0, 2)) cases.push({ method: route.method, path: pathWith(bad), headers: auth });
        cases.push({ method: route.method, path: `${pathWith()}?zzz=1`, headers: auth });
        for (const method of ['TRACE', 'DELETE', 'OPTIONS']) if (method !== route.method) cases.push({ method, path: pathWith(), headers: auth });
      }
    }
    cases.push({ method: 'GET', path: '/v2/inventory', headers: AUTHS[4]![1] }, { method: 'GET', path: '/', headers: {} }, { method: 'GET', path: '/v1/%E0%A4%A', headers: AUTHS[4]![1] });
    expect(cases.length).toBeGreaterThanOrEqual(900);

    const before = await hostState();
    const started = performance.now();
    const answers: ({ status: number; body: string } | Error)[] = [];
    for (let i = 0; i < cases.length; i += 8) answers.push(...(await Promise.all(cases.slice(i, i + 8).map((c) => send(c.method, c.path, c.headers, c.body)))));
    const seconds = (performance.now() - started) / 1000;
    const after = await hostState();

    const problems: string[] = [];
    const byStatus = new Map<number, number>();
    answers.forEach((answer, i) => {
      const c = cases[i]!;
      const label = `${c.method} ${c.path.slice(0, 60)} ${c.body?.slice(0, 30) ?? ''}`;
      if (answer instanceof Error) return void problems.push(`${label}: no answer (${answer.message})`);
      byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
      if (answer.status < 400 || answer.status >= 500) problems.push(`${label}: ${answer.status} ${answer.body.slice(0, 120)}`);
      let code: unknown;
      try {
        code = (JSON.parse(answer.body) as { error?: { code?: unknown } }).error?.code;
      } catch {
        code = undefined;
      }
      if (typeof code !== 'string') problems.push(`${label}: no error envelope`);
      if (answer.body.includes(TOKEN)) problems.push(`${label}: the answer contains the token`);
      if (/\n\s+at [^\n]+:\d+:\d+|node_modules|\/sys\/devices/.test(answer.body)) problems.push(`${label}: the answer leaks internals`);
    });
    console.log(`agent bad-input campaign: ${cases.length} requests in ${seconds.toFixed(1)} s; answers by status: ${[...byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`).join(', ')}`);
    expect(problems.slice(0, 20)).toEqual([]);
    expect(after).toEqual(before);
  }, 120_000);
});
