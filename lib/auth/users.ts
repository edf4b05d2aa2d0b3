// Users: creation (CLI, first start, admin API) and what the API may show of them.

import 'server-only';
import type { Prisma } from '@/lib/generated/prisma/client';
import { prisma } from '@/lib/db/client';
import { hashPassword } from './passwords';
import type { Role } from './permissions';

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
