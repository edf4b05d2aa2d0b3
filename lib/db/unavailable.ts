// The database not answering for a while: SQLite locked by another writer past its busy timeout
// (P1008, SQLITE_BUSY), or a database server out of reach. Not the request's fault and not a
// bug: routes answer 503 with Retry-After, and the worker waits and writes again, so an
// operation never stays "running" because its last write met a busy database.

import 'server-only';
import { Prisma } from '@/lib/generated/prisma/client';

const UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

export function isDatabaseUnavailable(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && UNAVAILABLE_CODES.has(error.code);
}

/** Runs `write` until the database takes it (backing off up to 5 s a try), for at most `timeoutMs`. */
export async function whenDatabaseAnswers<T>(write: () => Promise<T>, timeoutMs = 10 * 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** attempt)));
    }
  }
}
