// `npm run db:seed`: loads the demo fleet. Makes the secrets key first when there is none.

import fs from 'node:fs';
import path from 'node:path';
import { createPrismaClient } from '@/lib/db/client';
import { env } from '@/lib/env';
import { generateKey } from '@/lib/crypto/secrets';
import { seedDemoFleet } from '@/lib/demo/seed-fleet';
import { seedDemoUsers } from '@/lib/demo/demo-users';

if (!env.secretsKey && !fs.existsSync(env.secretsKeyFile)) {
  fs.mkdirSync(path.dirname(env.secretsKeyFile), { recursive: true });
  fs.writeFileSync(env.secretsKeyFile, `${generateKey()}\n`, { mode: 0o600 });
  console.log(`Generated a secrets key in ${env.secretsKeyFile}`);
}

const prisma = createPrismaClient();
try {
  const { hosts } = await seedDemoFleet(prisma);
  const users = await seedDemoUsers(prisma);
  console.log(`Seeded the demo fleet: ${hosts} hosts${users ? `, ${users} demo users (see README)` : ''}.`);
} finally {
  await prisma.$disconnect();
}
