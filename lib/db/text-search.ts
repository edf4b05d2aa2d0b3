// A search box's "contains", ignoring case on both databases: SQLite's LIKE already ignores ASCII
// case; PostgreSQL's LIKE does not, so there the filter asks for ILIKE (Prisma's mode
// 'insensitive', which the SQLite client's types do not know, hence the cast). The database is
// the server's DATABASE_URL, the one the shared client (lib/db/client.ts) opens.

/** Whether this process's database is PostgreSQL. */
export function onPostgres(): boolean {
  return /^postgres(ql)?:\/\//i.test(process.env.DATABASE_URL ?? '');
}

export function containsText(needle: string): { contains: string } {
  return onPostgres() ? ({ contains: needle, mode: 'insensitive' } as { contains: string }) : { contains: needle };
}
