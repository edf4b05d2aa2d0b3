// Test helper: a fresh inventory migrated with the real migrations, of its own, so tests run in
// parallel without sharing a database. SQLite by default (a temp folder, `prisma migrate deploy`);
// in vitest's `postgresql` project (TEST_DATABASE=postgresql) a database on the run's PostgreSQL
// server, copied from the template that lib/db/postgres-global-setup.ts migrated.

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { createPrismaClient, type DatabaseProvider } from './client';
import { startPostgres } from '../../scripts/postgres-cluster.mjs';
import { migrateDatabase, TEMPLATE_DATABASE } from './postgres-global-setup';

export interface TestDatabase {
  provider: DatabaseProvider;
  url: string;
  prisma: PrismaClient;
  dispose(): Promise<void>;
}

/** The database the tests of this run use: TEST_DATABASE=postgresql in the `postgresql` project. */
export function testProvider(): DatabaseProvider {
  return process.env.TEST_DATABASE === 'postgresql' ? 'postgresql' : 'sqlite';
}

export async function createTestDatabase(): Promise<TestDatabase> {
  return testProvider() === 'postgresql' ? createPostgresDatabase() : createSqliteDatabase();
}

async function createSqliteDatabase(): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sriov-fleet-db-'));
  const url = `file:${path.join(dir, 'test.db')}`;
  migrateDatabase(url);
  const prisma = createPrismaClient(url);
  return {
    provider: 'sqlite',
    url,
    prisma,
    async dispose() {
      await prisma.$disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

let ownServer: Promise<string> | undefined;

/**
 * The PostgreSQL server with the migrated template: the test run's (vitest's globalSetup), or
 * outside vitest (benchmarks: TEST_DATABASE=postgresql npm run bench:…) one of this process's own,
 * stopped when it exits.
 */
function postgresServer(): Promise<string> {
  let provided: string | undefined;
  try {
    provided = inject('postgresUrl');
  } catch {
    // Not inside a vitest worker.
  }
  if (provided) return Promise.resolve(provided);
  ownServer ??= startPostgres().then((server) => {
    process.once('exit', () => server.stop());
    // A benchmark stopped by Ctrl-C or `timeout` stops its server too (no 'exit' event then).
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
    migrateDatabase(server.url(TEMPLATE_DATABASE));
    return server.url();
  });
  return ownServer;
}

async function createPostgresDatabase(): Promise<TestDatabase> {
  const server = await postgresServer();
  const name = `test_${randomUUID().replaceAll('-', '')}`;
  await onServer(server, `CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DATABASE}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const prisma = createPrismaClient(url.toString());
  return {
    provider: 'postgresql',
    url: url.toString(),
    prisma,
    async dispose() {
      await prisma.$disconnect();
      await onServer(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function onServer(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Two files copying the template at once: PostgreSQL refuses a template with another session on it.
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(sql);
        return;
      } catch (error) {
        if (!(attempt < 50 && (error as { code?: string }).code === '55006')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
      }
    }
  } finally {
    await client.end();
  }
}
