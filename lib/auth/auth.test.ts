// The permission matrix over every API route, sign-in throttling, CSRF, API tokens, and that no
// response carries a secret. Route handlers run in-process against a real migrated SQLite.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '@/lib/crypto/secrets';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { DEMO_USERS, seedDemoUsers } from '@/lib/demo/demo-users';
import { seedDemoFleet } from '@/lib/demo/seed-fleet';
import { allows, ROLES, type Permission, type Role } from './permissions';
import { apiRequest, concretePath, enumerateApiRoutes, type As } from './testing';

process.env.SECRETS_KEY ??= generateKey();

const root = path.resolve(import.meta.dirname, '..', '..');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Handler = ((request: unknown, context: unknown) => Promise<Response>) & { permission?: Permission };

let db: TestDatabase;
let createSession: typeof import('./session').createSession;
const userIds = new Map<Role, string>();
const bodies: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  // Route modules open the shared client on first import: point it at this test's database.
  process.env.DATABASE_URL = db.url;
  await seedDemoFleet(db.prisma);
  await seedDemoUsers(db.prisma);
  for (const u of DEMO_USERS) userIds.set(u.role, (await db.prisma.user.findUniqueOrThrow({ where: { userName: u.userName } })).id);
  ({ createSession } = await import('./session'));
});
afterAll(() => db?.dispose());

async function as(role: Role): Promise<As> {
  const session = await createSession(userIds.get(role)!, null);
  return { cookie: session.cookie, csrfToken: session.csrfToken };
}

async function call(handler: Handler, method: string, url: string, params: object, who: As, body?: unknown) {
  const response = await handler(apiRequest(method, url, who, body), { params: Promise.resolve(params) });
  bodies.push(await response.clone().text());
  return response;
}

describe('every API route, as anonymous, viewer, operator and admin', () => {
  const routes = enumerateApiRoutes(root);

  it('finds the routes in app/api', () => {
    expect(routes.map((r) => r.pattern)).toEqual(expect.arrayContaining(['/api/hosts', '/api/hosts/[id]', '/api/fleet/summary', '/api/auth/login', '/api/users', '/api/tokens', '/api/audit']));
  });

  for (const r of routes) {
    it(`${r.pattern}: declares a permission and enforces it`, async () => {
      const mod = (await import(r.file)) as Record<string, Handler>;
      const handlers = METHODS.filter((m) => typeof mod[m] === 'function');
      expect(handlers.length, `${r.pattern} exports no handler`).toBeGreaterThan(0);
      const { url, params } = concretePath(r.pattern);
      for (const method of handlers) {
        const handler = mod[method]!;
        expect(handler.permission, `${method} ${r.pattern} is not wrapped with route(permission, ...)`).toBeDefined();
        const permission = handler.permission!;
        const body = method === 'GET' || method === 'DELETE' ? undefined : {};

        const anonymous = await call(handler, method, url, params, {}, body);
        if (permission === 'public') expect(anonymous.status, `${method} ${r.pattern} anonymous`).not.toBe(401);
        else expect(anonymous.status, `${method} ${r.pattern} anonymous`).toBe(401);

        for (const role of ROLES) {
          const response = await call(handler, method, url, params, await as(role), body);
          const label = `${method} ${r.pattern} as ${role} (${permission})`;
          if (allows(role, permission)) expect([401, 403], label).not.toContain(response.status);
          else {
            expect(response.status, label).toBe(403);
            expect((await response.json()).error.message, label).toMatch(/needs the .*role/);
          }
        }
      }
    });
  }

  it('refusals are audited with who asked', async () => {
    const { POST } = (await import('@/app/api/tokens/route')) as unknown as { POST: Handler };
    await call(POST, 'POST', '/api/tokens', {}, await as('viewer'), { name: 'x', role: 'admin' });
    const denied = await db.prisma.auditEvent.findFirst({ where: { action: 'denied', actor: 'viewer', targetId: 'POST /api/tokens' }, orderBy: { at: 'desc' } });
    expect(denied).toMatchObject({ sourceAddress: '192.0.2.10' });
  });
});

describe('CSRF', () => {
  it('refuses a browser-session change without the token, and accepts it with it', async () => {
    const { POST } = (await import('@/app/api/users/route')) as unknown as { POST: Handler };
    const admin = await as('admin');
    const newUser = { userName: 'csrf-check', role: 'viewer', password: 'a-long-enough-password' };
    const without = await call(POST, 'POST', '/api/users', {}, { cookie: admin.cookie }, newUser);
    expect(without.status).toBe(403);
    expect((await without.json()).error.message).toMatch(/CSRF/);
    expect(await db.prisma.user.count({ where: { userName: 'csrf-check' } })).toBe(0);

    const wrong = await call(POST, 'POST', '/api/users', {}, { cookie: admin.cookie, csrfToken: 'x'.repeat(32) }, newUser);
    expect(wrong.status).toBe(403);

    const withToken = await call(POST, 'POST', '/api/users', {}, admin, newUser);
    expect(withToken.status).toBe(201);
  });
});

describe('API tokens', () => {
  let viewerToken: string;

  it('are shown once, stored hashed, and scoped to a role', async () => {
    const { POST } = (await import('@/app/api/tokens/route')) as unknown as { POST: Handler };
    const response = await call(POST, 'POST', '/api/tokens', {}, await as('admin'), { name: 'monitoring', role: 'viewer' });
    expect(response.status).toBe(201);
    const created = await response.json();
    viewerToken = created.token;
    expect(viewerToken).toMatch(/^sfm_/);
    const row = await db.prisma.apiToken.findFirstOrThrow({ where: { name: 'monitoring' } });
    expect(row.tokenHash).not.toContain(viewerToken);
    expect(JSON.stringify(row)).not.toContain(viewerToken);

    const { GET } = (await import('@/app/api/tokens/route')) as unknown as { GET: Handler };
    expect(await (await call(GET, 'GET', '/api/tokens', {}, await as('admin'))).text()).not.toContain(viewerToken);
  });

  it('a viewer token reads the inventory and gets 403 on admin routes, with no CSRF needed', async () => {
    const hosts = (await import('@/app/api/hosts/route')) as unknown as { GET: Handler };
    expect((await call(hosts.GET, 'GET', '/api/hosts', {}, { bearer: viewerToken })).status).toBe(200);
    const users = (await import('@/app/api/users/route')) as unknown as { POST: Handler };
    const refused = await call(users.POST, 'POST', '/api/users', {}, { bearer: viewerToken }, { userName: 'via-token', role: 'admin', password: 'a-long-enough-password' });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.message).toMatch(/viewer may not/);
  });

  it('a viewer token gets 403 on assign, BIOS and power, each refusal audited, and nothing is queued', async () => {
    const vf = await db.prisma.virtualFunction.findFirstOrThrow({ where: { assignment: null }, select: { id: true, hostId: true } });
    const vm = await db.prisma.virtualMachine.findFirstOrThrow({ where: { hostId: vf.hostId }, select: { id: true } });
    const assignment = (await import('@/app/api/vfs/[id]/assignment/route')) as unknown as { POST: Handler };
    const bios = (await import('@/app/api/hosts/[id]/bios/route')) as unknown as { PATCH: Handler };
    const power = (await import('@/app/api/hosts/[id]/power/route')) as unknown as { POST: Handler };
    const attempts: [Handler, string, string, object, unknown][] = [
      [assignment.POST, 'POST', `/api/vfs/${vf.id}/assignment`, { id: vf.id }, { vmId: vm.id }],
      [bios.PATCH, 'PATCH', `/api/hosts/${vf.hostId}/bios`, { id: vf.hostId }, { attributes: { Sriov: 'Enabled' } }],
      [power.POST, 'POST', `/api/hosts/${vf.hostId}/power`, { id: vf.hostId }, { action: 'reset' }],
    ];
    for (const [handler, method, url, params, body] of attempts) {
      const refused = await call(handler, method, url, params, { bearer: viewerToken }, body);
      expect(refused.status, url).toBe(403);
      expect((await refused.json()).error.message).toMatch(/viewer may not do this/);
      expect(await db.prisma.auditEvent.findFirst({ where: { action: 'denied', actor: 'token:monitoring', targetId: `${method} ${url}` } }), url).not.toBeNull();
    }
    expect(await db.prisma.operation.count()).toBe(0);
  });

  it('a viewer signed in is refused an assign, and the refusal is audited with the route', async () => {
    const vf = await db.prisma.virtualFunction.findFirstOrThrow({ where: { assignment: null }, select: { id: true, hostId: true } });
    const vm = await db.prisma.virtualMachine.findFirstOrThrow({ where: { hostId: vf.hostId }, select: { id: true } });
    const { POST } = (await import('@/app/api/vfs/[id]/assignment/route')) as unknown as { POST: Handler };
    const refused = await call(POST, 'POST', `/api/vfs/${vf.id}/assignment`, { id: vf.id }, await as('viewer'), { vmId: vm.id });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.message).toBe('A viewer may not do this (vf:assign); it needs the operator or admin role.');
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'denied', actor: 'viewer', targetId: `POST /api/vfs/${vf.id}/assignment` } });
    expect(JSON.parse(audit.after!)).toEqual({ permission: 'vf:assign', role: 'viewer' });
    expect(await db.prisma.assignment.findUnique({ where: { vfId: vf.id } })).toBeNull();
  });

  it('stop working once revoked', async () => {
    const row = await db.prisma.apiToken.findFirstOrThrow({ where: { name: 'monitoring' } });
    const { DELETE } = (await import('@/app/api/tokens/[id]/route')) as unknown as { DELETE: Handler };
    expect((await call(DELETE, 'DELETE', `/api/tokens/${row.id}`, { id: row.id }, await as('admin'))).status).toBe(204);
    const hosts = (await import('@/app/api/hosts/route')) as unknown as { GET: Handler };
    expect((await call(hosts.GET, 'GET', '/api/hosts', {}, { bearer: viewerToken })).status).toBe(401);
  });
});

describe('sign-in', () => {
  it('sets an http-only, SameSite cookie and logs the session out again', async () => {
    const { POST: login } = (await import('@/app/api/auth/login/route')) as unknown as { POST: Handler };
    const response = await call(login, 'POST', '/api/auth/login', {}, {}, { userName: 'operator', password: 'demo-operator-password' });
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/sfm_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const { csrfToken } = await response.json();
    const sealed = cookie.match(/sfm_session=([^;]+)/)![1]!;

    const { POST: logout } = (await import('@/app/api/auth/logout/route')) as unknown as { POST: Handler };
    expect((await call(logout, 'POST', '/api/auth/logout', {}, { cookie: sealed, csrfToken })).status).toBe(204);
    const { GET: session } = (await import('@/app/api/auth/session/route')) as unknown as { GET: Handler };
    expect((await call(session, 'GET', '/api/auth/session', {}, { cookie: sealed })).status).toBe(401);
  });

  it('throttles: 10 failed sign-ins answer 429, are audited, and lock out even the right password', async () => {
    const { POST: login } = (await import('@/app/api/auth/login/route')) as unknown as { POST: Handler };
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push((await call(login, 'POST', '/api/auth/login', {}, {}, { userName: 'viewer', password: `wrong-${i}` })).status);
    }
    expect(statuses.slice(0, 9).every((s) => s === 401)).toBe(true);
    expect(statuses[9]).toBe(429);
    const right = await call(login, 'POST', '/api/auth/login', {}, {}, { userName: 'viewer', password: 'demo-viewer-password' });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(await db.prisma.auditEvent.count({ where: { actor: 'viewer', action: 'login-failed' } })).toBe(9);
    expect(await db.prisma.auditEvent.count({ where: { actor: 'viewer', action: 'login-locked' } })).toBe(1);
    expect(await db.prisma.auditEvent.count({ where: { actor: 'viewer', action: 'login-throttled' } })).toBe(1);
  }, 30_000);

  it('gives 400 naming the field for a malformed body', async () => {
    const { POST: login } = (await import('@/app/api/auth/login/route')) as unknown as { POST: Handler };
    const response = await call(login, 'POST', '/api/auth/login', {}, {}, { userName: 'x' });
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toMatch(/^password:/);
  });
});

describe('secrets', () => {
  it('never appear in any response of this suite', () => {
    expect(bodies.length).toBeGreaterThan(50);
    const all = bodies.join('\n');
    for (const user of DEMO_USERS) expect(all).not.toContain(user.password);
    expect(all).not.toMatch(/demo-ilo-password|demo-agent-token|scrypt\$|passwordHash|passwordEnc|agentTokenEnc|tokenHash/);
  });
});

describe('a unique-constraint race', () => {
  it('answers 409 in the envelope, not 500', async () => {
    const { route } = await import('./guard');
    const { prisma } = await import('@/lib/db/client');
    // Two creations of one user name: what two admins submitting the same form at once do.
    const handler = route('user:manage', async () => {
      const data = { userName: 'race-twice', role: 'viewer', passwordHash: 'x' };
      await prisma.user.create({ data });
      await prisma.user.create({ data });
      return new Response(null, { status: 201 });
    }) as unknown as Handler;
    const response = await call(handler, 'POST', '/api/users', {}, await as('admin'), {});
    expect(response.status).toBe(409);
    expect((await response.json()).error.code).toBe('conflict');
  });
});
