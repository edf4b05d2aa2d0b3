// The two migration sets, SQLite's (prisma/migrations) and PostgreSQL's (prisma/postgresql/migrations),
// each yield the schema, through the real Prisma CLI: `migrate diff --from-migrations` replays a set
// on a shadow database (SQLite in memory; on PostgreSQL a throwaway database on the test server).
// Each migration lands in both sets under the same name, and the PostgreSQL schema is the one
// scripts/postgres-schema.mjs writes from prisma/schema.prisma.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { testProvider } from '@/lib/db/testing';
import { POSTGRES_SCHEMA, SQLITE_SCHEMA, postgresSchema } from '../scripts/postgres-schema.mjs';

const root = path.resolve(import.meta.dirname, '..');
const prismaCli = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');
const SETS = {
  sqlite: { folder: path.join(root, 'prisma', 'migrations'), schema: SQLITE_SCHEMA },
  postgresql: { folder: path.join(root, 'prisma', 'postgresql', 'migrations'), schema: POSTGRES_SCHEMA },
};

function migrationNames(folder: string): string[] {
  return fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

function diff(provider: 'sqlite' | 'postgresql'): Promise<{ code: number; output: string }> {
  const set = SETS[provider];
  // On PostgreSQL the CLI needs a server to replay on; any database of it will do, the shadow one is created and dropped.
  const url = provider === 'postgresql' ? inject('postgresUrl') : 'file::memory:';
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [prismaCli, 'migrate', 'diff', '--from-migrations', set.folder, '--to-schema', set.schema, '--exit-code'],
      { cwd: root, env: { ...process.env, DATABASE_URL: url, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

describe(`the ${testProvider()} migrations`, () => {
  it('yield the schema', async () => {
    const result = await diff(testProvider());
    expect(result.output, 'the migrations and the schema differ: add a migration (CONTRIBUTING.md, "Changing the schema")').toContain('No difference detected');
    expect(result.code).toBe(0);
  });

  it('are the same set on both databases, and the PostgreSQL schema is generated from the SQLite one', () => {
    expect(migrationNames(SETS.postgresql.folder)).toEqual(migrationNames(SETS.sqlite.folder));
    expect(fs.readFileSync(POSTGRES_SCHEMA, 'utf8'), 'prisma/postgresql/schema.prisma is stale: run node scripts/postgres-schema.mjs').toBe(postgresSchema(fs.readFileSync(SQLITE_SCHEMA, 'utf8')));
  });
});
