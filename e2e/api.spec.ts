import { expect, test } from '@playwright/test';
import { DEMO_HOSTS } from './fixtures/demo-fleet';
import { signIn } from './fixtures/auth';

test.describe('JSON API', () => {
  test.beforeEach(async ({ request }) => {
    await signIn(request, 'viewer');
  });

  test('/api/hosts pages, filters and sorts', async ({ request }) => {
    const all = await (await request.get('/api/hosts')).json();
    expect(all.total).toBe(DEMO_HOSTS.length);
    expect(all.hosts[0]).not.toHaveProperty('agentTokenEnc');

    const page = await (await request.get('/api/hosts?pageSize=5&page=2&sort=name&dir=desc')).json();
    expect(page).toMatchObject({ total: DEMO_HOSTS.length, page: 2, pageSize: 5, pageCount: Math.ceil(DEMO_HOSTS.length / 5) });
    expect(page.hosts.map((h: { name: string }) => h.name)).toEqual(DEMO_HOSTS.map((h) => h.name).sort().reverse().slice(5, 10));
  });

  test('/api/hosts filters by agent status', async ({ request }) => {
    const silent = DEMO_HOSTS.filter((h) => h.agent !== 'running').map((h) => h.name).sort();
    const names = async (agent: string) => ((await (await request.get(`/api/hosts?agent=${agent}`)).json()).hosts as { name: string }[]).map((h) => h.name).sort();
    expect(await names('not-reporting')).toEqual(silent);
    expect(await names('never-seen')).toEqual(silent);
    expect(await names('offline')).toEqual([]);
    expect((await names('online')).length).toBe(DEMO_HOSTS.length - silent.length);
  });

  test('/api/fleet/summary adds up the rows', async ({ request }) => {
    const summary = await (await request.get('/api/fleet/summary')).json();
    const { hosts } = await (await request.get('/api/hosts?pageSize=500')).json();
    type Row = { vfs: { enabled: number; assigned: number }; readiness: { verdict: string } };
    expect(summary.hosts).toBe(hosts.length);
    expect(summary.readyHosts).toBe(hosts.filter((h: Row) => h.readiness.verdict === 'ready').length);
    type Agent = { agent: { status: string } };
    expect(summary.hostsNeedingAttention).toBe(hosts.filter((h: Row & Agent) => h.readiness.verdict === 'not-ready' || h.agent.status !== 'online').length);
    expect(summary.agents.neverSeen).toBe(hosts.filter((h: Agent) => h.agent.status === 'never-seen').length);
    expect(summary.vfs.enabled).toBe(hosts.reduce((n: number, h: Row) => n + h.vfs.enabled, 0));
    expect(summary.vfs.free).toBe(summary.vfs.enabled - summary.vfs.assigned);
  });

  test('/api/hosts/[id] returns the host without secrets', async ({ request }) => {
    const { hosts } = await (await request.get('/api/hosts?q=kvm-a01')).json();
    const response = await request.get(`/api/hosts/${hosts[0].id}`);
    expect(response.status()).toBe(200);
    const text = await response.text();
    expect(text).not.toMatch(/passwordEnc|agentTokenEnc|demo-ilo-password|demo-agent-token/);
    const host = JSON.parse(text);
    expect(host.name).toBe('kvm-a01');
    expect(host.physicalFunctions).toHaveLength(2);
    expect(host.readiness.verdict).toBe('ready');
  });

  for (const [url, status, field] of [
    ['/api/hosts?readiness=maybe', 400, 'readiness'],
    ['/api/hosts?generation=Gen8', 400, 'generation'],
    ['/api/hosts?sort=serial', 400, 'sort'],
    ['/api/hosts?dir=up', 400, 'dir'],
    ['/api/hosts?agent=asleep', 400, 'agent'],
    ['/api/hosts?page=0', 400, 'page'],
    ['/api/hosts?page=abc', 400, 'page'],
    ['/api/hosts?pageSize=100000', 400, 'pageSize'],
    ['/api/hosts?page=99', 400, 'page'],
    ['/api/hosts?colour=red', 400, 'colour'],
    ['/api/hosts?q=a&q=b', 400, 'q'],
    ['/api/fleet/summary?x=1', 400, 'x'],
    ['/api/hosts/bad%20id', 400, 'id'],
    // Refused before any route: encoded separators never name anything.
    ['/api/hosts/..%2F..%2Fetc%2Fpasswd', 400, 'path'],
    ['/api/hosts/host_nothere', 404, undefined],
    ['/api/nothing-here', 404, undefined],
  ] as const) {
    test(`${url} answers ${status} in the error envelope`, async ({ request }) => {
      const response = await request.get(url);
      expect(response.status()).toBe(status);
      const body = await response.json();
      expect(body.error.code).toBe(status === 400 ? 'bad-request' : 'not-found');
      if (field) expect(body.error.message.startsWith(`${field}:`) || body.error.message.includes(`${field}:`)).toBe(true);
    });
  }
});
