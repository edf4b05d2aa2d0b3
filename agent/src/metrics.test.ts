// GET /v1/metrics on a simulated host over the real HTTP server: behind the agent's token, in
// Prometheus's text format, requests counted by route pattern and status, inventory reads timed,
// and the VFs of each PF as the inventory reads them.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from './agent';
import type { ChangeResult, Vm } from './api-types';
import { AgentMetrics } from './metrics';
import { type RunningServer, startAgentServer } from './server';
import { SimulatedHost } from './sim/host';
import { FAST_TIMING } from './sim/kernel';

const TOKEN = 'metrics-test-token-0123456789abcdef';
let host: SimulatedHost;
let server: RunningServer;

beforeAll(async () => {
  host = new SimulatedHost({ profile: 'dl380-gen10', timing: FAST_TIMING, log: silentLog });
  await host.agent.setNumVfs('0000:12:00.0', 4);
  server = await startAgentServer({ agent: host.agent, token: TOKEN, log: silentLog });
});
afterAll(() => server.close());

const get = (path: string, token: string | null = TOKEN) => fetch(`${server.url}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

/** Sample lines as `name{labels}` -> value; # TYPE lines as name -> type. */
function parse(text: string): { samples: Map<string, number>; types: Map<string, string> } {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    const sample = /^([a-z_:][a-z0-9_:]*(?:\{.*\})?) (\S+)$/i.exec(line);
    if (sample && !line.startsWith('#')) samples.set(sample[1]!, Number(sample[2]));
  }
  return { samples, types };
}

async function scrape() {
  const res = await get('/v1/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const text = await res.text();
  expect(text.endsWith('\n')).toBe(true);
  return parse(text);
}

describe('GET /v1/metrics', () => {
  it('asks for the agent token like the rest of the API', async () => {
    for (const token of [null, 'not-the-token-0123456789abcdef']) {
      const res = await get('/v1/metrics', token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="sriov-agent"');
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
  });

  it('counts requests by method, route pattern and status, never by the path asked for', async () => {
    const before = (await scrape()).samples;
    const count = (s: Map<string, number>, method: string, route: string, status: number) => s.get(`sriov_agent_http_requests_total{method="${method}",route="${route}",status="${status}"}`) ?? 0;
    expect((await get('/v1/pfs/0000:12:00.0')).status).toBe(200);
    expect((await get('/v1/pfs/0000:12:00.1')).status).toBe(200);
    expect((await get('/v1/pfs/0000:99:00.0')).status).toBe(404);
    expect((await get('/v1/inventory', null)).status).toBe(401);
    expect((await get('/v1/nothing-here')).status).toBe(404);
    expect((await get('/v1/nothing-there')).status).toBe(404);
    const after = (await scrape()).samples;
    expect(count(after, 'GET', '/v1/pfs/:pf', 200) - count(before, 'GET', '/v1/pfs/:pf', 200)).toBe(2);
    expect(count(after, 'GET', '/v1/pfs/:pf', 404) - count(before, 'GET', '/v1/pfs/:pf', 404)).toBe(1);
    expect(count(after, 'GET', '/v1/inventory', 401) - count(before, 'GET', '/v1/inventory', 401)).toBe(1);
    expect(count(after, 'GET', 'unmatched', 404) - count(before, 'GET', 'unmatched', 404)).toBe(2);
    // The scrape before is counted once its answer is out; this one, at the next.
    expect(count(after, 'GET', '/v1/metrics', 200) - count(before, 'GET', '/v1/metrics', 200)).toBe(1);
    expect([...after.keys()].some((k) => k.includes('0000:12:00.1') && k.startsWith('sriov_agent_http'))).toBe(false);
  });

  it('times every inventory read, the API\'s and the scrape\'s, in a histogram', async () => {
    const before = (await scrape()).samples;
    const reads = before.get('sriov_agent_inventory_read_seconds_count')!;
    expect((await get('/v1/inventory')).status).toBe(200);
    expect((await get('/v1/inventory')).status).toBe(200);
    const { samples, types } = await scrape();
    expect(types.get('sriov_agent_inventory_read_seconds')).toBe('histogram');
    // Two API reads, and the scrape's own.
    expect(samples.get('sriov_agent_inventory_read_seconds_count')).toBe(reads + 3);
    expect(samples.get('sriov_agent_inventory_read_seconds_bucket{le="+Inf"}')).toBe(reads + 3);
    expect(samples.get('sriov_agent_inventory_read_seconds_sum')!).toBeGreaterThan(before.get('sriov_agent_inventory_read_seconds_sum')!);
  });

  it('gives each PF its VFs enabled, possible and held by a VM, as the inventory reads them', async () => {
    const attach = await fetch(`${server.url}/v1/vms/vm-web-01/attach`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ vf: '0000:12:10.0' }) });
    expect(((await attach.json()) as ChangeResult<Vm>).changed).toBe(true);
    const inventory = await host.agent.inventory();
    const { samples } = await scrape();
    expect(inventory.pfs.length).toBeGreaterThan(1);
    for (const pf of inventory.pfs) {
      const labels = `{pf="${pf.address}",netdev="${pf.netdev ?? ''}"}`;
      expect(samples.get(`sriov_agent_pf_vfs_enabled${labels}`), pf.address).toBe(pf.numVfs);
      expect(samples.get(`sriov_agent_pf_vfs_capacity${labels}`), pf.address).toBe(pf.totalVfs);
      expect(samples.get(`sriov_agent_pf_vfs_assigned${labels}`), pf.address).toBe(pf.vfs.filter((vf) => vf.vm !== null).length);
    }
    const first = `{pf="0000:12:00.0",netdev="${inventory.pfs.find((p) => p.address === '0000:12:00.0')!.netdev}"}`;
    expect(samples.get(`sriov_agent_pf_vfs_enabled${first}`)).toBe(4);
    expect(samples.get(`sriov_agent_pf_vfs_assigned${first}`)).toBeGreaterThanOrEqual(1);
    expect(samples.get('sriov_agent_info{version="0.1.0",simulated="true"}')).toBe(1);
    expect(samples.get('process_resident_memory_bytes')!).toBeGreaterThan(10 * 1024 * 1024);
  });
});

describe('AgentMetrics', () => {
  it('escapes label values and keeps histogram buckets cumulative', () => {
    const metrics = new AgentMetrics();
    for (const seconds of [0.004, 0.02, 0.02, 3]) metrics.observeInventoryRead(seconds);
    const text = metrics.render({ agentVersion: '0', collectedAt: '', durationMs: 0, host: {} as never, warnings: [], pfs: [{ address: '0000:01:00.0', netdev: 'a"b\\c\nd', numVfs: 1, totalVfs: 2, vfs: [] } as never] }, { version: '0', simulated: false });
    expect(text).toContain('sriov_agent_pf_vfs_enabled{pf="0000:01:00.0",netdev="a\\"b\\\\c\\nd"} 1\n');
    const buckets = [...text.matchAll(/^sriov_agent_inventory_read_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]);
    expect(buckets).toEqual([['0.005', 1], ['0.01', 1], ['0.025', 3], ['0.05', 3], ['0.1', 3], ['0.25', 3], ['0.5', 3], ['1', 3], ['2.5', 3], ['5', 4], ['+Inf', 4]]);
    expect(text).toContain('sriov_agent_inventory_read_seconds_sum 3.044\n');
  });
});
