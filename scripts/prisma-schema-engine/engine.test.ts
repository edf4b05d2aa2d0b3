// The schema engine stand-in, driven by the real Prisma CLI the way `npx prisma ...` drives it, on
// the project's schema, in a temp folder of its own (parallel-safe, leaves the repo untouched).

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const prismaCli = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');

let dir: string;
let dbFile: string;
let models: string[];

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function prisma(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [prismaCli, ...args],
      {
        cwd: dir,
        env: {
          ...process.env,
          DATABASE_URL: `file:${dbFile}`,
          PRISMA_SCHEMA_ENGINE_BINARY: path.join(here, 'engine.mjs'),
          CHECKPOINT_DISABLE: '1',
          PRISMA_HIDE_UPDATE_MESSAGE: '1',
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function tables(): string[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all()
      .map((row) => row.name);
  } finally {
    db.close();
  }
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prisma-schema-engine-'));
  // In a folder that does not exist yet: `migrate deploy` must have the engine create it.
  dbFile = path.join(dir, 'data', 'test.db');
  const schema = fs.readFileSync(path.join(root, 'prisma', 'schema.prisma'), 'utf8');
  fs.writeFileSync(path.join(dir, 'schema.prisma'), schema);
  // A config without imports: nothing resolves `prisma/config` from a temp folder.
  fs.writeFileSync(
    path.join(dir, 'prisma.config.mjs'),
    "export default { schema: 'schema.prisma', migrations: { path: 'migrations' }, datasource: { url: process.env.DATABASE_URL } };\n",
  );
  models = [...schema.matchAll(/^model\s+(\w+)\s*\{/gm)].map((match) => match[1] as string).sort();
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('prisma-schema-engine through the Prisma CLI', () => {
  it('prints the SQL of the whole schema for migrate diff --from-empty --script', async () => {
    const { code, stdout, stderr } = await prisma('migrate', 'diff', '--from-empty', '--to-schema', 'schema.prisma', '--script');
    expect(code, stderr).toBe(0);
    expect(models.length).toBeGreaterThan(0);
    for (const model of models) expect(stdout).toContain(`CREATE TABLE "${model}" (`);
    // The diff needs no database, and the engine must not create one on the way.
    expect(fs.existsSync(path.dirname(dbFile))).toBe(false);

    const migration = path.join(dir, 'migrations', '20000101000000_init');
    fs.mkdirSync(migration, { recursive: true });
    fs.writeFileSync(path.join(migration, 'migration.sql'), stdout.trimEnd() + '\n');
    fs.writeFileSync(path.join(dir, 'migrations', 'migration_lock.toml'), 'provider = "sqlite"\n');
  });

  it('creates the database and applies that migration with migrate deploy', async () => {
    const { code, stdout, stderr } = await prisma('migrate', 'deploy');
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('All migrations have been successfully applied.');
    expect(tables()).toEqual([...models, '_prisma_migrations'].sort());

    const db = new Database(dbFile, { readonly: true });
    const applied = db.prepare('SELECT migration_name, finished_at FROM _prisma_migrations').all();
    db.close();
    expect(applied).toEqual([{ migration_name: '20000101000000_init', finished_at: expect.anything() }]);
    // The engine closed its connections: no journal left behind.
    expect(fs.readdirSync(path.dirname(dbFile))).toEqual(['test.db']);
  });

  it('reads the database back: migrate diff finds no difference, migrate status is up to date', async () => {
    const diff = await prisma('migrate', 'diff', '--from-config-datasource', '--to-schema', 'schema.prisma', '--exit-code');
    expect(diff.stdout).toContain('No difference detected.');
    expect(diff.code).toBe(0);

    const status = await prisma('migrate', 'status');
    expect(status.stdout).toContain('Database schema is up to date!');
    expect(status.code).toBe(0);
  });

  it('starts from an empty database on migrate reset, then re-applies the migration', async () => {
    const db = new Database(dbFile);
    db.exec('CREATE TABLE stray (id INTEGER)');
    db.close();

    const { code, stdout, stderr } = await prisma('migrate', 'reset', '--force');
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('Database reset successful');
    expect(tables()).toEqual([...models, '_prisma_migrations'].sort());
  });
});
