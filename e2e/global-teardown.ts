// After every spec has run: the server's whole output must not contain a secret — no demo
// password, iLO password, agent token, API token or password hash.

import fs from 'node:fs';
import { DEMO_USERS } from '../lib/demo/demo-users';
import { E2E_OIDC } from '../playwright.config';

export default function globalTeardown() {
  const port = Number(process.env.E2E_PORT ?? 3210);
  const file = `test-results/server-${port}.log`;
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: the server's output was not captured`);
  const log = fs.readFileSync(file, 'utf8');
  const secrets = [...DEMO_USERS.map((u) => u.password), 'demo-ilo-password', 'demo-agent-token', 'scrypt$', 'sfm_', E2E_OIDC.OIDC_CLIENT_SECRET];
  const leaked = secrets.filter((s) => log.includes(s));
  if (leaked.length > 0) throw new Error(`The server's output contains secrets: ${leaked.join(', ')}`);
  const requests = checkStructuredLog(log);
  console.log(`Checked ${log.split('\n').length} lines of server output: no secret found; ${requests} sign-ins logged with their request's id.`);
}

/**
 * The server's own lines are JSON (Next's and the simulators' are not), and a line written by a
 * route while it handles a request carries that request's id: each audited sign-in names the id
 * of a logged POST /api/auth/login (or, signed in through the identity provider, GET /api/auth/oidc/callback).
 */
function checkStructuredLog(log: string): number {
  const lines = log.split('\n').filter((line) => line.startsWith('{"level"'));
  const parsed = lines.map((line) => {
    try {
      return JSON.parse(line) as { level: string; msg: string; requestId?: string; audit?: string; path?: string; method?: string };
    } catch {
      throw new Error(`A line of the server's log is not JSON: ${line.slice(0, 200)}`);
    }
  });
  const logins = parsed.filter((l) => l.audit === 'login');
  if (logins.length === 0) throw new Error("The server's log has no audited sign-in: the specs sign in, so it should");
  // A local sign-in is POST /api/auth/login; a single sign-on ends at GET /api/auth/oidc/callback.
  const signIn = (l: { method?: string; path?: string }) => (l.method === 'POST' && l.path === '/api/auth/login') || (l.method === 'GET' && l.path === '/api/auth/oidc/callback');
  const loginRequests = new Set(parsed.filter((l) => l.msg === 'request' && signIn(l)).map((l) => l.requestId));
  const unmatched = logins.filter((l) => !l.requestId || !loginRequests.has(l.requestId));
  if (unmatched.length > 0) throw new Error(`${unmatched.length} of ${logins.length} audited sign-ins in the server's log lack the id of their request`);
  return logins.length;
}
