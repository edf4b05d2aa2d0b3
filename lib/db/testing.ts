// Test helper: a fresh SQLite inventory migrated with the real migrations, in its own temp
// folder, so tests run in parallel without sharing a database.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { createPrismaClient } from './client';

export interface TestDatabase {
  url: string;
  prisma: PrismaClient;
  dispose(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sriov-fleet-db-'));
  const url = `file:${path.join(dir, 'test.db')}`;
  const root = path.resolve(import.meta.dirname, '..', '..');
  execFileSync(path.join(root, 'node_modules', '.bin', 'prisma'), ['migrate', 'deploy'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
    stdio: 'pipe',
  });
  const prisma = createPrismaClient(url);
  return {
    url,
    prisma,
    async dispose() {
      await prisma.$disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
