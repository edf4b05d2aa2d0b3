// `npm run db:seed`: loads the demo fleet. Makes the secrets key first when there is none.

import fs from 'node:fs';
import path from 'node:path';
import { createPrismaClient } from '@/lib/db/client';
import { env } from '@/lib/env';
import { generateKey } from '@/lib/crypto/secrets';
import { seedDemoFleet } from '@/lib/demo/seed-fleet';

if (!env.secretsKey && !fs.existsSync(env.secretsKeyFile)) {
  fs.mkdirSync(path.dirname(env.secretsKeyFile), { recursive: true });
  fs.writeFileSync(env.secretsKeyFile, `${generateKey()}\n`, { mode: 0o600 });
  console.log(`Generated a secrets key in ${env.secretsKeyFile}`);
}

const prisma = createPrismaClient();
try {
  const { hosts } = await seedDemoFleet(prisma);
  console.log(`Seeded the demo fleet: ${hosts} hosts.`);
} finally {
  await prisma.$disconnect();
}
