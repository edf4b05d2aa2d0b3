// `npm run user:create -- --user alice --role operator --password-file /run/secrets/alice`
// `npm run user:create -- --admin --user root-admin` (password read from standard input)
// Creates a dashboard user. The password never appears on the command line.

import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { passwordProblem } from '@/lib/auth/passwords';
import { isRole } from '@/lib/auth/permissions';
import { createUser } from '@/lib/auth/users';
import { prisma } from '@/lib/db/client';

const { values } = parseArgs({
  options: {
    user: { type: 'string' },
    role: { type: 'string' },
    admin: { type: 'boolean' },
    'display-name': { type: 'string' },
    'password-file': { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(`user:create: ${message}`);
  process.exit(2);
}

const role = values.admin ? 'admin' : (values.role ?? 'viewer');
if (!values.user) fail('--user NAME is required');
if (!isRole(role)) fail(`--role must be viewer, operator or admin (got "${role}")`);

const password = (values['password-file'] ? fs.readFileSync(values['password-file'], 'utf8') : fs.readFileSync(0, 'utf8')).replace(/\r?\n$/, '');
const problem = passwordProblem(password);
if (problem) fail(`password ${problem}`);

try {
  if (await prisma.user.findUnique({ where: { userName: values.user }, select: { id: true } })) fail(`user "${values.user}" already exists`);
  const user = await createUser({ userName: values.user, password, role, displayName: values['display-name'] ?? null });
  console.log(`Created ${user.role} "${user.userName}".`);
} finally {
  await prisma.$disconnect();
}
