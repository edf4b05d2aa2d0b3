// Sign-in throttling, per user name and per source address: after SLOW_AFTER failures each
// answer is delayed a little more; at LOCK_AFTER the key is locked for LOCK_MS. A success clears
// the user's count.

import 'server-only';
import { prisma } from '@/lib/db/client';

export const SLOW_AFTER = 5;
export const LOCK_AFTER = 10;
export const LOCK_MS = 15 * 60_000;
const STEP_MS = 250;
/** Failures older than this no longer count. */
const WINDOW_MS = 60 * 60_000;

export function throttleKeys(userName: string, sourceAddress: string | null): string[] {
  return [`user:${userName.toLowerCase()}`, ...(sourceAddress ? [`addr:${sourceAddress}`] : [])];
}

/** When the earliest lock among the keys ends, or null when none is locked. */
export async function lockedUntil(keys: string[], now = new Date()): Promise<Date | null> {
  const rows = await prisma.loginThrottle.findMany({ where: { key: { in: keys }, lockedUntil: { gt: now } }, select: { lockedUntil: true } });
  const times = rows.map((r) => r.lockedUntil!.getTime());
  return times.length ? new Date(Math.max(...times)) : null;
}

/** Records a failure; returns how long to hold the answer and, when the keys are now locked, until when. */
export async function recordFailure(keys: string[], now = new Date()): Promise<{ delayMs: number; lockedUntil: Date | null; failures: number }> {
  let worst = 0;
  let lockedUntil: Date | null = null;
  for (const key of keys) {
    const existing = await prisma.loginThrottle.findUnique({ where: { key } });
    const stale = !existing || now.getTime() - existing.lastFailureAt.getTime() > WINDOW_MS;
    const failures = stale ? 1 : existing.failures + 1;
    const lock = failures >= LOCK_AFTER ? new Date(now.getTime() + LOCK_MS) : null;
    await prisma.loginThrottle.upsert({
      where: { key },
      create: { key, failures, lastFailureAt: now, lockedUntil: lock },
      update: { failures, lastFailureAt: now, lockedUntil: lock },
    });
    worst = Math.max(worst, failures);
    lockedUntil ??= lock;
  }
  return { delayMs: worst > SLOW_AFTER ? (worst - SLOW_AFTER) * STEP_MS : 0, lockedUntil, failures: worst };
}

export async function clearFailures(userName: string): Promise<void> {
  await prisma.loginThrottle.deleteMany({ where: { key: `user:${userName.toLowerCase()}` } });
}
