// The same schema must serve PostgreSQL for large fleets: validate it and generate the client with
// the provider switched, so a SQLite-only change fails here.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const prisma = path.join(root, 'node_modules', '.bin', 'prisma');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sriov-fleet-pg-schema-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function postgresSchema(): string {
  const source = fs.readFileSync(path.join(root, 'prisma', 'schema.prisma'), 'utf8');
  const switched = source.replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"').replace(/output\s*=\s*"[^"]*"/, `output = "${path.join(dir, 'client').replaceAll('\\', '/')}"`);
  expect(switched).toContain('provider = "postgresql"');
  const file = path.join(dir, 'schema.prisma');
  fs.writeFileSync(file, switched);
  return file;
}

function run(args: string[]): string {
  return execFileSync(prisma, args, { cwd: root, env: { ...process.env, DATABASE_URL: 'postgresql://fleet@127.0.0.1:5432/fleet' }, encoding: 'utf8', stdio: 'pipe' });
}

describe('schema portability to PostgreSQL', () => {
  const schema = postgresSchema();

  it('validates with provider = "postgresql"', () => {
    expect(run(['validate', '--schema', schema])).toMatch(/is valid/);
  });

  it('generates a client with provider = "postgresql"', () => {
    run(['generate', '--schema', schema]);
    expect(fs.existsSync(path.join(dir, 'client', 'client.ts'))).toBe(true);
  });
});
