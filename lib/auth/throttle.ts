// Sign-in throttling, after OWASP's Authentication Cheat Sheet ("Protect against automated
// attacks"): a limit per account that no amount of parallelism gets around, and a much higher
// limit per client address that slows credential stuffing without letting anyone lock another
// person out.
//
// - Per user name: every attempt is counted before its password is checked, with one atomic
//   increment, so however many guesses arrive at once at most USER_LIMIT are ever evaluated in a
//   window. After SLOW_AFTER failures answers are slowed; the USER_LIMIT-th attempt locks the name
//   for LOCK_MS (429 with Retry-After). A successful sign-in clears the name's count. Attempts on
//   made-up names count against those names only, never against a real user.
// - Per address: ADDRESS_LIMIT failed attempts in a window (default 100, across every name) make
//   that address wait LOCK_MS (429 with Retry-After); before that, answers are slowed a little.
//   A successful sign-in takes its attempt back from the address's count.
// - An admin locked out of their own dashboard: `npm run user:unlock` (audited).

import 'server-only';
import { prisma } from '@/lib/db/client';

export const SLOW_AFTER = 5;
export const USER_LIMIT = 10;
export const LOCK_MS = 15 * 60_000;
/** Attempts older than this (since the last one) no longer count. */
export const WINDOW_MS = 60 * 60_000;
const USER_STEP_MS = 250;
const ADDRESS_SLOW_AFTER = 20;
const ADDRESS_STEP_MS = 50;
const MAX_DELAY_MS = 3_000;

export function addressLimit(): number {
  const raw = process.env.LOGIN_ADDRESS_LIMIT;
  return raw && /^\d+$/.test(raw) && Number(raw) > 0 ? Number(raw) : 100;
}

export const userKey = (userName: string) => `user:${userName.toLowerCase()}`;
export const addressKey = (address: string) => `addr:${address}`;

interface Count {
  attempts: number;
  lockedUntil: Date | null;
}

/**
 * Counts one attempt against `key` and returns the count including it. Each step is a single
 * statement, so concurrent attempts each see a count at least as high as their own increment:
 * no more than `limit` of them can see a count within it.
 */
async function countAttempt(key: string, limit: number, now: Date): Promise<Count> {
  try {
    await prisma.loginThrottle.create({ data: { key, failures: 0, lastFailureAt: now } });
  } catch {
    // Already there (P2002): counted below like any other.
  }
  // A lock that has run out, or a window gone quiet, starts the count again. The conditions make
  // the reset happen once even when several requests try it at the same moment.
  await prisma.loginThrottle.updateMany({ where: { key, lockedUntil: { lte: now } }, data: { failures: 0, lockedUntil: null } });
  await prisma.loginThrottle.updateMany({ where: { key, lockedUntil: null, lastFailureAt: { lt: new Date(now.getTime() - WINDOW_MS) } }, data: { failures: 0 } });
  const locked = await prisma.loginThrottle.findUnique({ where: { key }, select: { lockedUntil: true, failures: true } });
  if (locked?.lockedUntil && locked.lockedUntil > now) return { attempts: locked.failures, lockedUntil: locked.lockedUntil };
  const row = await prisma.loginThrottle.update({ where: { key }, data: { failures: { increment: 1 }, lastFailureAt: now }, select: { failures: true } });
  if (row.failures < limit) return { attempts: row.failures, lockedUntil: null };
  // The limit is reached: this attempt (the limit-th) is still evaluated; later ones are not.
  const until = new Date(now.getTime() + LOCK_MS);
  await prisma.loginThrottle.updateMany({ where: { key, lockedUntil: null }, data: { lockedUntil: until } });
  const lock = await prisma.loginThrottle.findUnique({ where: { key }, select: { lockedUntil: true } });
  return { attempts: row.failures, lockedUntil: row.failures === limit ? null : (lock?.lockedUntil ?? until) };
}

export type Admission =
  | { admitted: true; delayMs: number; userAttempts: number; addressAttempts: number; lockedIfWrong: Date | null }
  | { admitted: false; retryAt: Date; reason: 'user' | 'address' };

/**
 * Reserves an attempt for this user name from this address, before the password is checked.
 * Refused: the caller answers 429 without looking at the password.
 */
export async function admitAttempt(userName: string, sourceAddress: string | null, now = new Date()): Promise<Admission> {
  // The address first: a client already held back does not also use up a user's attempts.
  let addressAttempts = 0;
  if (sourceAddress) {
    const address = await countAttempt(addressKey(sourceAddress), addressLimit(), now);
    if (address.lockedUntil) return { admitted: false, retryAt: address.lockedUntil, reason: 'address' };
    addressAttempts = address.attempts;
  }
  const user = await countAttempt(userKey(userName), USER_LIMIT, now);
  if (user.lockedUntil) return { admitted: false, retryAt: user.lockedUntil, reason: 'user' };
  const delayMs = Math.min(
    MAX_DELAY_MS,
    Math.max(0, (user.attempts - SLOW_AFTER) * USER_STEP_MS) + Math.max(0, (addressAttempts - ADDRESS_SLOW_AFTER) * ADDRESS_STEP_MS),
  );
  // The last attempt allowed: when it fails too, the name stays locked (a success lifts it).
  const lockedIfWrong = user.attempts >= USER_LIMIT ? new Date(now.getTime() + LOCK_MS) : null;
  return { admitted: true, delayMs, userAttempts: user.attempts, addressAttempts, lockedIfWrong };
}

/** A correct password: the name starts afresh, and the address gets its attempt back. */
export async function recordSuccess(userName: string, sourceAddress: string | null): Promise<void> {
  await prisma.loginThrottle.deleteMany({ where: { key: userKey(userName) } });
  if (sourceAddress) await prisma.loginThrottle.updateMany({ where: { key: addressKey(sourceAddress), failures: { gt: 0 } }, data: { failures: { decrement: 1 } } });
}

/** Break-glass: lifts the lock on a user name (and, when given, an address). Returns the keys cleared. */
export async function unlock(userName: string, sourceAddress?: string): Promise<string[]> {
  const keys = [userKey(userName), ...(sourceAddress ? [addressKey(sourceAddress)] : [])];
  const rows = await prisma.loginThrottle.findMany({ where: { key: { in: keys } }, select: { key: true } });
  await prisma.loginThrottle.deleteMany({ where: { key: { in: keys } } });
  return rows.map((r) => r.key);
}
