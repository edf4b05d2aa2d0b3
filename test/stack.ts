// The whole product as a user runs it, for the campaigns and fault tests: the production build
// served by server/index.mjs as a child process, on a migrated SQLite of its own, with simulated
// hosts (agents over HTTP, iLO simulators over HTTPS) registered in it. The test process shares
// the database file to set up and to check what the server did.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { generateKey } from '@/lib/crypto/secrets';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { DEMO_USERS, seedDemoUsers } from '@/lib/demo/demo-users';
import type { Role } from '@/lib/auth/permissions';
import { startSimHosts, type SimHosts } from '@/lib/testing/sim-hosts';
import type { SimTiming } from '@/agent/src/sim/kernel';
import { startAgentProxy, type AgentProxy } from './agent-proxy';

export const ROOT = path.resolve(import.meta.dirname, '..');
process.env.SECRETS_KEY ??= generateKey();

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
}

export interface RawRequest {
  method: string;
  /** Sent as is: percent-encoding and all. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Source address on loopback (127.0.0.0/8), so sign-in cases do not share one address's limit. */
  localAddress?: string;
  timeoutMs?: number;
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** One HTTP request with nothing normalized; rejects only when no answer came. */
export function send(base: string, request: RawRequest): Promise<Answer> {
  const url = new URL(base);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: request.path,
        headers: { ...(request.body !== undefined ? { 'content-length': String(Buffer.byteLength(request.body)) } : {}), ...request.headers },
        agent: request.localAddress ? undefined : keepAlive,
        ...(request.localAddress ? { localAddress: request.localAddress } : {}),
        timeout: request.timeoutMs ?? 20_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${request.timeoutMs ?? 20_000} ms`)));
    req.on('error', reject);
    if (request.body !== undefined) req.write(request.body);
    req.end();
  });
}

export interface Credentials {
  label: string;
  headers: Record<string, string>;
  /** Session credentials carry the CSRF token; tokens need none. */
  csrf?: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code or signal. */
  stop(signal?: NodeJS.Signals): Promise<string>;
}

/** Starts server/index.mjs on the production build; resolves once it answers. */
export async function startServer(env: Record<string, string>, port?: number): Promise<ServerProcess> {
  const distDir = process.env.NEXT_DIST_DIR ?? '.next';
  if (!fs.existsSync(path.join(ROOT, distDir, 'BUILD_ID'))) throw new Error(`No production build in ${distDir}: run npm run build first (npm test builds before this suite).`);
  const chosen = port ?? (await freePort());
  const child = spawn(process.execPath, [path.join(ROOT, 'server', 'index.mjs'), '--port', String(chosen), '--hostname', '127.0.0.1'], {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', SYNC_INTERVAL_MS: '600000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<string>((resolve) => child.on('exit', (code, signal) => resolve(String(code ?? signal))));
  const url = `http://127.0.0.1:${chosen}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited before answering:\n${output}`);
    const answer = await send(url, { method: 'GET', path: '/api/auth/session', timeoutMs: 2_000 }).catch(() => null);
    if (answer?.status === 401) break;
    if (Date.now() > deadline) throw new Error(`the server did not answer within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface Stack {
  db: TestDatabase;
  sims: SimHosts;
  /** Host name (as registered) to id. */
  hostIds: Map<string, string>;
  /** By host name, with proxyAgents. */
  proxies: Map<string, AgentProxy>;
  env: Record<string, string>;
  server: ServerProcess;
  /** Stops the server (SIGKILL: as a crash) and starts another on the same database and port. */
  restartServer(signal?: NodeJS.Signals): Promise<void>;
  signIn(role: Role, localAddress?: string): Promise<Credentials>;
  token(role: Role, admin: Credentials): Promise<Credentials>;
  close(): Promise<void>;
}

export interface StackOptions {
  profiles: string[];
  /** Register each agent behind a relay the test can cut (test/agent-proxy.ts). */
  proxyAgents?: boolean;
  namePrefix?: string;
  timing?: SimTiming;
  bootMs?: number;
  /** Extra server environment; FLEET_BACKGROUND=off keeps the poller and the worker stopped. */
  env?: Record<string, string>;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const db = await createTestDatabase();
  process.env.DATABASE_URL = db.url;
  await seedDemoUsers(db.prisma);
  const sims = await startSimHosts(options.profiles, { namePrefix: options.namePrefix ?? 'stack-', ...(options.timing ? { timing: options.timing } : {}), ...(options.bootMs !== undefined ? { bootMs: options.bootMs } : {}) });
  const { registerHost } = await import('@/lib/inventory/register');
  const hostIds = new Map<string, string>();
  const proxies = new Map<string, AgentProxy>();
  for (const h of sims.hosts) {
    if (options.proxyAgents) {
      const proxy = await startAgentProxy(new URL(h.registration.agent.url));
      proxies.set(h.registration.name, proxy);
      h.registration.agent.url = proxy.url;
    }
    const registered = await registerHost(h.registration);
    if (!registered.ok) throw new Error(registered.message);
    hostIds.set(h.registration.name, registered.host.id);
  }
  const env = { DATABASE_URL: db.url, SECRETS_KEY: process.env.SECRETS_KEY!, ...options.env };
  const stack: Stack = {
    db,
    sims,
    hostIds,
    proxies,
    env,
    server: await startServer(env),
    async restartServer(signal = 'SIGKILL') {
      const port = Number(new URL(stack.server.url).port);
      await stack.server.stop(signal);
      stack.server = await startServer(env, port);
    },
    async signIn(role, localAddress) {
      const user = DEMO_USERS.find((u) => u.role === role)!;
      const answer = await send(stack.server.url, {
        method: 'POST',
        path: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userName: user.userName, password: user.password }),
        ...(localAddress ? { localAddress } : {}),
      });
      if (answer.status !== 200) throw new Error(`sign-in as ${role}: ${answer.status} ${answer.body}`);
      const cookie = String(answer.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
      const csrf = (JSON.parse(answer.body) as { csrfToken: string }).csrfToken;
      return { label: `${role} session`, headers: { cookie, 'x-csrf-token': csrf }, csrf };
    },
    async token(role, admin) {
      const answer = await send(stack.server.url, {
        method: 'POST',
        path: '/api/tokens',
        headers: { 'content-type': 'application/json', ...admin.headers },
        body: JSON.stringify({ name: `stack-${role}`, role }),
      });
      if (answer.status !== 201) throw new Error(`token for ${role}: ${answer.status} ${answer.body}`);
      return { label: `${role} token`, headers: { authorization: `Bearer ${(JSON.parse(answer.body) as { token: string }).token}` } };
    },
    async close() {
      await stack.server.stop('SIGTERM');
      await Promise.all([...proxies.values()].map((p) => p.close()));
      await sims.close();
      await db.dispose();
    },
  };
  return stack;
}

/** Waits until `check` returns a value, polling; throws with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
