// Readiness against real SQLite files migrated with the real migrations, and the real
// background loop: each way of not being ready is produced, not described.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBackgroundLoop, type BackgroundLoop } from '@/lib/background-loop';
import { createPrismaClient } from '@/lib/db/client';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { checkReadiness, migrationFolders, readinessResponse, stuckAfterMs, type ReadinessDeps } from './health';

const MIGRATIONS = path.resolve(import.meta.dirname, '..', 'prisma', 'migrations');
const FOLDERS = migrationFolders(MIGRATIONS);
const LATEST = FOLDERS.at(-1)!;

let db: TestDatabase;
let scratch: string;
let loop: BackgroundLoop | null = null;

beforeAll(async () => {
  db = await createTestDatabase();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sriov-fleet-health-'));
});
afterAll(async () => {
  await db?.dispose();
  fs.rmSync(scratch, { recursive: true, force: true });
});
afterEach(async () => {
  await loop?.stop();
  loop = null;
});

/** The operations channel with a pass the test controls. */
function startWorkerLoop(pass: () => Promise<void> = async () => {}, pollMs = 1_000): BackgroundLoop {
  loop = startBackgroundLoop('operations', pass, { pollMs, onError: (error) => { throw error; } });
  return loop;
}

function deps(overrides: Partial<ReadinessDeps> = {}): Partial<ReadinessDeps> {
  return { database: () => db.prisma, migrationsDir: MIGRATIONS, backgroundEnabled: true, ...overrides };
}

async function answer(overrides: Partial<ReadinessDeps> = {}) {
  const response = readinessResponse(await checkReadiness(deps(overrides)));
  return { status: response.status, cacheControl: response.headers.get('cache-control'), body: (await response.json()) as { status: string; failing?: string[]; checks: Record<string, { state: string; detail: string }> } };
}

describe('readiness', () => {
  it('finds the migrations of the repository', () => {
    expect(FOLDERS.length).toBeGreaterThan(5);
    expect(FOLDERS).toContain('20261124200000_init');
  });

  it('is 200 with every check named when the database answers, is migrated and the worker runs', async () => {
    startWorkerLoop();
    const res = await answer();
    expect(res.status).toBe(200);
    expect(res.cacheControl).toBe('no-store');
    expect(res.body).toEqual({
      status: 'ready',
      checks: {
        database: { state: 'ok', detail: 'answers' },
        migrations: { state: 'ok', detail: `${FOLDERS.length} applied, none pending` },
        worker: { state: 'ok', detail: expect.stringMatching(/^running/) },
      },
    });
  });

  it('is 503 naming the database when its file cannot be opened, and does not look at migrations', async () => {
    startWorkerLoop();
    const missingFolder = path.join(scratch, 'not-mounted', 'fleet.db');
    const res = await answer({ database: () => createPrismaClient(`file:${missingFolder}`) });
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('not-ready');
    expect(res.body.failing).toEqual(['database']);
    expect(res.body.checks.database).toEqual({ state: 'failing', detail: expect.stringMatching(/^does not answer: .*directory does not exist/i) });
    expect(res.body.checks.migrations).toEqual({ state: 'skipped', detail: 'the database does not answer' });
    expect(res.body.checks.worker!.state).toBe('ok');
  });

  it('is 503 naming the database when the file is not a database', async () => {
    startWorkerLoop();
    const file = path.join(scratch, 'garbage.db');
    fs.writeFileSync(file, 'this is not an SQLite database, not even close to one. '.repeat(200));
    const res = await answer({ database: () => createPrismaClient(`file:${file}`) });
    expect(res.status).toBe(503);
    expect(res.body.failing).toEqual(['database']);
    expect(res.body.checks.database!.detail).toMatch(/not a database/);
  });

  describe('migrations', () => {
    let other: TestDatabase;
    beforeAll(async () => {
      other = await createTestDatabase();
    });
    afterAll(() => other?.dispose());

    it('is 503 naming the migration the database lacks', async () => {
      startWorkerLoop();
      await other.prisma.$executeRaw`DELETE FROM _prisma_migrations WHERE migration_name = ${LATEST}`;
      const res = await answer({ database: () => other.prisma });
      expect(res.status).toBe(503);
      expect(res.body.failing).toEqual(['migrations']);
      expect(res.body.checks.migrations).toEqual({ state: 'failing', detail: `not applied: ${LATEST} (run npm run db:migrate)` });
      expect(res.body.checks.database!.state).toBe('ok');
    });

    it('is 503 when a migration failed and was not rolled back', async () => {
      await other.prisma.$executeRaw`INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) VALUES ('failed-row', 'x', ${LATEST}, CURRENT_TIMESTAMP, 0)`;
      const res = await answer({ database: () => other.prisma, backgroundEnabled: false });
      expect(res.status).toBe(503);
      expect(res.body.checks.migrations!.detail).toBe(`failed and not rolled back: ${LATEST} (see npx prisma migrate status)`);
    });

    it('counts a failed migration that was rolled back and applied again as applied', async () => {
      await other.prisma.$executeRaw`UPDATE _prisma_migrations SET rolled_back_at = CURRENT_TIMESTAMP WHERE id = 'failed-row'`;
      await other.prisma.$executeRaw`INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES ('retry-row', 'x', ${LATEST}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)`;
      const res = await answer({ database: () => other.prisma, backgroundEnabled: false });
      expect(res.status).toBe(200);
      expect(res.body.checks.migrations).toEqual({ state: 'ok', detail: `${FOLDERS.length} applied, none pending` });
    });
  });

  it('is 503 when the database holds a migration this server does not have', async () => {
    const older = path.join(scratch, 'older-migrations');
    for (const name of FOLDERS.slice(0, -1)) fs.cpSync(path.join(MIGRATIONS, name), path.join(older, name), { recursive: true });
    const res = await answer({ migrationsDir: older, backgroundEnabled: false });
    expect(res.status).toBe(503);
    expect(res.body.checks.migrations!.detail).toBe(`applied but not in ${older}: ${LATEST} (the database is newer than this server)`);
  });

  it('is 503 on a database that was never migrated', async () => {
    const res = await answer({ database: () => createPrismaClient(`file:${path.join(scratch, 'empty.db')}`), backgroundEnabled: false });
    expect(res.status).toBe(503);
    expect(res.body.failing).toEqual(['migrations']);
    expect(res.body.checks.migrations!.detail).toBe(`none of the ${FOLDERS.length} migrations is applied (no _prisma_migrations table): run npm run db:migrate`);
  });

  it('is 503 when the migrations folder cannot be read', async () => {
    const res = await answer({ migrationsDir: path.join(scratch, 'no-such-folder'), backgroundEnabled: false });
    expect(res.status).toBe(503);
    expect(res.body.checks.migrations!.detail).toMatch(/^cannot read the migrations folder .*no-such-folder: ENOENT/);
  });

  describe('worker', () => {
    it('is 503 naming the worker when none runs in this process, and after it stopped', async () => {
      expect((await answer()).body).toMatchObject({ status: 'not-ready', failing: ['worker'], checks: { worker: { state: 'failing', detail: expect.stringMatching(/not running in this process/) } } });
      await startWorkerLoop().stop();
      const res = await answer();
      expect(res.status).toBe(503);
      expect(res.body.failing).toEqual(['worker']);
    });

    it('is off, and ready, when FLEET_BACKGROUND=off keeps it stopped on purpose', async () => {
      const res = await answer({ backgroundEnabled: false });
      expect(res.status).toBe(200);
      expect(res.body.checks.worker).toEqual({ state: 'off', detail: 'FLEET_BACKGROUND=off: this server runs no operations' });
    });

    it('is 503 when a pass has been under way far longer than a pass takes', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      startWorkerLoop(() => held);
      const started = Date.now();
      expect((await answer({ now: started + 1_000 })).body.checks.worker).toEqual({ state: 'ok', detail: 'running, first pass under way' });
      const late = await answer({ now: started + stuckAfterMs(1_000) + 5_000 });
      expect(late.status).toBe(503);
      expect(late.body.checks.worker!.detail).toMatch(/^a pass over the operations queue has been under way for 6\d s$/);
      release();
      await loop!.settled();
      expect((await answer({ now: Date.now() + stuckAfterMs(1_000) + 5_000 })).status).toBe(200);
    });
  });
});
