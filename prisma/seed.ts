// `npm run db:seed`: creates the documented demo users when there are none, and the secrets key
// when there is none. Hosts are not seeded: they join by registration (the UI, the API, or
// `npm run demo`, which registers the simulated fleet).

import fs from 'node:fs';
import path from 'node:path';
import { createPrismaClient } from '@/lib/db/client';
import { env } from '@/lib/env';
import { generateKey } from '@/lib/crypto/secrets';
import { seedDemoUsers } from '@/lib/demo/demo-users';

if (!env.secretsKey && !fs.existsSync(env.secretsKeyFile)) {
  fs.mkdirSync(path.dirname(env.secretsKeyFile), { recursive: true });
  fs.writeFileSync(env.secretsKeyFile, `${generateKey()}\n`, { mode: 0o600 });
  console.log(`Generated a secrets key in ${env.secretsKeyFile}`);
}

const prisma = createPrismaClient();
try {
  const users = await seedDemoUsers(prisma);
  console.log(users ? `Created ${users} demo users (see README).` : 'Users exist already: nothing to seed.');
} finally {
  await prisma.$disconnect();
}
