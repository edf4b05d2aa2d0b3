// The demo's users, one per role. Documented in README.md; never use these outside a demo.

import type { PrismaClient } from '@/lib/generated/prisma/client';
import { hashPassword } from '@/lib/auth/passwords';
import type { Role } from '@/lib/auth/permissions';

export const DEMO_USERS: { userName: string; password: string; role: Role; displayName: string }[] = [
  { userName: 'admin', password: 'demo-admin-password', role: 'admin', displayName: 'Demo admin' },
  { userName: 'operator', password: 'demo-operator-password', role: 'operator', displayName: 'Demo operator' },
  { userName: 'viewer', password: 'demo-viewer-password', role: 'viewer', displayName: 'Demo viewer' },
];

/** Creates the demo users that do not exist yet; leaves other users alone. */
export async function seedDemoUsers(prisma: PrismaClient): Promise<number> {
  let created = 0;
  for (const user of DEMO_USERS) {
    if (await prisma.user.findUnique({ where: { userName: user.userName }, select: { id: true } })) continue;
    await prisma.user.create({ data: { userName: user.userName, displayName: user.displayName, role: user.role, passwordHash: await hashPassword(user.password) } });
    created++;
  }
  return created;
}
