// Users: creation (CLI, first start, admin API) and what the API may show of them.

import 'server-only';
import type { Prisma } from '@/lib/generated/prisma/client';
import { prisma } from '@/lib/db/client';
import { hashPassword } from './passwords';
import type { Role } from './permissions';
import { serializable } from '@/lib/db/serializable';

/** Never passwordHash. */
export const userSelect = {
  id: true,
  userName: true,
  displayName: true,
  role: true,
  disabled: true,
  createdAt: true,
  lastLoginAt: true,
} satisfies Prisma.UserSelect;

export async function createUser(input: { userName: string; password: string; role: Role; displayName?: string | null }) {
  return prisma.user.create({
    data: { userName: input.userName, displayName: input.displayName ?? null, role: input.role, passwordHash: await hashPassword(input.password) },
    select: userSelect,
  });
}

/**
 * First start: when no user exists and FLEET_ADMIN_USER / FLEET_ADMIN_PASSWORD are set, create
 * that admin. Returns the user name created, or null.
 */
export async function bootstrapAdminFromEnv(): Promise<string | null> {
  const userName = process.env.FLEET_ADMIN_USER;
  const password = process.env.FLEET_ADMIN_PASSWORD;
  if (!userName || !password) return null;
  if ((await prisma.user.count()) > 0) return null;
  await createUser({ userName, password, role: 'admin' });
  return userName;
}

export interface UserChanges {
  role?: Role;
  disabled?: boolean;
  displayName?: string | null;
  password?: string;
}

class LastAdminError extends Error {}

/**
 * Changes a user, and never leaves the dashboard without an enabled admin: the count is taken
 * inside the same serializable transaction as the change, so two admins demoting each other at
 * once cannot both succeed (SQLite runs such transactions one at a time; PostgreSQL aborts one,
 * which runs again and finds the other's change). A changed role, a disabled account or a new password ends
 * the user's sessions.
 */
export async function updateUser(id: string, changes: UserChanges): Promise<{ ok: true; user: Prisma.UserGetPayload<{ select: typeof userSelect }> } | { ok: false; message: string }> {
  const { password, ...rest } = changes;
  const passwordHash = password ? await hashPassword(password) : undefined;
  try {
    const user = await serializable(prisma, async (tx) => {
      const before = await tx.user.findUniqueOrThrow({ where: { id }, select: { role: true, disabled: true } });
      const updated = await tx.user.update({ where: { id }, data: { ...rest, ...(passwordHash ? { passwordHash } : {}) }, select: userSelect });
      const losesAdmin = before.role === 'admin' && !before.disabled && (updated.role !== 'admin' || updated.disabled);
      if (losesAdmin && (await tx.user.count({ where: { role: 'admin', disabled: false } })) === 0) throw new LastAdminError();
      if (rest.role || rest.disabled || passwordHash) await tx.session.deleteMany({ where: { userId: id } });
      return updated;
    });
    return { ok: true, user };
  } catch (error) {
    if (error instanceof LastAdminError) return { ok: false, message: 'this is the last enabled admin; make another user admin first.' };
    throw error;
  }
}

/** Never tokenHash. */
export const tokenSelect = {
  id: true,
  name: true,
  prefix: true,
  role: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
  createdBy: { select: { userName: true } },
} satisfies Prisma.ApiTokenSelect;

export type OidcUserOutcome =
  | { ok: true; user: { id: string; userName: string; role: Role }; roleBefore: string | null }
  | { ok: false; reason: string; userName: string };

/**
 * The user an identity provider's sign-in is: found by issuer and subject, its role and name as
 * the provider says now; or created, with no password (it can never sign in locally), under the
 * provider's user name, or that name and the provider's host when a local user holds the name.
 */
export async function oidcUser(identity: { issuer: string; subject: string; preferredName: string; displayName: string | null; role: Role }): Promise<OidcUserOutcome> {
  const existing = await prisma.user.findUnique({ where: { oidcIssuer_oidcSubject: { oidcIssuer: identity.issuer, oidcSubject: identity.subject } }, select: { id: true, userName: true, role: true, disabled: true } });
  if (existing) {
    if (existing.disabled) return { ok: false, reason: 'This account is disabled: ask an admin.', userName: existing.userName };
    const user = await prisma.user.update({
      where: { id: existing.id },
      data: { role: identity.role, lastLoginAt: new Date(), ...(identity.displayName ? { displayName: identity.displayName } : {}) },
      select: { id: true, userName: true, role: true },
    });
    return { ok: true, user: { ...user, role: identity.role }, roleBefore: existing.role };
  }
  const host = new URL(identity.issuer).host;
  const names = [identity.preferredName, `${identity.preferredName}@${host}`, `${identity.preferredName}@${host}#${identity.subject.slice(0, 12)}`];
  for (const userName of names) {
    if (await prisma.user.findUnique({ where: { userName }, select: { id: true } })) continue;
    const user = await prisma.user.create({
      data: { userName, displayName: identity.displayName, role: identity.role, passwordHash: null, oidcIssuer: identity.issuer, oidcSubject: identity.subject, lastLoginAt: new Date() },
      select: { id: true, userName: true },
    });
    return { ok: true, user: { ...user, role: identity.role }, roleBefore: null };
  }
  return { ok: false, reason: `The user names ${names.join(', ')} are all taken by other users: ask an admin to rename one.`, userName: identity.preferredName };
}
