// Plans and compliance over a fleet larger than the pages the inventory is read in, on a real
// migrated SQLite: every host is planned once, the kept plan reads back as computed, and the
// compliance of every host is stored across write batches.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '@/lib/crypto/secrets';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { DEMO_HOSTS } from '@/lib/demo/demo-fleet';
import { seedDemoFleet } from '@/lib/demo/seed-fleet';

process.env.SECRETS_KEY ??= generateKey();

const HOSTS = 230;
let db: TestDatabase;
const who = { name: 'test', sourceAddress: null };

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.url;
  const hosts = Array.from({ length: HOSTS }, (_, i) => {
    const base = DEMO_HOSTS[i % DEMO_HOSTS.length]!;
    return { ...base, name: `${base.name}-${String(i).padStart(4, '0')}` };
  });
  await seedDemoFleet(db.prisma, { hosts });
}, 120_000);
afterAll(async () => {
  await db?.dispose();
});

describe('a fleet of many pages', () => {
  it('plans every host once, keeps the plan as computed and adds it up from the hosts', async () => {
    const { createPolicy, createPlan, getPlan, planFreshness } = await import('./service');
    const { planTotals } = await import('./plan');
    const created = await createPolicy(db.prisma, { name: 'all-560', document: { selector: { names: ['*'] }, nics: [{ match: { nicModel: '560SFP+' }, numVfs: 16, driver: 'vfio-pci' }] } }, who);
    if (!created.ok) throw new Error(created.message);
    const outcome = await createPlan(db.prisma, { policyId: created.value.id }, who);
    if (!outcome.ok) throw new Error(outcome.message);
    const plan = await getPlan(db.prisma, outcome.value.id);
    const withNic = await db.prisma.host.count({ where: { physicalFunctions: { some: { vendorId: '8086', deviceId: '10fb' } } } });

    expect(plan!.hosts).toHaveLength(HOSTS);
    expect(new Set(plan!.hosts.map((h) => h.hostId)).size).toBe(HOSTS);
    expect(plan!.hosts.map((h) => h.hostName)).toEqual([...plan!.hosts.map((h) => h.hostName)].sort());
    expect(outcome.value.totals).toEqual(planTotals(plan!.hosts));
    expect(plan!.totals).toEqual(outcome.value.totals);
    // Kept with its non-ASCII characters escaped; read back, they are the characters again.
    const ranges = plan!.hosts.flatMap((h) => h.changes.filter((c) => c.kind === 'vf-driver').map((c) => c.target));
    expect(ranges.length).toBeGreaterThanOrEqual(withNic);
    expect(ranges.some((t) => /VFs 0–15$/.test(t))).toBe(true);
    const stored = await db.prisma.plan.findUniqueOrThrow({ where: { id: outcome.value.id }, select: { document: true } });
    expect(stored.document).not.toMatch(/[^\x00-\x7f]/);

    const fresh = await planFreshness(db.prisma, outcome.value.id);
    expect(fresh).toMatchObject({ ok: true, value: { fresh: true, changed: [] } });
  });

  it('stores every host’s compliance across write batches, and a second evaluation moves nothing', async () => {
    const { evaluateCompliance } = await import('./service');
    const policy = await db.prisma.policy.findUniqueOrThrow({ where: { name: 'all-560' }, select: { id: true } });
    await db.prisma.policyCompliance.deleteMany();
    const first = await evaluateCompliance(db.prisma);
    expect(first.hosts).toBe(HOSTS);
    expect(await db.prisma.policyCompliance.count({ where: { policyId: policy.id } })).toBe(HOSTS);
    expect(first.transitions).toBe(HOSTS);
    expect(await evaluateCompliance(db.prisma)).toEqual({ hosts: HOSTS, transitions: 0 });
  });
});
