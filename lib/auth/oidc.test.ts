// Single sign-on against a real OpenID Connect provider on loopback (lib/testing/oidc-provider.ts,
// HTTPS with a test CA): the dashboard's start and callback routes run in-process on a real
// database, and a small browser (a cookie jar following redirects) signs in on the provider's own
// pages. Groups map to roles, read again at every sign-in; refusals are audited like a local one's.
// On SQLite and on PostgreSQL (the `postgresql` project).

import fs from 'node:fs';
import { NextRequest } from 'next/server';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateKey } from '@/lib/crypto/secrets';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { startTestIdentityProvider, type TestIdentityProvider } from '@/lib/testing/oidc-provider';
import { OIDC_COOKIE, oidcSettingsProblem, roleForGroups } from './oidc';
import { SESSION_COOKIE } from './constants';

process.env.SECRETS_KEY ??= generateKey();

// NextRequest speaks of loopback as localhost.
const DASHBOARD = 'http://localhost:3999';
const CALLBACK = `${DASHBOARD}/api/auth/oidc/callback`;
/** What a browser sends on a navigation. */
const BROWSER = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
let db: TestDatabase;
let idp: TestIdentityProvider;
let userinfoIdp: TestIdentityProvider;
let dispatcher: Agent;
type Handler = (request: NextRequest, context: unknown) => Promise<Response>;
let start: Handler;
let callback: Handler;

function configure(provider: TestIdentityProvider) {
  Object.assign(process.env, {
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    OIDC_CA_FILE: provider.caFile,
    OIDC_SCOPES: 'openid profile email groups',
    OIDC_NAME: 'Company SSO',
    OIDC_ADMIN_GROUPS: 'fleet-admins',
    OIDC_OPERATOR_GROUPS: 'fleet-ops, noc',
    OIDC_VIEWER_GROUPS: 'staff',
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.url;
  idp = await startTestIdentityProvider({ redirectUris: [CALLBACK] });
  userinfoIdp = await startTestIdentityProvider({ redirectUris: [CALLBACK], groupsIn: 'userinfo' });
  dispatcher = new Agent({ connect: { ca: [fs.readFileSync(idp.caFile, 'utf8'), fs.readFileSync(userinfoIdp.caFile, 'utf8')] } });
  start = ((await import('@/app/api/auth/oidc/start/route')) as unknown as { GET: Handler }).GET;
  callback = ((await import('@/app/api/auth/oidc/callback/route')) as unknown as { GET: Handler }).GET;
}, 60_000);
afterAll(async () => {
  await idp?.close();
  await userinfoIdp?.close();
  await dispatcher?.close();
  await db?.dispose();
});
beforeEach(() => configure(idp));

/** Cookies by name, as a browser keeps them for one site. */
class Jar {
  private readonly cookies = new Map<string, string>();
  take(response: { headers: { getSetCookie(): string[] } }) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  get(name: string) {
    return this.cookies.get(name);
  }
}

/** The provider's pages as a person goes through them: sign in as `login`, then consent. Returns the URL it sends the browser back to. */
async function signInAtProvider(authorizeUrl: string, login: string): Promise<URL> {
  const jar = new Jar();
  let url = authorizeUrl;
  let form: { action: string; body: URLSearchParams } | null = null;
  for (let step = 0; step < 20; step++) {
    const response: Awaited<ReturnType<typeof fetch>> = form
      ? await fetch(new URL(form.action, url), { method: 'POST', body: form.body, headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual', dispatcher })
      : await fetch(url, { headers: { cookie: jar.header() }, redirect: 'manual', dispatcher });
    jar.take(response);
    form = null;
    const location = response.headers.get('location');
    if (location) {
      const next = new URL(location, url);
      if (next.href.startsWith(CALLBACK)) return next;
      url = next.href;
      continue;
    }
    const html: string = await response.text();
    expect(response.status, html.slice(0, 300)).toBe(200);
    const action: string | undefined = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (!action || !prompt) throw new Error(`no sign-in form on the provider's page: ${html.slice(0, 300)}`);
    form = { action, body: new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt }) };
  }
  throw new Error('the provider never sent the browser back');
}

interface Outcome {
  status: number;
  html: string;
  session: string | undefined;
}

/** The whole sign-in: start on the dashboard, the provider's pages, the callback with the start's cookie. */
async function signIn(login: string, next = '/hosts'): Promise<Outcome> {
  const begun = await start(new NextRequest(`${DASHBOARD}/api/auth/oidc/start?next=${encodeURIComponent(next)}`), {});
  expect(begun.status).toBe(303);
  const jar = new Jar();
  jar.take(begun);
  const transaction = jar.get(OIDC_COOKIE);
  expect(transaction).toBeTruthy();
  const authorize = new URL(begun.headers.get('location')!);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('redirect_uri')).toBe(CALLBACK);
  const back = await signInAtProvider(authorize.href, login);
  const answered = await callback(new NextRequest(back, { headers: { ...BROWSER, cookie: `${OIDC_COOKIE}=${transaction}` } }), {});
  jar.take(answered);
  return { status: answered.status, html: await answered.text(), session: jar.get(SESSION_COOKIE) };
}

const auditOf = async (action: string) => db.prisma.auditEvent.findMany({ where: { action }, orderBy: { at: 'asc' }, select: { actor: true, after: true } });

describe('single sign-on (OIDC)', () => {
  it('signs a person in with the role of their highest group, lands on a page of this site that goes on, and audits it', async () => {
    idp.accounts.set('alice', { groups: ['staff', 'fleet-ops'], name: 'Alice Operator', email: 'alice@example.com' });
    const outcome = await signIn('alice', '/hosts?generation=Gen10');
    expect(outcome.status, outcome.html).toBe(200);
    expect(outcome.html).toContain('Signed in as alice (operator)');
    expect(outcome.html).toContain('<meta http-equiv="refresh" content="0;url=/hosts?generation=Gen10">');
    expect(outcome.session).toBeTruthy();
    const user = await db.prisma.user.findUniqueOrThrow({ where: { userName: 'alice' } });
    expect(user).toMatchObject({ role: 'operator', displayName: 'Alice Operator', passwordHash: null, oidcIssuer: idp.issuer, oidcSubject: 'alice' });
    const logins = await auditOf('login');
    expect(logins.at(-1)).toMatchObject({ actor: 'alice' });
    expect(JSON.parse(logins.at(-1)!.after!)).toMatchObject({ method: 'oidc', issuer: idp.issuer, role: 'operator', created: true });

    // The session is a real one: the principal behind the cookie is alice, operator.
    const { resolvePrincipal } = await import('./session');
    expect(await resolvePrincipal(null, outcome.session)).toMatchObject({ name: 'alice', role: 'operator' });
  });

  it('reads the groups again at every sign-in: a new group raises the role, a lost one lowers it', async () => {
    idp.accounts.set('bob', { groups: ['staff'] });
    expect((await signIn('bob')).html).toContain('(viewer)');
    idp.accounts.set('bob', { groups: ['staff', 'fleet-admins'] });
    expect((await signIn('bob')).html).toContain('(admin)');
    idp.accounts.set('bob', { groups: ['noc'] });
    expect((await signIn('bob')).html).toContain('(operator)');
    expect(await db.prisma.user.count({ where: { oidcSubject: 'bob' } })).toBe(1);
    expect(JSON.parse((await auditOf('login')).at(-1)!.after!)).toMatchObject({ role: 'operator', roleBefore: 'admin' });
  });

  it('refuses a person none of whose groups maps to a role, saying which groups came, and audits the refusal', async () => {
    idp.accounts.set('carol', { groups: ['finance'] });
    const outcome = await signIn('carol');
    expect(outcome.status).toBe(403);
    expect(outcome.html).toContain('None of your groups (finance) gives a role on this dashboard');
    expect(outcome.session).toBeUndefined();
    expect(await db.prisma.user.count({ where: { userName: 'carol' } })).toBe(0);
    const failed = (await auditOf('login-failed')).at(-1)!;
    expect(failed.actor).toBe('carol');
    expect(JSON.parse(failed.after!)).toMatchObject({ method: 'oidc' });
  });

  it('knows a person by issuer and subject: a local user of the same name stays another user, and never gets the sign-in', async () => {
    await db.prisma.user.create({ data: { userName: 'dave', role: 'admin', passwordHash: 'scrypt$local' } });
    idp.accounts.set('dave', { groups: ['staff'] });
    const outcome = await signIn('dave');
    expect(outcome.status, outcome.html).toBe(200);
    const host = new URL(idp.issuer).host;
    expect(outcome.html).toContain(`Signed in as dave@${host} (viewer)`);
    expect(await db.prisma.user.findUniqueOrThrow({ where: { userName: 'dave' } })).toMatchObject({ role: 'admin', oidcSubject: null });
  });

  it('refuses a disabled user, and a callback without the start cookie, a changed state or a replayed code', async () => {
    idp.accounts.set('erin', { groups: ['staff'] });
    expect((await signIn('erin')).status).toBe(200);
    await db.prisma.user.update({ where: { userName: 'erin' }, data: { disabled: true } });
    const disabled = await signIn('erin');
    expect(disabled.status).toBe(403);
    expect(disabled.html).toContain('This account is disabled');

    idp.accounts.set('frank', { groups: ['staff'] });
    const begun = await start(new NextRequest(`${DASHBOARD}/api/auth/oidc/start`), {});
    const jar = new Jar();
    jar.take(begun);
    const back = await signInAtProvider(begun.headers.get('location')!, 'frank');
    const withCookie = (url: URL) => new NextRequest(url, { headers: { ...BROWSER, cookie: `${OIDC_COOKIE}=${jar.get(OIDC_COOKIE)}` } });

    const noCookie = await callback(new NextRequest(back, { headers: BROWSER }), {});
    expect(noCookie.status).toBe(400);
    expect(await noCookie.text()).toContain('started more than 10 minutes ago, or in another browser');
    // A client that is not a browser gets the API's error envelope, in the same words.
    const scripted = await callback(new NextRequest(back), {});
    expect(scripted.status).toBe(400);
    expect(await scripted.json()).toMatchObject({ error: { code: 'bad-request', message: expect.stringContaining('started more than 10 minutes ago') } });

    const changed = new URL(back);
    changed.searchParams.set('state', 'another-state');
    expect((await callback(withCookie(changed), {})).status).toBe(401);

    expect((await callback(withCookie(back), {})).status).toBe(200);
    const replayed = await callback(withCookie(back), {});
    expect(replayed.status).toBe(401);
    expect(await replayed.text()).toContain('did not check out');
  });

  it('reads the groups at UserInfo when the ID token carries none', async () => {
    configure(userinfoIdp);
    userinfoIdp.accounts.set('grace', { groups: ['fleet-admins'] });
    const outcome = await signIn('grace');
    expect(outcome.status, outcome.html).toBe(200);
    expect(outcome.html).toContain('(admin)');
  });

  it('lands only on paths of this dashboard', async () => {
    idp.accounts.set('heidi', { groups: ['staff'] });
    expect((await signIn('heidi', 'https://evil.example/')).html).toContain('content="0;url=/"');
    expect((await signIn('heidi', '//evil.example/')).html).toContain('content="0;url=/"');
  });

  it('checks its settings at start, naming the one that is wrong', () => {
    const base: NodeJS.ProcessEnv = { NODE_ENV: 'test', OIDC_ISSUER: 'https://sso.example.com/realms/ops', OIDC_CLIENT_ID: 'fleet', OIDC_CLIENT_SECRET: 's', OIDC_ADMIN_GROUPS: 'ops' };
    expect(oidcSettingsProblem({ NODE_ENV: 'test' })).toBeNull();
    expect(oidcSettingsProblem(base)).toBeNull();
    expect(oidcSettingsProblem({ ...base, OIDC_ISSUER: 'http://sso.example.com' })).toMatch(/^OIDC_ISSUER must be an https:\/\/ URL/);
    expect(oidcSettingsProblem({ ...base, OIDC_ISSUER: 'not a url' })).toMatch(/^OIDC_ISSUER must be/);
    expect(oidcSettingsProblem({ ...base, OIDC_CLIENT_ID: '' })).toMatch(/^OIDC_CLIENT_ID must be set/);
    expect(oidcSettingsProblem({ ...base, OIDC_CLIENT_SECRET: '' })).toMatch(/^OIDC_CLIENT_SECRET/);
    expect(oidcSettingsProblem({ ...base, OIDC_CLIENT_SECRET: '', OIDC_CLIENT_SECRET_FILE: '/nonexistent/secret' })).toMatch(/^OIDC_CLIENT_SECRET_FILE \/nonexistent\/secret cannot be read: ENOENT/);
    expect(oidcSettingsProblem({ ...base, OIDC_ADMIN_GROUPS: ' , ' })).toMatch(/^OIDC_ADMIN_GROUPS, OIDC_OPERATOR_GROUPS or OIDC_VIEWER_GROUPS must name at least one group/);
    expect(oidcSettingsProblem({ NODE_ENV: 'test', OIDC_CLIENT_ID: 'fleet' })).toMatch(/^OIDC_CLIENT_ID is set but OIDC_ISSUER is not/);
    expect(oidcSettingsProblem({ ...base, OIDC_CA_FILE: '/nonexistent/ca.pem' })).toMatch(/^OIDC_CA_FILE/);
    expect(roleForGroups({ groups: { viewer: ['a'], operator: ['b'], admin: ['c'] } }, ['a', 'c'])).toBe('admin');
    expect(roleForGroups({ groups: { viewer: ['a'], operator: [], admin: [] } }, ['z'])).toBeNull();
  });
});
