// Which database a URL names. Pure (no driver, no server-only import), so the where-builders the
// browser bundle also sees can ask it.

export type DatabaseProvider = 'sqlite' | 'postgresql';

/** SQLite for `file:` URLs (the embedded default), PostgreSQL for `postgresql://` (or `postgres://`). */
export function providerOf(url: string): DatabaseProvider {
  if (url.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//i.test(url)) return 'postgresql';
  throw new Error(`DATABASE_URL must be a file: URL (SQLite) or a postgresql:// URL (PostgreSQL), not "${url.split(':')[0]}:..."`);
}

/** The database of this process: DATABASE_URL, the one the shared client (lib/db/client.ts) opens. */
export function processDatabase(): DatabaseProvider {
  return providerOf(process.env.DATABASE_URL || 'file:./data/fleet.db');
}
