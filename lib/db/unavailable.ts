// The database not answering for a while: SQLite locked by another writer past its busy timeout
// (P1008, SQLITE_BUSY), or a database server out of reach. Not the request's fault and not a
// bug: routes answer 503 with Retry-After, and the worker waits and writes again, so an
// operation never stays "running" because its last write met a busy database.

import 'server-only';
import { isDriverAdapterError } from '@prisma/driver-adapter-utils';
import { Prisma } from '@/lib/generated/prisma/client';

const UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);
/** adapter-pg's words for a server gone or full, when they reach us unwrapped (from inside a transaction). */
const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/** PostgreSQL shutting down, starting up, or crashed and restarting (class 57P, and 08 connection exceptions). */
const UNAVAILABLE_SQLSTATE = /^(57P0[1-3]|08\d\d\d)$/;

export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (UNAVAILABLE_CODES.has(error.code)) return true;
    // The query engine passes some driver failures on as P2010 ("raw query failed") or with the adapter's error as cause.
    return isDatabaseUnavailable(error.meta?.driverAdapterError) || isDatabaseUnavailable((error as { cause?: unknown }).cause);
  }
  // pg's own words for a socket the server closed, when a pooled connection meets it first.
  if (error instanceof Error && /^Connection terminated( unexpectedly| due to connection timeout)?$/.test(error.message)) return true;
  if (typeof error !== 'object' || error === null || !isDriverAdapterError(error)) return false;
  const cause = error.cause as { kind: string; code?: string };
  return UNAVAILABLE_KINDS.has(cause.kind) || (cause.kind === 'postgres' && UNAVAILABLE_SQLSTATE.test(cause.code ?? ''));
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
