import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '@/lib/crypto/secrets';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { fleetQuerySchema, summarizeFleet, type FleetPage } from './fleet';
import { naturalKey, VERDICT_RANK } from './fleet-facts';
import type { ReadinessVerdict } from './readiness';

// The fleet query runs in SQL on each host's stored figures: these tests write the figures
// directly (fleet-facts.test.ts checks they equal what the facts give) and read through the service.

process.env.SECRETS_KEY ??= generateKey();
let db: TestDatabase;
let service: typeof import('./service');

interface Over {
  generation?: string;
  verdict?: ReadinessVerdict;
  okLinks?: number;
  vms?: number;
  vfs?: { assigned: number; enabled: number; capacity: number };
  agent?: string;
  labels?: Record<string, string>;
  ilo?: string;
}

async function host(name: string, over: Over = {}) {
  const { generation = 'Gen10', verdict = 'ready', okLinks = 6, vms = 0, vfs = { assigned: 0, enabled: 0, capacity: 126 }, agent = 'online', labels = {}, ilo = '2.72' } = over;
  await db.prisma.host.create({
    data: {
      name,
      model: `ProLiant DL380 ${generation}`,
      generation,
      serialNumber: `SN-${name}`,
      cpuVendor: 'Intel',
      agentUrl: `https://${name}:9443`,
      agentStatus: agent,
      readinessVerdict: verdict,
      readinessRank: VERDICT_RANK[verdict] * 10 + okLinks,
      readinessLinks: JSON.stringify([{ id: 'bios', label: 'BIOS', status: verdict === 'ready' ? 'ok' : 'failing', detail: 'as stored' }]),
      pfCount: 2,
      pfSriovCapable: 2,
      vfsEnabled: vfs.enabled,
      vfsAssigned: vfs.assigned,
      vfsCapacity: vfs.capacity,
      vmCount: vms,
      nameKey: naturalKey(name),
      generationRank: ['Gen9', 'Gen10', 'Gen10 Plus', 'Gen11'].indexOf(generation),
      factsVersion: 1,
      bmc: { create: { address: `${name}-ilo`, generation: 'iLO 5', firmwareVersion: ilo, userName: 'admin', passwordEnc: 'v1.x' } },
      labels: { create: Object.entries(labels).map(([key, value]) => ({ key, value })) },
    },
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.url;
  service = await import('./service');
  await host('kvm-10', { generation: 'Gen11', vms: 3, verdict: 'not-ready', okLinks: 4, labels: { role: 'kvm', rack: 'a12' }, ilo: '3.01' });
  await host('kvm-2', { generation: 'Gen9', vms: 1, labels: { role: 'kvm' }, ilo: '2.80' });
  await host('KVM-1', { generation: 'Gen10 Plus', vms: 3, verdict: 'unknown', okLinks: 5, agent: 'never-seen' });
  await host('db-1', { generation: 'Gen10', vms: 0, agent: 'offline' });
}, 60_000);
afterAll(() => db?.dispose());

const list = (input: Record<string, string> = {}) => service.listFleet(fleetQuerySchema.parse(input));
const names = (page: FleetPage) => page.hosts.map((h) => h.name);

describe('the fleet page, in SQL', () => {
  it('sorts names naturally (kvm-2 before kvm-10), ignoring case, both ways', async () => {
    expect(names(await list())).toEqual(['db-1', 'KVM-1', 'kvm-2', 'kvm-10']);
    expect(names(await list({ dir: 'desc' }))).toEqual(['kvm-10', 'kvm-2', 'KVM-1', 'db-1']);
  });

  it('sorts by generation in ProLiant order, and by model within it', async () => {
    expect((await list({ sort: 'generation' })).hosts.map((h) => h.generation)).toEqual(['Gen9', 'Gen10', 'Gen10 Plus', 'Gen11']);
    expect((await list({ sort: 'model', dir: 'desc' })).hosts.map((h) => h.generation)).toEqual(['Gen11', 'Gen10 Plus', 'Gen10', 'Gen9']);
  });

  it('sorts by counts with ties broken by name', async () => {
    expect(names(await list({ sort: 'vms', dir: 'desc' }))).toEqual(['KVM-1', 'kvm-10', 'kvm-2', 'db-1']);
  });

  it('sorts by readiness worst first, by agent not reporting first, by iLO firmware', async () => {
    expect((await list({ sort: 'readiness' })).hosts.map((h) => h.readiness.verdict)).toEqual(['not-ready', 'unknown', 'ready', 'ready']);
    expect(names(await list({ sort: 'agent' })).slice(0, 2)).toEqual(['KVM-1', 'db-1']);
    expect(names(await list({ sort: 'ilo', dir: 'desc' }))[0]).toBe('kvm-10');
  });

  it('filters by name ignoring case, by readiness and generation, together', async () => {
    expect(names(await list({ q: 'KVM' }))).toEqual(['KVM-1', 'kvm-2', 'kvm-10']);
    expect(names(await list({ q: 'vm-1' }))).toEqual(['KVM-1', 'kvm-10']);
    expect(names(await list({ readiness: 'not-ready' }))).toEqual(['kvm-10']);
    expect(names(await list({ q: 'kvm', generation: 'Gen9' }))).toEqual(['kvm-2']);
    expect(await list({ q: 'none' })).toMatchObject({ hosts: [], total: 0, pageCount: 1 });
  });

  it('takes a search for the wildcards SQL knows literally', async () => {
    expect(names(await list({ q: '%' }))).toEqual([]);
    expect(names(await list({ q: 'kvm_1' }))).toEqual([]);
  });

  it('filters by agent status, "not reporting" being offline and never seen together', async () => {
    expect(names(await list({ agent: 'offline' }))).toEqual(['db-1']);
    expect(names(await list({ agent: 'never-seen' }))).toEqual(['KVM-1']);
    expect(names(await list({ agent: 'not-reporting' }))).toEqual(['db-1', 'KVM-1']);
    expect(names(await list({ agent: 'online' }))).toEqual(['kvm-2', 'kvm-10']);
  });

  it('filters by labels: key=value, key alone, several together', async () => {
    expect(names(await list({ label: 'role=kvm' }))).toEqual(['kvm-2', 'kvm-10']);
    expect(names(await list({ label: 'rack' }))).toEqual(['kvm-10']);
    expect(names(await list({ label: 'role=kvm, rack=a13' }))).toEqual([]);
  });

  it('pages, with the total and page count of the filtered hosts', async () => {
    const page = await list({ pageSize: '3', page: '2' });
    expect(page).toMatchObject({ total: 4, page: 2, pageSize: 3, pageCount: 2 });
    expect(names(page)).toEqual(['kvm-10']);
  });

  it('returns each row as the page shows it: stored links, counts, labels, iLO', async () => {
    const row = (await list({ q: 'kvm-10' })).hosts[0];
    expect(row).toMatchObject({
      name: 'kvm-10',
      readiness: { verdict: 'not-ready', links: [{ id: 'bios', status: 'failing' }] },
      pfs: { total: 2, sriovCapable: 2 },
      vms: 3,
      agent: { status: 'online' },
      labels: { rack: 'a12', role: 'kvm' },
      ilo: { generation: 'iLO 5', firmwareVersion: '3.01' },
    });
  });

  it('adds up the summary in the database', async () => {
    expect(await service.getFleetSummary()).toEqual({
      hosts: 4,
      readyHosts: 2,
      notReadyHosts: 1,
      unknownHosts: 1,
      // kvm-10 (not ready), KVM-1 (never seen), db-1 (offline).
      hostsNeedingAttention: 3,
      agents: { online: 2, offline: 1, neverSeen: 1 },
      vfs: { enabled: 0, assigned: 0, free: 0, capacity: 504 },
      guests: { notSeen: 0, drifted: 0 },
    });
  });
});

describe('fleetQuerySchema', () => {
  it('rejects unknown parameters and bad values, naming them', () => {
    const r = fleetQuerySchema.safeParse({ readiness: 'maybe', colour: 'red' });
    expect(r.success).toBe(false);
    const paths = r.error?.issues.map((i) => (i.path.length ? i.path.join('.') : 'keys' in i ? i.keys.join(',') : '')) ?? [];
    expect(paths).toEqual(expect.arrayContaining(['readiness', 'colour']));
  });
});

describe('summarizeFleet', () => {
  const group = (verdict: string, agentStatus: string, hosts: number, assigned = 0, enabled = 0, capacity = 0) => ({ verdict, agentStatus, hosts, vfs: { assigned, enabled, capacity } });
  it('adds up VFs and counts hosts needing attention: failing links, agents offline or never seen', () => {
    const s = summarizeFleet([
      group('ready', 'online', 1, 3, 8, 126),
      group('not-ready', 'online', 1, 0, 0, 64),
      group('ready', 'offline', 1, 1, 4, 7),
      group('unknown', 'online', 1, 0, 0, 126),
      group('unknown', 'never-seen', 1, 0, 0, 126),
      group('not-ready', 'offline', 1, 0, 0, 126),
    ]);
    expect(s).toEqual({
      hosts: 6,
      readyHosts: 2,
      notReadyHosts: 2,
      unknownHosts: 2,
      // not ready, offline, never seen, and both (counted once).
      hostsNeedingAttention: 4,
      agents: { online: 3, offline: 2, neverSeen: 1 },
      vfs: { enabled: 12, assigned: 4, free: 8, capacity: 575 },
      guests: null,
    });
  });

  it('is all zeros for an empty fleet', () => {
    expect(summarizeFleet([])).toMatchObject({ hosts: 0, readyHosts: 0, hostsNeedingAttention: 0, vfs: { enabled: 0, assigned: 0, free: 0, capacity: 0 } });
  });
});
