// The bad-input campaign: every route and method under app/api, as every role and credential
// kind, sent what a hostile or careless client sends (malformed JSON, wrong types, unknown and
// prototype fields, huge and deeply nested bodies, bad ids, bad query values, wrong methods and
// content types), against the real server process. Every request is malformed by construction,
// so every answer must be a 4xx in the envelope; the database must be exactly as before, row by
// row, apart from audit events, sign-in throttle rows and last-used / last-seen times.

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '@/lib/demo/demo-users';
import { enumerateApiRoutes } from '@/lib/auth/testing';
import type { Permission } from '@/lib/auth/permissions';
import { ROOT, send, startStack, type Answer, type Credentials, type RawRequest, type Stack } from './stack';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Guarded = ((...args: unknown[]) => unknown) & { permission: Permission; readsQuery: boolean; readsBody: boolean };

let stack: Stack;
let credentials: Credentials[];
const secrets: string[] = [];

beforeAll(async () => {
  // No poller and no worker: a malformed request that were accepted would stay visible as a
  // queued operation, and nothing else writes to the database meanwhile.
  stack = await startStack({ profiles: ['dl380-gen10', 'dl385-gen10-plus-v2'], namePrefix: 'campaign-', env: { FLEET_BACKGROUND: 'off', REQUEST_TIMEOUT_MS: '2000' } });
  // Some VFs, so VF routes have a real target.
  const agent = stack.sims.hosts[0]!.member.host.agent;
  const pf = (await agent.inventory()).pfs.find((p) => p.totalVfs >= 4)!;
  await agent.setNumVfs(pf.address, 4);
  const { syncHost } = await import('@/lib/sync/sync-host');
  for (const id of stack.hostIds.values()) await syncHost(id);
  const admin = await stack.signIn('admin', '127.0.0.2');
  credentials = [
    { label: 'anonymous', headers: {} },
    await stack.signIn('viewer', '127.0.0.3'),
    await stack.signIn('operator', '127.0.0.4'),
    admin,
    await stack.token('viewer', admin),
    await stack.token('operator', admin),
    await stack.token('admin', admin),
  ];
  secrets.push(...DEMO_USERS.map((u) => u.password), stack.sims.token, ...stack.sims.hosts.map((h) => h.ilo.password));
  for (const c of credentials) secrets.push(...Object.values(c.headers).map((v) => v.replace(/^Bearer /, '')).filter((v) => v.length > 20));
}, 120_000);
afterAll(() => stack?.close());

/** Every table, every row, minus what a refused request may legitimately touch. */
async function snapshot(): Promise<Record<string, unknown[]>> {
  const tables = await stack.db.prisma.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'`);
  const skipTables = new Set(['AuditEvent', 'LoginThrottle']);
  const skipColumns = new Set(['lastSeenAt', 'lastUsedAt', 'expiresAt']);
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) {
    if (skipTables.has(name)) continue;
    const rows = await stack.db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${name}" ORDER BY 1`);
    out[name] = rows.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !skipColumns.has(k))));
  }
  return out;
}

const BAD_IDS = [
  '..%2F..%2Fetc%2Fpasswd', '%2e%2e', '..', 'a%00b', 'x'.repeat(3000), '%E0%A4%A', '__proto__', 'constructor',
  '%F0%9F%92%A9', 'id%20with%20space', "'%3B%20DROP%20TABLE%20Host%3B--", '-1', '%25', '%2F', '%C0%AE%C0%AE',
];

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const BODIES: (string | Buffer)[] = [
  '{', '[]', 'null', '"x"', '1', 'true', '{}', '{"zzz":1}', '{"__proto__":{"role":"admin"}}', '{"constructor":{"prototype":{"x":1}}}',
  '{"toString":"x","hasOwnProperty":1}', deep(20_000), `{"a":"${'x'.repeat(70_000)}"}`, 'x'.repeat(60_000), Buffer.from([0xff, 0xfe, 0x7b, 0x7d]), '\uFEFF{}',
  '{"numVfs":"8"}', '{"numVfs":-1}', '{"numVfs":1e9}', '{"numVfs":1.5}', '{"mac":"zz"}', '{"mac":"01:00:00:00:00:00"}', '{"vlan":5000}', '{"trust":"yes"}',
  '{"attributes":{"Sriov":"Bogus"}}', '{"attributes":{"__proto__":"x"}}', '{"attributes":[]}', '{"vmId":"../x"}', '{"vmId":null}', '{"role":"root"}',
  '{"userName":"","password":""}', '{"userName":{"$ne":null},"password":{"$ne":null}}', '{"action":"explode"}', '{"fix":"rm -rf /"}', '{"driver":"nvidia"}',
  `{"name":"${'x'.repeat(10_000)}"}`, '{"disabled":"false"}', '{"numVfs":8,"numVfs":8,"extra":true}',
];
const CONTENT_TYPES = ['text/plain', null, 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/xml'];
const QUERIES = ['?zzz=1', '?pageSize=0x10', '?pageSize=1e1', '?page=-1', '?page=1&page=2', '?q=%E0%A4%A', '?sort=__proto__', `?q=${'x'.repeat(3000)}`, '?readiness[]=x', '?%00=1', '?format=exe'];

const FULL_MATRIX = new Set(['admin session', 'admin token']);

interface Case {
  route: string;
  credential: string;
  request: RawRequest;
}

/** Real ids where a route takes one: the malformed part is then the body, query or method. */
async function realIds(): Promise<Record<string, string>> {
  const prisma = stack.db.prisma;
  const vf = await prisma.virtualFunction.findFirstOrThrow({ select: { id: true, pfId: true, hostId: true } });
  const user = await prisma.user.findFirstOrThrow({ where: { userName: 'viewer' }, select: { id: true } });
  const token = await prisma.apiToken.findFirstOrThrow({ select: { id: true } });
  return { hosts: vf.hostId, pfs: vf.pfId, vfs: vf.id, users: user.id, tokens: token.id, operations: 'no_operation_yet', reports: 'inventory' };
}

function pathFor(pattern: string, ids: Record<string, string>, id?: string): string {
  const parts = pattern.split('/');
  return parts
    .map((part, i) => {
      if (part === '[...path]') return 'no-such-thing';
      if (part.startsWith('[')) return id ?? ids[parts[i - 1]!] ?? 'x';
      return part;
    })
    .join('/');
}

async function buildCases(): Promise<Case[]> {
  const ids = await realIds();
  const cases: Case[] = [];
  for (const r of enumerateApiRoutes(ROOT)) {
    const mod = (await import(r.file)) as Record<string, Guarded | undefined>;
    const exported = METHODS.filter((m) => m !== 'HEAD' && typeof mod[m] === 'function');
    const dynamic = r.pattern.includes('[') && !r.pattern.includes('[...');
    for (const credential of credentials) {
      const add = (request: RawRequest) => cases.push({ route: r.pattern, credential: credential.label, request: { ...request, headers: { ...credential.headers, ...request.headers } } });
      const json = { 'content-type': 'application/json' };
      // The whole matrix as the credentials that reach every route's parsing (and as anyone on
      // public routes); a sample as the others, which are refused before it.
      const full = FULL_MATRIX.has(credential.label) || (mod[exported[0]!]?.permission === 'public' && credential.label === 'anonymous');
      for (const method of ['TRACE', 'PROPFIND', ...METHODS.filter((m) => m !== 'HEAD' && !exported.includes(m))].slice(0, full ? undefined : 2)) add({ method, path: pathFor(r.pattern, ids) });
      for (const method of exported) {
        const hasBody = method !== 'GET';
        const some = <T,>(list: T[], n: number) => (full ? list : list.slice(0, n));
        if (dynamic) for (const id of some(BAD_IDS, 2)) add({ method, path: pathFor(r.pattern, ids, id), ...(hasBody ? { body: '{}', headers: json } : {}) });
        for (const body of some(BODIES, 2)) add({ method, path: pathFor(r.pattern, ids), body, headers: json });
        for (const type of some(CONTENT_TYPES, 1)) add({ method, path: pathFor(r.pattern, ids), body: '{"zzz":1}', ...(type ? { headers: { 'content-type': type } } : {}) });
        for (const query of some(QUERIES, 1)) add({ method, path: `${pathFor(r.pattern, ids)}${query}`, ...(hasBody ? { body: '{}', headers: json } : {}) });
        if (method === 'GET') add({ method: 'HEAD', path: `${pathFor(r.pattern, ids)}?zzz=1` });
      }
    }
  }
  // Sign-in guesses on names of the campaign's own, from addresses of their own: failures, never
  // a lockout of anyone else.
  for (let i = 0; i < 60; i++) {
    cases.push({
      route: '/api/auth/login (guesses)',
      credential: 'anonymous',
      request: { method: 'POST', path: '/api/auth/login', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userName: `campaign-guess-${i % 6}`, password: `guess-${i}` }), localAddress: `127.0.1.${(i % 6) + 1}` },
    });
  }
  return cases;
}

const LEAKS: [string, RegExp][] = [
  ['a stack trace', /\n\s+at [^\n]+:\d+:\d+/],
  ['a file path', new RegExp(`${ROOT.replace(/[/.]/g, '\\$&')}|node_modules|\\.next/server`)],
  ['a Prisma error', /Invalid `prisma|PrismaClient|prisma\./],
  ['a column name of a secret', /passwordHash|passwordEnc|agentTokenEnc|tokenHash|scrypt\$/],
];

async function runAll(base: string, cases: Case[], concurrency: number): Promise<{ answers: (Answer | Error)[]; seconds: number }> {
  const answers: (Answer | Error)[] = new Array(cases.length);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < cases.length) {
        const i = next++;
        answers[i] = await send(base, cases[i]!.request).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
      }
    }),
  );
  return { answers, seconds: (performance.now() - started) / 1000 };
}

describe('the bad-input campaign against the real server', () => {
  it('answers every malformed request with a 4xx in the envelope, leaks nothing and changes nothing', async () => {
    const cases = await buildCases();
    expect(cases.length).toBeGreaterThanOrEqual(5_000);
    const before = await snapshot();
    const { answers, seconds } = await runAll(stack.server.url, cases, 8);
    const after = await snapshot();

    const byStatus = new Map<string, number>();
    const problems: string[] = [];
    answers.forEach((answer, i) => {
      const c = cases[i]!;
      const label = `${c.request.method} ${c.request.path.slice(0, 80)} as ${c.credential} (${c.route})`;
      if (answer instanceof Error) {
        problems.push(`${label}: no answer (${answer.message})`);
        return;
      }
      byStatus.set(String(answer.status), (byStatus.get(String(answer.status)) ?? 0) + 1);
      if (answer.status < 400 || answer.status >= 500) problems.push(`${label}: ${answer.status} ${answer.body.slice(0, 160)}`);
      // Node answers 431 (headers too large) itself, without a body; HEAD answers carry none.
      if (answer.status !== 431 && c.request.method !== 'HEAD') {
        let envelope: unknown = null;
        try {
          envelope = JSON.parse(answer.body);
        } catch {
          /* reported below */
        }
        const error = (envelope as { error?: { code?: unknown; message?: unknown } } | null)?.error;
        if (typeof error?.code !== 'string' || typeof error.message !== 'string') problems.push(`${label}: ${answer.status} without the error envelope: ${answer.body.slice(0, 120)}`);
      }
      for (const secret of secrets) if (answer.body.includes(secret)) problems.push(`${label}: the answer contains a secret (${secret.slice(0, 6)}…, ${secret.length} characters)`);
      for (const [what, pattern] of LEAKS) if (pattern.test(answer.body)) problems.push(`${label}: the answer contains ${what}`);
    });
    const statuses = [...byStatus.entries()].sort().map(([s, n]) => `${s}: ${n}`).join(', ');
    console.log(`bad-input campaign: ${cases.length} requests in ${seconds.toFixed(1)} s (${Math.round(cases.length / seconds)}/s); answers by status: ${statuses}`);
    expect(problems.slice(0, 25)).toEqual([]);
    expect(after).toEqual(before);
    // No stack trace and no error line: bad input is answered, never a failure the server logs.
    const output = stack.server.output();
    expect(output).not.toMatch(/\n\s+at [^\n]+:\d+:\d+/);
    expect(output.split('\n').filter((line) => /^\{"level":"(error|fatal)"/.test(line))).toEqual([]);
  }, 300_000);
});

describe('the server in front of Next', () => {
  const raw = (method: string, path: string, headers: Record<string, string>, body?: string, timeoutMs = 10_000) =>
    send(stack.server.url, { method, path, headers, ...(body !== undefined ? { body } : {}), timeoutMs });

  /** Writes raw bytes and reads until the server closes the connection. */
  function rawExchange(bytes: string, waitMs: number): Promise<{ text: string; ms: number; closed: boolean }> {
    const { port } = new URL(stack.server.url);
    const started = performance.now();
    return new Promise((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(bytes));
      let text = '';
      const timer = setTimeout(() => (socket.destroy(), resolve({ text, ms: performance.now() - started, closed: false })), waitMs);
      socket.on('data', (c: Buffer) => (text += c.toString()));
      socket.on('close', () => (clearTimeout(timer), resolve({ text, ms: performance.now() - started, closed: true })));
      socket.on('error', () => undefined);
    });
  }

  it('refuses a declared body over the limit at once, and drops one that never arrives (408)', async () => {
    const lying = await rawExchange('POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 999999999\r\n\r\n{}', 10_000);
    expect(lying.text).toMatch(/^HTTP\/1\.1 413 /);
    expect(lying.text).toContain('"code":"payload-too-large"');
    expect(lying.closed).toBe(true);
    expect(lying.ms).toBeLessThan(5_000);
    // 100 bytes declared, 2 sent: the whole request must arrive within REQUEST_TIMEOUT_MS (2 s here).
    const slow = await rawExchange('POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{}', 15_000);
    expect(slow.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(slow.closed).toBe(true);
  });

  it('records the socket’s address, not an X-Forwarded-For a client sends', async () => {
    const viewer = credentials[1]!;
    await raw('POST', '/api/tokens', { ...viewer.headers, 'x-forwarded-for': '6.6.6.6', 'x-real-ip': '6.6.6.6', 'content-type': 'application/json' }, '{"name":"x","role":"admin"}');
    const denied = await stack.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'denied', targetId: 'POST /api/tokens' }, orderBy: { at: 'desc' } });
    expect(denied.sourceAddress).toBe('127.0.0.1');
  });
});
