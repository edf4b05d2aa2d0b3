// Serializable transactions on both databases. SQLite runs write transactions one at a time;
// PostgreSQL runs them side by side and aborts one that could not have run alone (P2034, a
// serialization failure). The aborted one is run again, as PostgreSQL's manual advises, so the
// caller sees the outcome it would have had one after the other (say, "the last admin").

import 'server-only';
import { isDriverAdapterError } from '@prisma/driver-adapter-utils';
import { Prisma, type PrismaClient } from '@/lib/generated/prisma/client';

const ATTEMPTS = 5;

export async function serializable<T>(db: PrismaClient, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(work, { isolationLevel: 'Serializable' });
    } catch (error) {
      if (!isWriteConflict(error) || attempt >= ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

/**
 * A transaction PostgreSQL aborted for a concurrent one: P2034 from the client, or, when the
 * failure comes at COMMIT, adapter-pg's own TransactionWriteConflict.
 */
export function isWriteConflict(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) return error.code === 'P2034';
  return isDriverAdapterError(error) && error.cause.kind === 'TransactionWriteConflict';
}
