// Conditional polling against a real simulated agent on a loopback port and a real migrated
// SQLite: an unchanged host answers 304 and only its lastSeenAt is written; a change on the host,
// five minutes, a reboot or an unreachable agent bring a full read back.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateKey } from '@/lib/crypto/secrets';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { startSimHosts, type SimHost, type SimHosts } from '@/lib/testing/sim-hosts';

process.env.SECRETS_KEY ??= generateKey();

let db: TestDatabase;
let sims: SimHosts;
let sim: SimHost;
let hostId: string;
let sync: typeof import('./sync-host');
let poller: typeof import('./poller');

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.url;
  sync = await import('./sync-host');
  poller = await import('./poller');
  const { registerHost } = await import('@/lib/inventory/register');
  sims = await startSimHosts(['dl380-gen10'], { namePrefix: 'etag-' });
  sim = sims.hosts[0]!;
  const registered = await registerHost(sim.registration);
  if (!registered.ok) throw new Error(registered.message);
  hostId = registered.host.id;
}, 60_000);

afterAll(async () => {
  await sims?.close();
  await db?.dispose();
});

/** Every row the sync writes for the host, without the columns a 304 may touch. */
async function rows() {
  const { lastSeenAt: _seen, updatedAt: _updated, ...host } = await db.prisma.host.findUniqueOrThrow({ where: { id: hostId } });
  return {
    host,
    pfs: await db.prisma.physicalFunction.findMany({ where: { hostId }, orderBy: { pciAddress: 'asc' } }),
    vfs: await db.prisma.virtualFunction.findMany({ where: { hostId }, orderBy: { pciAddress: 'asc' } }),
    vms: await db.prisma.virtualMachine.findMany({ where: { hostId }, orderBy: { name: 'asc' } }),
    assignments: await db.prisma.assignment.findMany({ where: { hostId }, orderBy: { vfId: 'asc' } }),
  };
}

const host = () => db.prisma.host.findUniqueOrThrow({ where: { id: hostId } });
const poll = (options: Omit<import('./sync-host').SyncOptions, 'conditional'> = {}) => sync.syncHost(hostId, { ...options, conditional: true });
const readOf = (outcome: import('./sync-host').SyncOutcome) => (outcome.ok ? outcome.read : `failed: ${outcome.error}`);

/** A full read now, so the five minutes start afresh. */
async function fullRead(): Promise<Date> {
  expect(readOf(await sync.syncHost(hostId))).toBe('full');
  return (await host()).fullReadAt!;
}

describe('conditional polling', () => {
  it('reads a host in full first, then gets 304 and writes nothing but lastSeenAt', async () => {
    expect(readOf(await poll())).toBe('full');
    const first = await host();
    expect(first).toMatchObject({ agentStatus: 'online', lastSyncError: null, inventoryEtag: expect.stringMatching(/^"[\w-]{43}"$/), vmsEtag: expect.stringMatching(/^"[\w-]{43}"$/) });
    expect(first.fullReadAt).toBeInstanceOf(Date);
    const before = await rows();

    const later = first.lastSeenAt!.getTime() + 15_000;
    expect(readOf(await poll({ clock: () => later }))).toBe('not-modified');
    expect(await rows()).toEqual(before);
    expect((await host()).lastSeenAt?.getTime()).toBe(later);
  });

  it('polls the fleet with 304s, and the ETags kept in the database serve a restarted server too', async () => {
    await fullRead();
    expect((await poller.syncFleet(2)).map(readOf)).toEqual(['not-modified']);
    vi.resetModules();
    const restarted = await import('./sync-host');
    expect(restarted.syncHost).not.toBe(sync.syncHost);
    expect(readOf(await restarted.syncHost(hostId, { conditional: true }))).toBe('not-modified');
  });

  it('reads in full once the VF count changed on the host behind the server’s back', async () => {
    await fullRead();
    const pf = (await sim.member.host.agent.inventory()).pfs.find((p) => p.totalVfs >= 8)!;
    const { inventoryEtag } = await host();
    await sim.member.host.agent.setNumVfs(pf.address, pf.numVfs + 2);
    const outcome = await poll();
    expect(outcome).toMatchObject({ ok: true, read: 'full' });
    const row = await db.prisma.physicalFunction.findUniqueOrThrow({ where: { hostId_pciAddress: { hostId, pciAddress: pf.address } } });
    expect(row.currentVfs).toBe(pf.numVfs + 2);
    expect((await host()).inventoryEtag).not.toBe(inventoryEtag);
    expect(readOf(await poll())).toBe('not-modified');
  });

  it('reads in full five minutes after the last full read, changed or not', async () => {
    const fullReadAt = (await fullRead()).getTime();
    expect(readOf(await poll({ clock: () => fullReadAt + sync.FULL_READ_INTERVAL_MS - 1 }))).toBe('not-modified');
    expect(readOf(await poll({ clock: () => fullReadAt + sync.FULL_READ_INTERVAL_MS }))).toBe('full');
    expect((await host()).fullReadAt?.getTime()).toBe(fullReadAt + sync.FULL_READ_INTERVAL_MS);
  });

  it('reads in full when the server asks outside a poll, even while a poll is under way', async () => {
    await fullRead();
    expect(readOf(await sync.syncHost(hostId))).toBe('full');
    const [polled, asked] = await Promise.all([poll(), sync.syncHost(hostId)]);
    expect([readOf(polled), readOf(asked)]).toEqual(['not-modified', 'full']);
  });

  it('forgets the ETags when the agent stops answering, and reads the returning agent in full', async () => {
    await fullRead();
    await sim.member.agent.powerOff();
    try {
      expect((await poll({ readPowerWhenDown: false })).ok).toBe(false);
      expect(await host()).toMatchObject({ agentStatus: 'offline', inventoryEtag: null, vmsEtag: null, lastSyncError: expect.stringContaining('unreachable') });
    } finally {
      await sim.member.agent.start();
    }
    expect(readOf(await poll())).toBe('full');
    expect(await host()).toMatchObject({ agentStatus: 'online', lastSyncError: null });
    expect(readOf(await poll())).toBe('not-modified');
  });

  it('reads in full after a reboot, though nothing else changed', async () => {
    await fullRead();
    const { bootId } = await host();
    await sim.member.agent.reboot(sim.member.host.bios);
    expect(readOf(await poll())).toBe('full');
    expect((await host()).bootId).not.toBe(bootId);
  });
});
