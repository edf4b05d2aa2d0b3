// The one Prisma client. Cached on globalThis so Next's dev reloads do not open a connection
// per module reload.

import 'server-only';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import Database from 'better-sqlite3';
import { PrismaClient } from '@/lib/generated/prisma/client';
import { PrismaClient as PostgresClient } from '@/lib/generated/prisma-postgresql/client';
import { env } from '@/lib/env';
import { providerOf } from './provider';

export { providerOf, type DatabaseProvider } from './provider';

/**
 * WAL journal: readers never wait for a writer (the poller writes while pages read), and the
 * mode sticks to the file. A writer that finds the database locked (another process writing)
 * waits at most SQLITE_BUSY_TIMEOUT_MS: better-sqlite3 waits synchronously, holding the whole
 * server still, so the wait is kept short and callers retry (lib/db/unavailable.ts).
 */
function prepareSqlite(file: string): void {
  if (file === ':memory:') return;
  const db = new Database(file, { timeout: env.sqliteBusyTimeoutMs });
  try {
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
}

/**
 * A client on SQLite or PostgreSQL. The two are generated from one schema (prisma/postgresql/ is
 * a copy with another provider), so their models and queries are the same: the PostgreSQL client
 * is typed as the SQLite one, and the few places where the databases differ ask providerOf.
 */
export function createPrismaClient(url = env.databaseUrl): PrismaClient {
  if (providerOf(url) === 'postgresql') {
    const adapter = new PrismaPg({ connectionString: url, max: env.postgresPoolSize });
    return new PostgresClient({ adapter }) as unknown as PrismaClient;
  }
  const file = url.slice('file:'.length);
  prepareSqlite(file);
  const adapter = new PrismaBetterSqlite3({ url: file, timeout: env.sqliteBusyTimeoutMs });
  return new PrismaClient({ adapter });
}

const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

function sharedClient(): PrismaClient {
  globalForPrisma.prisma ??= createPrismaClient();
  return globalForPrisma.prisma;
}

/**
 * The shared client, opened on first use rather than at import, so DATABASE_URL set by a test or
 * script before its first query is the one used.
 */
export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const client = sharedClient();
    const value: unknown = Reflect.get(client, property);
    return typeof value === 'function' ? value.bind(client) : value;
  },
});
