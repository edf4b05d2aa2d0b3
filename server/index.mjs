#!/usr/bin/env node
// @ts-check
// The dashboard's server: Node's http server in front of Next's request handler, so the client's
// real address, the request limits and the refusals of server/front-door.mjs hold for every
// request. `npm start`, `npm run dev`, `npm run demo` and the end-to-end tests all run this.
//   node server/index.mjs [--dev] [--port N] [--hostname H]
// Environment: PORT (3000), BIND_ADDRESS (127.0.0.1), TRUSTED_PROXIES (none), PUBLIC_ORIGIN,
// REQUEST_TIMEOUT_MS (30000: the whole request, body included, must arrive within it),
// HEADERS_TIMEOUT_MS (10000), BODY_LIMIT_BYTES (65536), LOG_LEVEL (info; see server/log.mjs).

import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import next from 'next';
import {
  CLIENT_ADDRESS_HEADER,
  DEFAULT_BODY_LIMIT,
  FRONT_DOOR_HEADER,
  PUBLIC_ORIGIN_HEADER,
  clientAddress,
  envelope,
  normalizeAddress,
  parsePublicOrigin,
  parseTrustedProxies,
  publicOrigin,
  screen,
  scrubHeaders,
} from './front-door.mjs';
import { databaseProblem } from './database-check.mjs';
import { acceptedRequestId, logger, parseLogLevel, requestContext, requestLevel } from './log.mjs';

const { values: args } = parseArgs({ options: { dev: { type: 'boolean' }, port: { type: 'string' }, hostname: { type: 'string' } } });

function positive(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) <= 0) fail(`${name} must be a positive whole number, not "${raw}"`);
  return Number(raw);
}

function fail(message) {
  console.error(`✕ ${message}`);
  process.exit(2);
}

const logLevel = parseLogLevel(process.env.LOG_LEVEL);
if ('problem' in logLevel) fail(logLevel.problem);
const log = logger();

let proxies;
let configuredOrigin;
try {
  proxies = parseTrustedProxies(process.env.TRUSTED_PROXIES);
  configuredOrigin = parsePublicOrigin(process.env.PUBLIC_ORIGIN);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const port = Number(args.port ?? process.env.PORT ?? 3000);
const hostname = args.hostname ?? process.env.BIND_ADDRESS ?? '127.0.0.1';
const bodyLimit = positive('BODY_LIMIT_BYTES', DEFAULT_BODY_LIMIT);
const dev = Boolean(args.dev);

// Route handlers run in this process: the key tells them a header was set here, not by a client
// of a server started some other way (`next start` alone).
const frontDoorKey = randomBytes(18).toString('base64url');
/** @type {Record<symbol, string>} */ (/** @type {unknown} */ (globalThis))[Symbol.for('sriov-fleet.front-door-key')] = frontDoorKey;

const problem = await databaseProblem(process.env.DATABASE_URL);
if (problem) fail(problem);

const app = next({ dev, dir: path.resolve(import.meta.dirname, '..'), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

/** @param {http.ServerResponse} res */
function refuse(res, refusal) {
  const body = envelope(refusal.code, refusal.message);
  res.writeHead(refusal.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    ...refusal.headers,
  });
  res.end(body);
}

/**
 * Next answers a method a route does not export with a bare 405 (after proxy.ts, as an empty
 * stream); API clients get the envelope instead. The first write of such a response is taken
 * over: the envelope goes out, whatever Next writes after it is dropped.
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 */
function envelopeBodilessRefusals(req, res) {
  const original = { write: res.write.bind(res), end: res.end.bind(res), flushHeaders: res.flushHeaders.bind(res), writeHead: res.writeHead.bind(res) };
  let taken = false;
  const takeOver = () => {
    if (taken) return true;
    if (res.statusCode !== 405 || res.headersSent) return false;
    taken = true;
    const body = envelope('method-not-allowed', `${req.method} is not allowed on ${(req.url ?? '').split('?')[0]}.`);
    res.removeHeader('Transfer-Encoding');
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    original.end(body);
    return true;
  };
  const callbackOf = (args) => args.find((a) => typeof a === 'function');
  const r = /** @type {any} */ (res);
  r.flushHeaders = () => (takeOver() ? undefined : original.flushHeaders());
  r.writeHead = (/** @type {number} */ status, /** @type {unknown[]} */ ...rest) => {
    // Node's own end() calls writeHead for the envelope: that call goes through.
    if (!taken && status === 405 && !res.headersSent) {
      res.statusCode = 405;
      if (takeOver()) return res;
    }
    return /** @type {any} */ (original.writeHead)(status, ...rest);
  };
  r.write = (/** @type {unknown[]} */ ...args) => {
    if (!takeOver()) return /** @type {any} */ (original.write)(...args);
    callbackOf(args)?.();
    return true;
  };
  r.end = (/** @type {unknown[]} */ ...args) => {
    if (!takeOver()) return /** @type {any} */ (original.end)(...args);
    callbackOf(args)?.();
    return res;
  };
}

const requestTimeout = positive('REQUEST_TIMEOUT_MS', 30_000);
// Node's defaults under `next start` let a client hold a connection for 300 s by declaring a
// body it never sends: the whole request must now arrive within REQUEST_TIMEOUT_MS (408 after),
// its headers within HEADERS_TIMEOUT_MS. Node checks these every connectionsCheckingInterval.
const timeouts = {
  requestTimeout,
  headersTimeout: Math.min(positive('HEADERS_TIMEOUT_MS', 10_000), requestTimeout),
  connectionsCheckingInterval: Math.min(1_000, requestTimeout),
  maxHeaderSize: 16 * 1024,
};

const server = http.createServer(timeouts, (req, res) => {
  const refusal = screen(req, { bodyLimit });
  if (refusal) {
    refuse(res, refusal);
    // Whatever body follows is never read.
    if (refusal.headers?.Connection === 'close') req.socket.end();
    return;
  }
  const peer = normalizeAddress(req.socket.remoteAddress);
  const trustedPeer = proxies.count > 0 && proxies.trusts(peer);
  const client = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], proxies);
  const origin = publicOrigin({ configured: configuredOrigin, trustedPeer, headers: req.headers, encrypted: false });
  scrubHeaders(req.headers, trustedPeer);
  if (req.url?.startsWith('/api/')) envelopeBodilessRefusals(req, res);
  req.headers[FRONT_DOOR_HEADER] = frontDoorKey;
  if (client) req.headers[CLIENT_ADDRESS_HEADER] = client;
  if (origin) req.headers[PUBLIC_ORIGIN_HEADER] = origin;
  // A load balancer's request id is kept, so its log and ours name the request alike.
  const requestId = (trustedPeer ? acceptedRequestId(req.headers['x-request-id']) : null) ?? randomUUID();
  res.setHeader('X-Request-Id', requestId);
  const started = performance.now();
  requestContext.run({ requestId }, () => {
    res.on('finish', () => {
      const fields = { method: req.method, path: (req.url ?? '').split('?')[0], status: res.statusCode, ms: Math.round(performance.now() - started), client };
      log[requestLevel(req.method, res.statusCode, fields.path)](fields, 'request');
    });
    handle(req, res).catch((error) => {
      log.error({ err: error }, 'request failed');
      if (!res.headersSent) refuse(res, { status: 500, code: 'internal', message: 'The server could not complete the request; the cause is in its log.' });
      else res.destroy();
    });
  });
});
server.maxHeadersCount = 100;

server.on('error', (error) => fail(`cannot listen on ${hostname}:${port}: ${error.message}`));
server.listen(port, hostname, () => {
  const trusted = proxies.count ? `; trusting forwarded headers from ${process.env.TRUSTED_PROXIES}` : '';
  log.info({ address: `http://${hostname}:${port}`, mode: dev ? 'development' : 'production' }, `SR-IOV Fleet Manager listening on http://${hostname}:${port} (${dev ? 'development' : 'production'}${trusted})`);
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    app.close().finally(() => process.exit(0));
  });
}
