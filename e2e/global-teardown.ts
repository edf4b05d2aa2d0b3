// After every spec has run: the server's whole output must not contain a secret — no demo
// password, iLO password, agent token, API token or password hash.

import fs from 'node:fs';
import { DEMO_USERS } from '../lib/demo/demo-users';

export default function globalTeardown() {
  const port = Number(process.env.E2E_PORT ?? 3210);
  const file = `test-results/server-${port}.log`;
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: the server's output was not captured`);
  const log = fs.readFileSync(file, 'utf8');
  const secrets = [...DEMO_USERS.map((u) => u.password), 'demo-ilo-password', 'demo-agent-token', 'scrypt$', 'sfm_'];
  const leaked = secrets.filter((s) => log.includes(s));
  if (leaked.length > 0) throw new Error(`The server's output contains secrets: ${leaked.join(', ')}`);
  console.log(`Checked ${log.split('\n').length} lines of server output: no secret found.`);
}
