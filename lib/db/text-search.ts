// A search box's "contains", ignoring case on both databases: SQLite's LIKE already ignores ASCII
// case; PostgreSQL's LIKE does not, so there the filter asks for ILIKE (Prisma's mode
// 'insensitive', which the SQLite client's types do not know, hence the cast).

import { processDatabase } from './provider';

export function containsText(needle: string): { contains: string } {
  return processDatabase() === 'postgresql' ? ({ contains: needle, mode: 'insensitive' } as { contains: string }) : { contains: needle };
}
