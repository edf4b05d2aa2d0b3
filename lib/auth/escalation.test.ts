// What a hostile or careless client tried (issue: "close what a hostile or careless client
// finds"): tokens outranking their owner, changing one's own role, demoting the last admin,
// parallel password guesses, and one address's failures locking other people out. Route handlers
// run in-process against a real migrated SQLite.

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '@/lib/crypto/secrets';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { apiRequest, type As } from './testing';

process.env.SECRETS_KEY ??= generateKey();

type Handler = (request: unknown, context: unknown) => Promise<Response>;
let db: TestDatabase;
let routes: {
  users: { GET: Handler; POST: Handler };
  user: { PATCH: Handler };
  tokens: { POST: Handler };
  audit: { GET: Handler };
  login: { POST: Handler };
};
let createUser: typeof import('./users').createUser;
let createSession: typeof import('./session').createSession;

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.url;
  routes = {
    users: (await import('@/app/api/users/route')) as unknown as typeof routes.users,
    user: (await import('@/app/api/users/[id]/route')) as unknown as typeof routes.user,
    tokens: (await import('@/app/api/tokens/route')) as unknown as typeof routes.tokens,
    audit: (await import('@/app/api/audit/route')) as unknown as typeof routes.audit,
    login: (await import('@/app/api/auth/login/route')) as unknown as typeof routes.login,
  };
  ({ createUser } = await import('./users'));
  ({ createSession } = await import('./session'));
});
afterAll(() => db?.dispose());

const call = (handler: Handler, method: string, url: string, who: As, body?: unknown, params: object = {}) =>
  handler(apiRequest(method, url, who, body), { params: Promise.resolve(params) });

let serial = 0;
async function newUser(role: 'viewer' | 'operator' | 'admin', password = 'a-long-enough-password') {
  const user = await createUser({ userName: `user-${++serial}-${role}`, password, role });
  const session = await createSession(user.id, null);
  return { ...user, password, as: { cookie: session.cookie, csrfToken: session.csrfToken } satisfies As };
}

async function tokenFor(owner: { as: As }, role: string): Promise<string> {
  const response = await call(routes.tokens.POST, 'POST', '/api/tokens', owner.as, { name: `t-${++serial}`, role });
  expect(response.status).toBe(201);
  return (await response.json()).token;
}

const setRole = (by: As, id: string, body: object) => call(routes.user.PATCH, 'PATCH', `/api/users/${id}`, by, body, { id });

describe('an API token', () => {
  it('never outranks its owner: an admin demoted to viewer finds their admin token demoted too', async () => {
    const root = await newUser('admin');
    const boss = await newUser('admin');
    const token = await tokenFor(boss, 'admin');
    expect((await call(routes.users.GET, 'GET', '/api/users', { bearer: token })).status).toBe(200);

    expect((await setRole(root.as, boss.id, { role: 'viewer' })).status).toBe(200);
    const users = await call(routes.users.GET, 'GET', '/api/users', { bearer: token });
    expect(users.status).toBe(403);
    expect((await users.json()).error.message).toMatch(/^A viewer may not do this/);
    expect((await call(routes.audit.GET, 'GET', '/api/audit', { bearer: token })).status).toBe(403);
    // The promotion back, with the token made while an admin: refused, and nothing changed.
    expect((await setRole({ bearer: token }, boss.id, { role: 'admin' })).status).toBe(403);
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: boss.id } })).role).toBe('viewer');
  });

  it('cannot change its own owner’s role, even when both are admin', async () => {
    await newUser('admin');
    const owner = await newUser('admin');
    const token = await tokenFor(owner, 'admin');
    const refused = await setRole({ bearer: token }, owner.id, { role: 'viewer' });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.message).toBe('role: you cannot change your own role or disable yourself; another admin must do it.');
    expect((await setRole({ bearer: token }, owner.id, { disabled: true })).status).toBe(403);
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: owner.id } })).role).toBe('admin');
  });

  it('does not create tokens', async () => {
    const owner = await newUser('admin');
    const token = await tokenFor(owner, 'admin');
    expect((await call(routes.tokens.POST, 'POST', '/api/tokens', { bearer: token }, { name: 'child', role: 'admin' })).status).toBe(403);
  });
});

describe('roles', () => {
  it('nobody changes their own role through a session either', async () => {
    const operator = await newUser('operator');
    // user:manage refuses an operator anyway; an admin raising or lowering themselves is refused by rule.
    expect((await setRole(operator.as, operator.id, { role: 'admin' })).status).toBe(403);
    const admin = await newUser('admin');
    expect((await setRole(admin.as, admin.id, { role: 'operator' })).status).toBe(403);
    expect((await setRole(admin.as, admin.id, { displayName: 'Me' })).status).toBe(200);
  });

  // With the self rule, only another admin can demote an admin, so "the last admin" is reached
  // only by two admins acting on each other at the same moment: both checks would pass alone.
  it('two admins demoting (or disabling) each other at the same moment: exactly one wins, an admin is left', async () => {
    for (let round = 0; round < 12; round++) {
      const change = [{ role: 'viewer' }, { disabled: true }, { role: 'operator' }][round % 3]!;
      await db.prisma.user.updateMany({ where: { role: 'admin' }, data: { disabled: true } });
      const a = await newUser('admin');
      const b = await newUser('admin');
      const [ab, ba] = await Promise.all([setRole(a.as, b.id, change), setRole(b.as, a.id, change)]);
      const statuses = [ab.status, ba.status].sort();
      // The loser is refused by the last-admin rule (409) or, when the winner's change ended
      // its session first, as signed out (401): never both accepted.
      expect([[200, 401], [200, 409]], JSON.stringify(change)).toContainEqual(statuses);
      const loser = ab.status === 200 ? ba : ab;
      if (loser.status === 409) expect((await loser.json()).error.message).toMatch(/the last enabled admin; make another user admin first/);
      expect(await db.prisma.user.count({ where: { role: 'admin', disabled: false } })).toBe(1);
    }
  });

  it('the change itself never leaves no enabled admin, whatever the caller checked before', async () => {
    const { updateUser } = await import('./users');
    await db.prisma.user.updateMany({ where: { role: 'admin' }, data: { disabled: true } });
    const a = await newUser('admin');
    const b = await newUser('admin');
    // Both at once, as two requests whose checks both passed would call it.
    const results = await Promise.all([updateUser(a.id, { role: 'viewer' }), updateUser(b.id, { disabled: true })]);
    expect(results.map((r) => r.ok).sort()).toEqual([false, true]);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, message: 'this is the last enabled admin; make another user admin first.' });
    const survivor = await db.prisma.user.findFirstOrThrow({ where: { role: 'admin', disabled: false } });
    expect(await updateUser(survivor.id, { role: 'operator' })).toMatchObject({ ok: false });
    expect(await updateUser(survivor.id, { displayName: 'Still admin' })).toMatchObject({ ok: true });
    expect(await db.prisma.user.count({ where: { role: 'admin', disabled: false } })).toBe(1);
  });
});

describe('sign-in throttling', () => {
  const login = (userName: string, password: string, address: string) => call(routes.login.POST, 'POST', '/api/auth/login', { address }, { userName, password });
  const evaluated = (userName: string) => db.prisma.auditEvent.count({ where: { actor: userName, action: { in: ['login', 'login-failed', 'login-locked'] } } });

  it('30 wrong passwords and the right one at the same moment: at most 10 are ever checked', async () => {
    const target = await newUser('operator', 'the-right-password-1');
    const guesses = [...Array.from({ length: 30 }, (_, i) => `wrong-${i}`), 'the-right-password-1'];
    const answers = await Promise.all(guesses.map((password, i) => login(target.userName, password, `203.0.113.${i + 1}`)));
    expect(await evaluated(target.userName)).toBeLessThanOrEqual(10);
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(21);
    expect(statuses.every((s) => [200, 401, 429].includes(s))).toBe(true);
    // Whichever way the race went, the lock now holds for everyone, the right password included.
    const after = await login(target.userName, 'the-right-password-1', '203.0.113.99');
    if (!statuses.includes(200)) expect(after.status).toBe(429);
  });

  it('failures on made-up names never lock a real user out of the same address', async () => {
    const admin = await newUser('admin', 'admins-own-password');
    for (let i = 0; i < 20; i++) expect((await login(`nobody-${i}`, 'guess', '198.51.100.7')).status).toBe(401);
    expect((await login(admin.userName, 'admins-own-password', '198.51.100.7')).status).toBe(200);
  });

  it('an address past its much higher limit waits (429, Retry-After); other addresses do not', async () => {
    process.env.LOGIN_ADDRESS_LIMIT = '25';
    try {
      const admin = await newUser('admin', 'admins-own-password');
      const answers: number[] = [];
      for (let i = 0; i < 25; i++) answers.push((await login(`stuffed-${i}`, 'guess', '198.51.100.8')).status);
      expect(answers.every((s) => s === 401)).toBe(true);
      const held = await login(admin.userName, 'admins-own-password', '198.51.100.8');
      expect(held.status).toBe(429);
      expect(Number(held.headers.get('retry-after'))).toBeGreaterThan(60);
      expect((await held.json()).error.message).toMatch(/for this address/);
      expect((await login(admin.userName, 'admins-own-password', '198.51.100.9')).status).toBe(200);
    } finally {
      delete process.env.LOGIN_ADDRESS_LIMIT;
    }
  });

  it('the break-glass unlock on the command line lifts a user name’s lock, audited', async () => {
    const locked = await newUser('admin', 'admins-own-password');
    for (let i = 0; i < 10; i++) await login(locked.userName, `wrong-${i}`, `192.0.2.${100 + i}`);
    expect((await login(locked.userName, 'admins-own-password', '192.0.2.200')).status).toBe(429);
    const root = path.resolve(import.meta.dirname, '..', '..');
    const out = execFileSync(path.join(root, 'node_modules', '.bin', 'tsx'), ['--conditions=react-server', 'scripts/user-unlock.ts', '--user', locked.userName], { cwd: root, env: { ...process.env, DATABASE_URL: db.url }, encoding: 'utf8' });
    expect(out).toBe(`Unlocked user:${locked.userName}.\n`);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'login-unlock', targetId: locked.userName } });
    expect(audit.actor).toMatch(/^cli:/);
    expect((await login(locked.userName, 'admins-own-password', '192.0.2.200')).status).toBe(200);
  });
});

describe('cross-site requests', () => {
  const withHeaders = (request: Request, headers: Record<string, string>) => {
    for (const [k, v] of Object.entries(headers)) request.headers.set(k, v);
    return request;
  };

  it('are refused by Origin or Sec-Fetch-Site even with the right CSRF token; same-origin ones pass', async () => {
    const admin = await newUser('admin');
    const create = (headers: Record<string, string>, userName: string) =>
      routes.users.POST(withHeaders(apiRequest('POST', '/api/users', admin.as, { userName, role: 'viewer', password: 'a-long-enough-password' }), headers), { params: Promise.resolve({}) });
    const evil = await create({ origin: 'https://evil.example' }, 'cross-one');
    expect(evil.status).toBe(403);
    expect((await evil.json()).error.message).toMatch(/^Cross-site request refused: Origin https:\/\/evil.example is not http:\/\/localhost:3000/);
    expect((await create({ 'sec-fetch-site': 'cross-site' }, 'cross-two')).status).toBe(403);
    expect(await db.prisma.user.count({ where: { userName: { in: ['cross-one', 'cross-two'] } } })).toBe(0);
    expect((await create({ origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin' }, 'same-one')).status).toBe(201);
  });

  it('a sign-in posted from another site is refused before the password is looked at', async () => {
    const response = await routes.login.POST(withHeaders(apiRequest('POST', '/api/auth/login', {}, { userName: 'x', password: 'y' }), { origin: 'https://evil.example' }), { params: Promise.resolve({}) });
    expect(response.status).toBe(403);
    expect(await db.prisma.auditEvent.count({ where: { actor: 'x' } })).toBe(0);
  });
});

describe('one strict rule for every route', () => {
  it('numbers in a query are decimal digits; unknown parameters are refused by every route; JSON bodies need application/json', async () => {
    const viewer = await newUser('viewer');
    const hosts = (await import('@/app/api/hosts/route')) as unknown as { GET: Handler };
    const summary = (await import('@/app/api/fleet/summary/route')) as unknown as { GET: Handler };
    for (const bad of ['0x10', '1e1', ' 5', '5.0', '-1']) {
      const response = await call(hosts.GET, 'GET', `/api/hosts?pageSize=${encodeURIComponent(bad)}`, viewer.as);
      expect(response.status, bad).toBe(400);
      expect((await response.json()).error.message, bad).toMatch(/^pageSize: /);
    }
    expect((await call(hosts.GET, 'GET', '/api/hosts?pageSize=10', viewer.as)).status).toBe(200);
    const unknown = await call(summary.GET, 'GET', '/api/fleet/summary?verbose=1', viewer.as);
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.message).toBe('verbose: unknown query parameter (this endpoint takes none)');
    expect((await call(hosts.GET, 'GET', '/api/hosts?verbose=1', viewer.as)).status).toBe(400);

    const plain = apiRequest('POST', '/api/auth/login', {}, { userName: 'x', password: 'y' });
    plain.headers.set('content-type', 'text/plain');
    const refused = await routes.login.POST(plain, { params: Promise.resolve({}) });
    expect(refused.status).toBe(415);
    expect((await refused.json()).error).toEqual({ code: 'unsupported-media-type', message: 'Content-Type: send the body as application/json (got "text/plain").' });
  });
});
