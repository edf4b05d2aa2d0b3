// Where a client's SQLite database lives on disk, for the few reads that go around Prisma's
// client (report exports, plans over the whole fleet): a read-only better-sqlite3 connection to
// the same file reads many rows several times faster and leaves less garbage.

import 'server-only';
import type { PrismaClient } from '@/lib/generated/prisma/client';

const sqliteFiles = new WeakMap<PrismaClient, Promise<string | null>>();

/** The client's database file when it is SQLite on disk; null otherwise (PostgreSQL, or in memory). */
export function sqliteFileOf(prisma: PrismaClient): Promise<string | null> {
  let file = sqliteFiles.get(prisma);
  if (!file) {
    // PRAGMA is SQLite's own: anywhere else it fails, and the answer is "not SQLite".
    file = prisma.$queryRawUnsafe<{ name: string; file: string }[]>('PRAGMA database_list').then(
      (list) => list.find((d) => d.name === 'main')?.file || null,
      () => null,
    );
    sqliteFiles.set(prisma, file);
  }
  return file;
}

