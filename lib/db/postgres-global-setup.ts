// vitest globalSetup of the `postgresql` project: one throwaway PostgreSQL server for the run
// (scripts/postgres-cluster.mjs), with a template database migrated once by the real
// `prisma migrate deploy` on prisma/postgresql/migrations. Each test file then gets its own
// database, copied from the template (lib/db/testing.ts): parallel-safe and fast.

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startPostgres } from '../../scripts/postgres-cluster.mjs';

export const TEMPLATE_DATABASE = 'sriov_template';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

/** `prisma migrate deploy` on the database of `url`, which it creates if need be (the migrations folder follows the URL: prisma.config.ts). */
export function migrateDatabase(url: string): void {
  const root = path.resolve(import.meta.dirname, '..', '..');
  try {
    execFileSync(path.join(root, 'node_modules', '.bin', 'prisma'), ['migrate', 'deploy'], { cwd: root, env: { ...process.env, DATABASE_URL: url }, stdio: 'pipe' });
  } catch (error) {
    const output = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`prisma migrate deploy on the test database failed:\n${output.stdout ?? ''}${output.stderr ?? ''}`);
  }
}

export default async function setup(project: TestProject) {
  const server = await startPostgres();
  try {
    migrateDatabase(server.url(TEMPLATE_DATABASE));
  } catch (error) {
    server.stop();
    throw error;
  }
  project.provide('postgresUrl', server.url());
  return () => server.stop();
}
