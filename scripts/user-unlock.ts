// `npm run user:unlock -- --user root-admin [--address 10.1.2.3]`
// Break-glass: lifts the sign-in lock on a user name (and on an address, when given) for an
// admin locked out of their own dashboard. Run on the server with access to its database; the
// unlock is written to the audit log with the operating-system user who ran it.

import os from 'node:os';
import { parseArgs } from 'node:util';
import { recordAudit } from '@/lib/audit';
import { unlock } from '@/lib/auth/throttle';
import { prisma } from '@/lib/db/client';

const { values } = parseArgs({ options: { user: { type: 'string' }, address: { type: 'string' } } });

function fail(message: string): never {
  console.error(`user:unlock: ${message}`);
  process.exit(2);
}

if (!values.user) fail('--user NAME is required');

try {
  const cleared = await unlock(values.user, values.address);
  await recordAudit({
    actor: `cli:${os.userInfo().username}`,
    action: 'login-unlock',
    targetType: 'user',
    targetId: values.user,
    after: { cleared, ...(values.address ? { address: values.address } : {}) },
  });
  console.log(cleared.length ? `Unlocked ${cleared.join(', ')}.` : `Nothing was locked for "${values.user}"${values.address ? ` or ${values.address}` : ''}; recorded anyway.`);
} finally {
  await prisma.$disconnect();
}
