// The guest read end to end: a simulated host's agent on a loopback port answering for its
// simulated libvirt's guests, a real migrated database, the sync writing what each guest sees.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimGuest } from '@/agent/src/sim/guest';
import { generateKey } from '@/lib/crypto/secrets';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { startSimHosts, type SimHost, type SimHosts } from '@/lib/testing/sim-hosts';

process.env.SECRETS_KEY ??= generateKey();

let db: TestDatabase;
let sims: SimHosts;
let sim: SimHost;
let hostId: string;
let sync: typeof import('./sync-host');
let guests: typeof import('@/lib/inventory/guest');

const PF = '0000:12:00.0';
const VF = '0000:12:10.0';

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.url;
  sync = await import('./sync-host');
  guests = await import('@/lib/inventory/guest');
  const { registerHost } = await import('@/lib/inventory/register');
  sims = await startSimHosts(['dl380-gen10'], { namePrefix: 'guest-' });
  sim = sims.hosts[0]!;
  const registered = await registerHost(sim.registration);
  if (!registered.ok) throw new Error(registered.message);
  hostId = registered.host.id;
  await sim.member.host.agent.setNumVfs(PF, 4);
  await sim.member.host.agent.attach('vm-web-01', { vf: VF, mac: '52:00:00:aa:bb:01', vlan: 100 });
}, 60_000);

afterAll(async () => {
  await sims?.close();
  await db?.dispose();
});

const assignment = () => db.prisma.assignment.findFirstOrThrow({ where: { hostId, vf: { pciAddress: VF } }, include: { vm: true, vf: true } });
const guest = (domain: string, profile: ConstructorParameters<typeof SimGuest>[1]) => {
  const dom = sim.member.host.libvirt.domains.get(domain);
  if (!dom) throw new Error(`no domain ${domain}`);
  dom.guest = new SimGuest(domain, profile);
};
const verdict = async (now: number) => {
  const a = await assignment();
  return guests.guestVfVerdict({ vmState: a.vm.state, guestAgent: a.vm.guestAgent, ...a, vfLinkState: a.vf.linkState, expectedDriver: 'ixgbevf' }, now);
};

describe('the guest read in a sync', () => {
  it('writes what the guest sees of its VF: interface, driver, link and the guest OS', async () => {
    const outcome = await sync.syncHost(hostId);
    expect(outcome.ok).toBe(true);
    const a = await assignment();
    expect(a).toMatchObject({ guestSeen: 'seen', guestInterface: 'enp7s0', guestDriver: 'ixgbevf', guestLink: 'up', guestNotSeenSince: null });
    expect(a.vm).toMatchObject({ guestAgent: 'connected', guestOs: 'Red Hat Enterprise Linux 9.4 (Plow)', guestKernel: '5.14.0-427.13.1.el9_4.x86_64', guestExec: 'allowed' });
    expect((await verdict(Date.now())).word).toBe('seen by the guest: ixgbevf, link up');
  });

  it('a guest without the driver: not seen, drift only after a few minutes, with the likely cause', async () => {
    guest('vm-web-01', { missingDrivers: ['ixgbevf'] });
    const start = Date.now() + 61_000;
    await sync.syncHost(hostId, { clock: () => start });
    const a = await assignment();
    expect(a).toMatchObject({ guestSeen: 'not-seen', guestPci: 'no-driver' });
    expect(a.guestNotSeenSince?.getTime()).toBe(start);
    expect(await verdict(start + 60_000)).toMatchObject({ state: 'not-seen', drift: false });
    // Asked again later: the guest still lacks it, and "since" stays where it started.
    await sync.syncHost(hostId, { clock: () => start + 4 * 60_000 });
    expect((await assignment()).guestNotSeenSince?.getTime()).toBe(start);
    expect(await verdict(start + 4 * 60_000)).toMatchObject({ drift: true, cause: expect.stringMatching(/no guest driver for this VF type: install or load ixgbevf/) });
    // The fleet summary counts it, as drift once the few minutes have passed.
    const { getFleetSummary } = await import('@/lib/inventory/service');
    expect((await getFleetSummary(start + 60_000)).guests).toEqual({ notSeen: 1, drifted: 0 });
    expect((await getFleetSummary(start + 4 * 60_000)).guests).toEqual({ notSeen: 1, drifted: 1 });
  });

  it('no guest agent: unknown, with how to install one; not asked again before the interval', async () => {
    guest('vm-web-01', { agent: 'not-installed' });
    const at = Date.now() + 10 * 60_000;
    await sync.syncHost(hostId, { clock: () => at });
    const a = await assignment();
    expect(a.vm.guestAgent).toBe('not-responding');
    expect(a.vm.guestDetail).toMatch(/qemu-guest-agent/);
    expect(a).toMatchObject({ guestSeen: 'unknown', guestNotSeenSince: null });
    expect((await verdict(at)).word).toBe('guest: no guest agent');
    guest('vm-web-01', {});
    await sync.syncHost(hostId, { clock: () => at + 10_000 });
    expect((await assignment()).vm.guestAgent).toBe('not-responding');
  });
});
