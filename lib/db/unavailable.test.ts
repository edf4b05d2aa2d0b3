// A PostgreSQL server that goes away during a run: every kind of read and write then fails as
// "unavailable" (routes answer 503, the worker waits), never as a bug.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { startPostgres } from '../../scripts/postgres-cluster.mjs';
import { createPrismaClient } from './client';
import { isDatabaseUnavailable, whenDatabaseAnswers } from './unavailable';

let server: Awaited<ReturnType<typeof startPostgres>>;
let prisma: PrismaClient;

async function failure(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  server = await startPostgres();
  prisma = createPrismaClient(server.url());
  expect(await prisma.$queryRawUnsafe('SELECT 1 AS one')).toEqual([{ one: 1 }]);
});

afterAll(async () => {
  await prisma?.$disconnect().catch(() => {});
  server?.stop();
});

describe('PostgreSQL lost during a run', () => {
  it('is "unavailable" for raw reads, model reads, writes and transactions, and whenDatabaseAnswers gives up only at its deadline', async () => {
    server.stop();
    const errors = [
      await failure(() => prisma.$queryRawUnsafe('SELECT 1')),
      await failure(() => prisma.host.count()),
      await failure(() => prisma.user.deleteMany({ where: { userName: 'nobody' } })),
      await failure(() => prisma.$transaction(async (tx) => tx.host.findMany())),
    ];
    for (const error of errors) expect(isDatabaseUnavailable(error), String(error)).toBe(true);
    const started = Date.now();
    await expect(whenDatabaseAnswers(() => prisma.host.count(), 300)).rejects.toSatisfy(isDatabaseUnavailable);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('a bug stays a bug: SQL the server rejects is not "unavailable"', async () => {
    const fresh = await startPostgres();
    const client = createPrismaClient(fresh.url());
    try {
      expect(isDatabaseUnavailable(await failure(() => client.$queryRawUnsafe('SELEC 1')))).toBe(false);
      expect(isDatabaseUnavailable(await failure(() => client.host.count()))).toBe(false);
    } finally {
      await client.$disconnect();
      fresh.stop();
    }
  });
});
