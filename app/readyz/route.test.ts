// /readyz as the route runs it: the shared client from DATABASE_URL, prisma/migrations from the
// working directory, the real operations worker.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import type { Worker } from '@/lib/operations/worker';
import * as route from './route';

let db: TestDatabase;
let worker: Worker | null = null;
let scratch: string;

beforeAll(async () => {
  db = await createTestDatabase();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sriov-fleet-readyz-'));
});
afterAll(async () => {
  await worker?.stop();
  await db?.dispose();
  fs.rmSync(scratch, { recursive: true, force: true });
});

async function probe() {
  const response = await route.GET();
  return { status: response.status, cacheControl: response.headers.get('cache-control'), body: (await response.json()) as { status: string; failing?: string[]; checks: Record<string, { state: string; detail: string }> } };
}

// In order: the shared client is opened on first success and kept.
describe('GET /readyz', () => {
  it('is never cached', () => {
    expect(route.dynamic).toBe('force-dynamic');
  });

  it('is 503 naming the database while DATABASE_URL cannot be opened', async () => {
    process.env.DATABASE_URL = `file:${path.join(scratch, 'not-mounted', 'fleet.db')}`;
    const res = await probe();
    expect(res.status).toBe(503);
    expect(res.cacheControl).toBe('no-store');
    expect(res.body.failing).toEqual(['database', 'worker']);
    expect(res.body.checks.migrations!.state).toBe('skipped');
  });

  it('is 200 once the database answers, is migrated and the worker runs', async () => {
    process.env.DATABASE_URL = db.url;
    const { DEFAULT_WORKER_OPTIONS, startWorker } = await import('@/lib/operations/worker');
    worker = startWorker({ ...DEFAULT_WORKER_OPTIONS });
    const res = await probe();
    expect(res).toMatchObject({ status: 200, cacheControl: 'no-store', body: { status: 'ready' } });
    expect(Object.entries(res.body.checks).map(([name, c]) => [name, c.state])).toEqual([['database', 'ok'], ['migrations', 'ok'], ['worker', 'ok']]);
  });

  it('is 503 naming the migration the database lacks', async () => {
    const [latest] = await db.prisma.$queryRaw<{ migration_name: string }[]>`SELECT migration_name FROM _prisma_migrations ORDER BY migration_name DESC LIMIT 1`;
    await db.prisma.$executeRaw`DELETE FROM _prisma_migrations WHERE migration_name = ${latest!.migration_name}`;
    const res = await probe();
    expect(res.status).toBe(503);
    expect(res.body.failing).toEqual(['migrations']);
    expect(res.body.checks.migrations!.detail).toContain(`not applied: ${latest!.migration_name}`);
  });

  it('is 503 naming the worker once it stopped', async () => {
    await worker!.stop();
    worker = null;
    const res = await probe();
    expect(res.status).toBe(503);
    expect(res.body.failing).toEqual(['migrations', 'worker']);
    expect(res.body.checks.worker!.detail).toMatch(/not running in this process/);
  });
});
