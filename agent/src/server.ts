import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { Agent, LogFn } from './agent';
import type { Health } from './api-types';
import { AgentError } from './errors';
import { etagOf, ifNoneMatchMatches, inventoryEtag } from './etag';
import { withRedfish } from './ilo';
import { listen } from './listen';
import { AgentMetrics, METRICS_CONTENT_TYPE } from './metrics';
import { notReadyMessage } from './readiness';
import { readOptional } from './sysfs/host-fs';
import { BOOT_ID } from './sysfs/inventory';
import { AGENT_VERSION } from './version';
import { attachBody, bindBody, detachBody, parseInput, pciAddress, setNumVfsBody, setVfBody, simRebootBody, vmName } from './validation';

export interface ServeOptions {
  agent: Agent;
  token: string;
  host?: string;
  port?: number;
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Largest request body accepted; every body the API takes is a few hundred bytes. */
  maxBodyBytes?: number;
  log: LogFn;
  /** Simulated hosts only: POST /v1/sim/reboot, for an iLO simulator running as another process. */
  simControl?: { reboot(bios: { sriov: boolean; iommu: boolean }): void };
}

export interface RunningServer {
  server: http.Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

type Handler = (params: string[], body: () => Promise<unknown>, headers: http.IncomingHttpHeaders) => Promise<unknown>;
export interface Route {
  method: string;
  /** Segments after /v1; ':pf', ':vf', ':vm' are parameters. */
  path: string[];
  auth: boolean;
  /** Reads a JSON body; other routes refuse one. */
  body?: true;
  handle: Handler;
  /** The answer's ETag: GET routes with one answer 304 to a matching If-None-Match. */
  etag?: (result: unknown) => string;
  /** Answers this content type with the text the handler returns, instead of JSON. */
  produces?: string;
}

/** A GET route whose answer carries an ETag computed from it. */
function taggedGet<T>(path: string[], read: () => Promise<T>, tag: (result: T) => string): Route {
  return { method: 'GET', path, auth: true, handle: read, etag: (result) => tag(result as T) };
}

const DEFAULT_MAX_BODY = 16 * 1024;

/** Every route of the agent API, for the server and for tests that walk them all. */
export function agentRoutes(options: Pick<ServeOptions, 'agent' | 'simControl'>, startedAt = Date.now(), metrics = new AgentMetrics()): Route[] {
  const agent = options.agent;
  const readInventory = async () => {
    const inventory = await agent.inventory();
    metrics.observeInventoryRead(inventory.durationMs / 1000);
    return inventory;
  };
  const pf = (p: string[]): string => parseInput(pciAddress, p[0], 'PF address');
  const vf = (p: string[]): string => parseInput(pciAddress, p[0], 'VF address');
  const vm = (p: string[]): string => parseInput(vmName, p[0], 'VM name');

  const routes: Route[] = [
    {
      method: 'GET', path: ['health'], auth: false,
      handle: async () =>
        ({ ok: true, agentVersion: AGENT_VERSION, simulated: agent.simulated, bootId: readOptional(agent.fs, BOOT_ID), uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) }) satisfies Health,
    },
    {
      // Open like health: a load balancer or a monitoring check has no token.
      method: 'GET', path: ['ready'], auth: false,
      handle: async () => {
        const readiness = await agent.readiness();
        if (!readiness.ready) throw new AgentError('unavailable', notReadyMessage(readiness));
        return readiness;
      },
    },
    taggedGet(['inventory'], readInventory, inventoryEtag),
    {
      // Prometheus, with the agent's token like the rest of the API; the PFs as read now.
      method: 'GET', path: ['metrics'], auth: true, produces: METRICS_CONTENT_TYPE,
      handle: async () => metrics.render(await readInventory(), { version: AGENT_VERSION, simulated: agent.simulated }),
    },
    { method: 'GET', path: ['pfs', ':pf'], auth: true, handle: async (p) => agent.physicalFunction(pf(p)) },
    {
      method: 'PUT', path: ['pfs', ':pf', 'num-vfs'], auth: true, body: true,
      handle: async (p, body) => {
        const address = pf(p);
        const input = parseInput(setNumVfsBody, await body(), 'request body');
        agent.physicalFunction(address);
        return agent.setNumVfs(address, input.numVfs, input.timeoutMs === undefined ? {} : { timeoutMs: input.timeoutMs });
      },
    },
    { method: 'GET', path: ['vfs', ':vf'], auth: true, handle: (p) => agent.virtualFunctionWithSettings(vf(p)) },
    {
      method: 'PATCH', path: ['vfs', ':vf'], auth: true, body: true,
      handle: async (p, body) => {
        const address = vf(p);
        const input = parseInput(setVfBody, await body(), 'request body');
        return agent.setVf(address, input);
      },
    },
    {
      method: 'PUT', path: ['vfs', ':vf', 'driver'], auth: true, body: true,
      handle: async (p, body) => {
        const address = vf(p);
        const input = parseInput(bindBody, await body(), 'request body');
        return agent.bind(address, input.driver);
      },
    },
    taggedGet(['vms'], async () => ({ vms: await agent.listVms() }), etagOf),
    {
      method: 'POST', path: ['vms', ':vm', 'attach'], auth: true, body: true,
      handle: async (p, body) => {
        const name = vm(p);
        const input = parseInput(attachBody, await body(), 'request body');
        return agent.attach(name, input);
      },
    },
    { method: 'GET', path: ['vms', ':vm', 'guest'], auth: true, handle: async (p) => agent.guest(vm(p)) },
    {
      method: 'POST', path: ['vms', ':vm', 'detach'], auth: true, body: true,
      handle: async (p, body) => {
        const name = vm(p);
        const input = parseInput(detachBody, await body(), 'request body');
        agent.virtualFunction(input.vf);
        return agent.detach(name, input.vf);
      },
    },
    { method: 'GET', path: ['desired-state'], auth: true, handle: () => agent.desiredStateReport() },
    { method: 'POST', path: ['host', 'iommu-args'], auth: true, handle: () => agent.fixIommuArgs() },
    { method: 'POST', path: ['host', 'vfio'], auth: true, handle: () => agent.fixVfioPci() },
    // The iLO routes: the server sends the iLO's address, credentials and trust with each
    // request in X-Ilo-Target; the agent keeps none of it and logs none of it.
    {
      method: 'GET', path: ['bios'], auth: true,
      handle: (_p, _body, headers) => withRedfish((r) => r.biosGet(r.decodeIloTarget(headers[r.ILO_TARGET_HEADER]))),
    },
    {
      method: 'PATCH', path: ['bios'], auth: true, body: true,
      handle: (_p, body, headers) =>
        withRedfish(async (r) => {
          const target = r.decodeIloTarget(headers[r.ILO_TARGET_HEADER]);
          return r.biosSet(target, r.parseIloRequest(r.checkBiosPatchBody, await body(), 'request body').attributes);
        }),
    },
    {
      method: 'POST', path: ['power', 'reset'], auth: true, body: true,
      handle: (_p, body, headers) =>
        withRedfish(async (r) => {
          const target = r.decodeIloTarget(headers[r.ILO_TARGET_HEADER]);
          return r.powerReset(target, r.parseIloRequest(r.checkPowerResetBody, await body(), 'request body').kind);
        }),
    },
  ];
  const simControl = options.simControl;
  if (simControl) {
    routes.push({
      method: 'POST', path: ['sim', 'reboot'], auth: true, body: true,
      handle: async (_p, body) => {
        const bios = parseInput(simRebootBody, await body(), 'request body');
        // After the answer is out: the reboot takes this server down.
        setImmediate(() => simControl.reboot(bios));
        return { rebooting: true, bios };
      },
    });
  }

  return routes;
}

export async function createAgentServer(options: ServeOptions): Promise<http.Server> {
  if (options.token.length < 16) throw new Error('the API token must be at least 16 characters');
  const tokenDigest = digest(options.token);
  const startedAt = Date.now();
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;

  const metrics = new AgentMetrics();
  const routes = agentRoutes(options, startedAt, metrics);

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const started = performance.now();
    let status = 500;
    // A request no route takes is counted as one series, whatever its path.
    let routePattern = 'unmatched';
    try {
      const { route, params } = match(routes, req.method ?? 'GET', req.url ?? '/');
      routePattern = `/v1/${route.path.join('/')}`;
      if (route.auth && !authorized(req.headers.authorization, tokenDigest)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="sriov-agent"');
        throw new AgentError('unauthorized', 'a valid bearer token is required (Authorization: Bearer <token>)');
      }
      if (!route.body && (Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined)) {
        throw new AgentError('bad-request', `${route.method} /v1/${route.path.join('/')} takes no request body`);
      }
      const result = await route.handle(params, () => readJsonBody(req, maxBody), req.headers);
      const etag = route.etag?.(result);
      if (etag !== undefined && ifNoneMatchMatches(req.headers['if-none-match'], etag)) {
        status = 304;
        notModified(res, etag);
      } else if (route.produces) {
        status = 200;
        sendText(res, route.produces, String(result));
      } else {
        status = 200;
        send(res, 200, result, etag);
      }
    } catch (err) {
      const error = err instanceof AgentError ? err : new AgentError('internal', 'internal error; see the agent log');
      if (!(err instanceof AgentError)) options.log('error', 'unexpected error', { error: err instanceof Error ? err.stack : String(err) });
      status = error.status;
      // The rest of an oversized body is never read: close rather than reuse the connection.
      if (error.code === 'payload-too-large') res.setHeader('Connection', 'close');
      send(res, error.status, error.toEnvelope());
    } finally {
      metrics.countRequest(req.method ?? 'GET', routePattern, status);
      options.log('info', 'request', { method: req.method, path: (req.url ?? '').split('?')[0], status, ms: Math.round(performance.now() - started) });
    }
  };

  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    void handler(req, res);
  };
  // node:https is loaded only when TLS is asked for: it costs memory on every host otherwise.
  const server = options.tls ? (await import('node:https')).createServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, listener) : http.createServer(listener);
  server.requestTimeout = 120_000;
  server.headersTimeout = 10_000;
  server.maxHeadersCount = 50;
  return server;
}

export async function startAgentServer(options: ServeOptions): Promise<RunningServer> {
  const server = await createAgentServer(options);
  const host = options.host ?? '127.0.0.1';
  const { port, urlHost: shownHost } = await listen(server, options.port ?? 0, host);
  return {
    server,
    port,
    url: `${options.tls ? 'https' : 'http'}://${shownHost}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function match(routes: Route[], method: string, rawUrl: string): { route: Route; params: string[] } {
  const [rawPath = '', query] = rawUrl.split(/\?(.*)/s);
  // No route takes a query: one sent is a client's mistake, not something to ignore.
  if (query !== undefined && query !== '') throw new AgentError('bad-request', 'the agent API takes no query parameters');
  const segments = rawPath.split('/').slice(1);
  // Dot segments and encoded separators never name anything here: refuse them outright,
  // before any routing, so no parameter can walk out of /sys.
  if (segments.some((s) => s === '..' || s === '.' || /%2f|%5c|%00|%2e/i.test(s) || s.includes('\\'))) {
    throw new AgentError('bad-request', 'the path must not contain dot segments or encoded separators');
  }
  if (segments[0] !== 'v1') throw new AgentError('not-found', `no such endpoint: ${rawPath} (the API lives under /v1)`);
  let decoded: string[];
  try {
    decoded = segments.slice(1).map((s) => decodeURIComponent(s));
  } catch {
    throw new AgentError('bad-request', 'the path is not valid percent-encoding');
  }
  let pathMatched = false;
  for (const route of routes) {
    if (route.path.length !== decoded.length) continue;
    const params: string[] = [];
    const ok = route.path.every((part, i) => {
      const seg = decoded[i] ?? '';
      if (part.startsWith(':')) {
        params.push(seg);
        return true;
      }
      return part === seg;
    });
    if (!ok) continue;
    pathMatched = true;
    if (route.method === method) return { route, params };
  }
  if (pathMatched) throw new AgentError('method-not-allowed', `${method} is not allowed on ${rawPath}`);
  throw new AgentError('not-found', `no such endpoint: ${method} ${rawPath}`);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Compares digests so the comparison takes the same time whatever the length or content. */
function authorized(header: string | undefined, tokenDigest: Buffer): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m?.[1]) return false;
  return timingSafeEqual(digest(m[1]), tokenDigest);
}

async function readJsonBody(req: http.IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > maxBytes) throw new AgentError('payload-too-large', `request bodies are limited to ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) throw new AgentError('payload-too-large', `request bodies are limited to ${maxBytes} bytes`);
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AgentError('bad-request', 'the request body is not valid JSON');
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, etag?: string): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...(etag === undefined ? {} : { ETag: etag }),
  });
  res.end(text);
}

function sendText(res: http.ServerResponse, contentType: string, text: string): void {
  if (res.headersSent) return;
  res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}

/** 304 carries the ETag and Cache-Control a 200 would, and no body (RFC 9110 §15.4.5). */
function notModified(res: http.ServerResponse, etag: string): void {
  if (res.headersSent) return;
  res.writeHead(304, { ETag: etag, 'Cache-Control': 'no-store' });
  res.end();
}
