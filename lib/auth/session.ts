// Who is asking: a browser session (cookie) or an API token (Authorization: Bearer). The cookie
// holds only the session id, sealed by iron-session; the Session row is the truth, so logging out,
// disabling a user or expiry take effect at once.

import 'server-only';
import { createHash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { sealData, unsealData } from 'iron-session';
import { prisma } from '@/lib/db/client';
import { secretsKey } from '@/lib/crypto/secrets';
import { isDatabaseUnavailable } from '@/lib/db/unavailable';
import { isRole, lowerRole, type Role } from './permissions';

import { API_TOKEN_PREFIX } from './constants';

export { API_TOKEN_PREFIX, CSRF_HEADER, SESSION_COOKIE } from './constants';

const IDLE_MS = Number(process.env.SESSION_IDLE_HOURS || 8) * 3600_000;
const ABSOLUTE_MS = 7 * 24 * 3600_000;
/** Don't write lastSeenAt on every request. */
const TOUCH_MS = 60_000;

export interface Principal {
  kind: 'session' | 'token';
  /** The user name, or "token:<name>" for an API token: what the audit log records. */
  name: string;
  /** For a token, the lower of the token's role and its owner's current role. */
  role: Role;
  /** The signed-in user, or the token's owner. */
  userId: string | null;
  sessionId?: string;
  csrfToken?: string;
  tokenId?: string;
}

function ignoreUnavailable(error: unknown): void {
  if (!isDatabaseUnavailable(error)) throw error;
}

function cookiePassword(): string {
  if (process.env.SESSION_SECRET) return process.env.SESSION_SECRET;
  // One secret to manage: the session seal key is derived from the secrets-at-rest key.
  return Buffer.from(hkdfSync('sha256', secretsKey(), Buffer.alloc(0), 'sriov-fleet session cookie', 32)).toString('base64');
}

/** A key of its own per purpose, so a value sealed for one purpose never opens as another (a session cookie, say). */
function purposePassword(purpose: string): string {
  return Buffer.from(hkdfSync('sha256', cookiePassword(), Buffer.alloc(0), `sriov-fleet ${purpose}`, 32)).toString('base64');
}

/** Seals a short-lived value for a browser to carry (the OIDC sign-in's state), readable only here, for `purpose`. */
export function sealTransient(purpose: string, data: Record<string, unknown>, ttlSeconds: number): Promise<string> {
  return sealData(data, { password: purposePassword(purpose), ttl: ttlSeconds });
}

/** The value sealTransient sealed for `purpose`, or null when it is not one, was changed or has expired. */
export async function unsealTransient<T>(purpose: string, sealed: string, ttlSeconds: number): Promise<Partial<T> | null> {
  try {
    const data = await unsealData<Partial<T>>(sealed, { password: purposePassword(purpose), ttl: ttlSeconds });
    return Object.keys(data).length ? data : null;
  } catch {
    return null;
  }
}

export function cookieOptions(maxAgeSeconds: number) {
  return {
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: process.env.COOKIE_SECURE === 'true',
    path: '/',
    maxAge: maxAgeSeconds,
  };
}

export async function createSession(userId: string, sourceAddress: string | null) {
  const now = Date.now();
  const session = await prisma.session.create({
    data: { userId, csrfToken: randomBytes(24).toString('base64url'), expiresAt: new Date(now + IDLE_MS), sourceAddress },
    select: { id: true, csrfToken: true },
  });
  const sealed = await sealData({ sid: session.id }, { password: cookiePassword(), ttl: ABSOLUTE_MS / 1000 });
  return { ...session, cookie: sealed, maxAgeSeconds: ABSOLUTE_MS / 1000 };
}

export async function deleteSession(sessionId: string) {
  await prisma.session.deleteMany({ where: { id: sessionId } });
}

async function principalFromCookie(cookie: string): Promise<Principal | null> {
  let sid: unknown;
  try {
    ({ sid } = await unsealData<{ sid?: string }>(cookie, { password: cookiePassword(), ttl: ABSOLUTE_MS / 1000 }));
  } catch {
    return null;
  }
  if (typeof sid !== 'string') return null;
  const session = await prisma.session.findUnique({
    where: { id: sid },
    select: { id: true, csrfToken: true, createdAt: true, lastSeenAt: true, expiresAt: true, user: { select: { id: true, userName: true, role: true, disabled: true } } },
  });
  const now = Date.now();
  if (!session || session.expiresAt.getTime() <= now || session.createdAt.getTime() + ABSOLUTE_MS <= now || session.user.disabled || !isRole(session.user.role)) {
    return null;
  }
  if (now - session.lastSeenAt.getTime() > TOUCH_MS) {
    // Best effort: a busy database must not turn a read into a failure.
    await prisma.session.update({ where: { id: session.id }, data: { lastSeenAt: new Date(now), expiresAt: new Date(now + IDLE_MS) } }).catch(ignoreUnavailable);
  }
  return { kind: 'session', name: session.user.userName, role: session.user.role, userId: session.user.id, sessionId: session.id, csrfToken: session.csrfToken };
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

async function principalFromToken(token: string): Promise<Principal | null> {
  if (!token.startsWith(API_TOKEN_PREFIX) || token.length > 200) return null;
  const row = await prisma.apiToken.findUnique({
    where: { tokenHash: hashApiToken(token) },
    select: { id: true, name: true, role: true, revokedAt: true, expiresAt: true, lastUsedAt: true, createdBy: { select: { id: true, role: true, disabled: true } } },
  });
  const now = Date.now();
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now) || row.createdBy.disabled || !isRole(row.role) || !isRole(row.createdBy.role)) return null;
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > TOUCH_MS) {
    await prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } }).catch(ignoreUnavailable);
  }
  // A token never outranks its owner as the owner is now: demoting an admin demotes their tokens.
  return { kind: 'token', name: `token:${row.name}`, role: lowerRole(row.role, row.createdBy.role), userId: row.createdBy.id, tokenId: row.id };
}

/** The principal behind a request's Authorization header or session cookie, or null. */
export async function resolvePrincipal(authorization: string | null, sessionCookie: string | undefined): Promise<Principal | null> {
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) return principalFromToken(bearer);
  if (sessionCookie) return principalFromCookie(sessionCookie);
  return null;
}

export function csrfMatches(principal: Principal, sent: string | null): boolean {
  if (!principal.csrfToken || !sent) return false;
  const a = Buffer.from(principal.csrfToken);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}
