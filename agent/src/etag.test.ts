import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from './agent';
import type { Inventory, VmList } from './api-types';
import { etagOf, ifNoneMatchMatches, inventoryEtag } from './etag';
import { type RunningServer, startAgentServer } from './server';
import { SimulatedHost } from './sim/host';
import { FAST_TIMING } from './sim/kernel';

const TOKEN = 'etag-test-token-0123456789abcdef';
const PF = '0000:12:00.0';
let host: SimulatedHost;
let server: RunningServer;

beforeAll(async () => {
  host = new SimulatedHost({ profile: 'dl380-gen10', timing: FAST_TIMING, log: silentLog });
  await host.agent.setNumVfs(PF, 2);
  server = await startAgentServer({ agent: host.agent, token: TOKEN, log: silentLog });
});
afterAll(() => server.close());

async function get(path: string, ifNoneMatch?: string): Promise<{ status: number; etag: string | null; text: string }> {
  const res = await fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${TOKEN}`, ...(ifNoneMatch === undefined ? {} : { 'If-None-Match': ifNoneMatch }) } });
  return { status: res.status, etag: res.headers.get('etag'), text: await res.text() };
}

describe('inventoryEtag', () => {
  it('is the same for two reads of an unchanged host although collectedAt and durationMs differ', async () => {
    const first = await host.agent.inventory();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await host.agent.inventory();
    expect(second.collectedAt).not.toBe(first.collectedAt);
    expect(inventoryEtag(second)).toBe(inventoryEtag(first));
    expect(inventoryEtag(first)).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
  });

  it('changes with the VF count, and with the boot id', async () => {
    const before = await host.agent.inventory();
    const withThree: Inventory = { ...before, pfs: before.pfs.map((pf) => (pf.address === PF ? { ...pf, numVfs: 3 } : pf)) };
    expect(inventoryEtag(withThree)).not.toBe(inventoryEtag(before));
    const rebooted: Inventory = { ...before, host: { ...before.host, bootId: '00000000-0000-4000-8000-000000000000' } };
    expect(inventoryEtag(rebooted)).not.toBe(inventoryEtag(before));
  });
});

describe('ifNoneMatchMatches', () => {
  const tag = etagOf({ a: 1 });
  const other = etagOf({ a: 2 });
  it.each([
    ['absent', undefined, false],
    ['the same tag', tag, true],
    ['another tag', other, false],
    ['*', '*', true],
    ['a list holding it', `${other}, ${tag}`, true],
    ['a list without it', `${other},"x"`, false],
    ['its weak form (weak comparison)', `W/${tag}`, true],
    ['a list with empty elements', ` ,${other} , , W/${tag},`, true],
    ['the tag unquoted', tag.slice(1, -1), false],
    ['a malformed list holding it', `${tag} junk`, false],
    ['an unterminated tag', `${other}, "abc`, false],
    ['header lines joined', [other, tag], true],
  ] as const)('%s', (_name, header, expected) => {
    expect(ifNoneMatchMatches(header as string | string[] | undefined, tag)).toBe(expected);
  });

  it('compares opaque tags holding commas and W/ as characters', () => {
    expect(ifNoneMatchMatches('"a,b", "c"', '"a,b"')).toBe(true);
    expect(ifNoneMatchMatches('"a"', '"a,b"')).toBe(false);
    expect(ifNoneMatchMatches('W/"a"', 'W/"a"')).toBe(true);
  });
});

describe('GET /v1/inventory and /v1/vms with If-None-Match', () => {
  it('answer 200 with an ETag, then 304 with the same ETag and no body while nothing changed', async () => {
    for (const path of ['/v1/inventory', '/v1/vms']) {
      const full = await get(path);
      expect(full.status, path).toBe(200);
      expect(full.etag, path).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
      const again = await get(path, full.etag!);
      expect({ status: again.status, etag: again.etag, text: again.text }, path).toEqual({ status: 304, etag: full.etag, text: '' });
      expect((await get(path, '*')).status, path).toBe(304);
      expect((await get(path, `W/${full.etag}`)).status, path).toBe(304);
      expect((await get(path, '"stale"')).status, path).toBe(200);
    }
  });

  it('answer the full inventory once the VF count changed on the host, under a new ETag', async () => {
    const before = await get('/v1/inventory');
    await host.agent.setNumVfs(PF, 3);
    const after = await get('/v1/inventory', before.etag!);
    expect(after.status).toBe(200);
    expect(after.etag).not.toBe(before.etag);
    const inventory = JSON.parse(after.text) as Inventory;
    expect(inventory.pfs.find((pf) => pf.address === PF)?.numVfs).toBe(3);
    expect(after.etag).toBe(inventoryEtag(inventory));
  });

  it('answer the full VM list once a VF was attached to a VM', async () => {
    const before = await get('/v1/vms');
    await host.agent.attach('vm-web-01', { vf: '0000:12:10.0' });
    const after = await get('/v1/vms', before.etag!);
    expect(after.status).toBe(200);
    expect((JSON.parse(after.text) as VmList).vms.find((vm) => vm.name === 'vm-web-01')?.hostdevs).toContain('0000:12:10.0');
    expect(after.etag).not.toBe(before.etag);
  });

  it('check the token before the tag: a matching If-None-Match without a token is 401', async () => {
    const { etag } = await get('/v1/inventory');
    const res = await fetch(`${server.url}/v1/inventory`, { headers: { 'If-None-Match': etag! } });
    expect(res.status).toBe(401);
  });
});
