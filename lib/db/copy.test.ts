// The copy of an SQLite inventory into PostgreSQL (npm run db:copy): the demo fleet, users, audit
// and a policy copied, every table's rows equal, secrets still open with the same key, and the
// fleet page reads the same on the target. Runs in the `postgresql` project (the target is the
// test server); in the `sqlite` one only the copy order is checked.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptSecret, generateKey } from '@/lib/crypto/secrets';
import { seedDemoFleet } from '@/lib/demo/seed-fleet';
import { seedDemoUsers } from '@/lib/demo/demo-users';
import { Prisma } from '@/lib/generated/prisma/client';
import { copyInventory, copyOrder } from './copy';
import { createTestDatabase, testProvider, type TestDatabase } from './testing';

process.env.SECRETS_KEY ??= generateKey();
const onPostgres = testProvider() === 'postgresql';

describe('the copy order', () => {
  it('puts every model after those its foreign keys point at', () => {
    const order = copyOrder();
    expect([...order].sort()).toEqual(Object.values(Prisma.ModelName).sort());
    expect(order.indexOf('Host')).toBeLessThan(order.indexOf('PhysicalFunction'));
    expect(order.indexOf('PhysicalFunction')).toBeLessThan(order.indexOf('VirtualFunction'));
    expect(order.indexOf('VirtualFunction')).toBeLessThan(order.indexOf('Assignment'));
    expect(order.indexOf('Rollout')).toBeLessThan(order.indexOf('Operation'));
    expect(order.indexOf('Operation')).toBeLessThan(order.indexOf('AuditEvent'));
    expect(order.indexOf('User')).toBeLessThan(order.indexOf('ApiToken'));
  });
});

describe.runIf(onPostgres)('an SQLite inventory copied into PostgreSQL', () => {
  let source: TestDatabase;
  let target: TestDatabase;

  beforeAll(async () => {
    process.env.TEST_DATABASE = 'sqlite';
    try {
      source = await createTestDatabase();
    } finally {
      process.env.TEST_DATABASE = 'postgresql';
    }
    target = await createTestDatabase();
    await seedDemoUsers(source.prisma);
    await seedDemoFleet(source.prisma);
    await source.prisma.auditEvent.create({ data: { actor: 'admin', action: 'policy.create', targetType: 'policy', targetId: 'p1', after: '{"name":"gen10"}' } });
  });
  afterAll(async () => {
    await source?.dispose();
    await target?.dispose();
  });

  it('copies every table, row for row, and refuses a target that already holds data', async () => {
    const { tables } = await copyInventory(source.prisma, target.prisma);
    const byModel = Object.fromEntries(tables.map((t) => [t.model, t.rows]));
    expect(byModel.Host).toBeGreaterThan(10);
    expect(byModel.VirtualFunction).toBeGreaterThan(100);
    expect(byModel.User).toBeGreaterThan(0);
    expect(byModel.AuditEvent).toBeGreaterThan(0);
    expect(byModel.Replica).toBeUndefined();

    const pick = (db: TestDatabase) => db.prisma.host.findMany({ orderBy: { name: 'asc' }, include: { bmc: true, physicalFunctions: { orderBy: { pciAddress: 'asc' }, include: { virtualFunctions: { orderBy: { index: 'asc' } } } }, labels: true } });
    expect(await pick(target)).toEqual(await pick(source));
    const bmc = await target.prisma.bmc.findFirstOrThrow();
    expect(decryptSecret(bmc.passwordEnc)).toBeTruthy();

    await expect(copyInventory(source.prisma, target.prisma)).rejects.toThrow(/The target already holds data \(\d+ rows in \w+\)/);
  });
});
