// @ts-check
// The server's log: one JSON object per line on stdout (pino), for a central log store. Every line
// written while a request is handled carries that request's id; lines about an operation, a
// rollout or a host carry their ids (the callers pass them). One logger per process: the server in
// front of Next (server/index.mjs) and the code Next bundles (lib/log.ts) share it through
// globalThis, as they share the request context, so a route's lines carry the id the front door
// gave the request.
// Environment: LOG_LEVEL (info): fatal, error, warn, info, debug, trace or silent. Requests that
// read (GET, HEAD) are logged at debug, the others at info, failures (5xx) at error.

import { AsyncLocalStorage } from 'node:async_hooks';
import pino from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Keys whose values never reach the log, wherever they sit in an object logged (two levels deep). */
const SECRET_KEYS = ['password', 'passwordHash', 'token', 'secret', 'authorization', 'cookie', 'iloPassword', 'agentToken', 'secretsKey'];
export const REDACTED_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

/**
 * @param {string | undefined} raw
 * @returns {{ level: string } | { problem: string }}
 */
export function parseLogLevel(raw) {
  if (raw === undefined || raw === '') return { level: 'info' };
  const level = raw.trim().toLowerCase();
  if (LOG_LEVELS.includes(level)) return { level };
  return { problem: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${raw}"` };
}

const CONTEXT = Symbol.for('sriov-fleet.log-context');
const LOGGER = Symbol.for('sriov-fleet.logger');
/** @typedef {{ requestId: string }} RequestContext */
const holder = /** @type {{ [CONTEXT]?: AsyncLocalStorage<RequestContext>, [LOGGER]?: import('pino').Logger }} */ (/** @type {unknown} */ (globalThis));

/** The request being handled, for every line logged on its behalf. */
export const requestContext = (holder[CONTEXT] ??= new AsyncLocalStorage());

/**
 * A logger writing to `destination` (stdout when omitted) at `level`.
 * @param {{ level?: string, destination?: import('pino').DestinationStream }} [options]
 */
export function createLogger(options = {}) {
  return pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin: () => {
        const context = requestContext.getStore();
        return context ? { requestId: context.requestId } : {};
      },
    },
    options.destination ?? pino.destination({ fd: 1, sync: true }),
  );
}

/** The process's logger, at LOG_LEVEL (an invalid LOG_LEVEL is refused at start by server/index.mjs). */
export function logger() {
  if (!holder[LOGGER]) {
    const parsed = parseLogLevel(process.env.LOG_LEVEL);
    holder[LOGGER] = createLogger({ level: 'level' in parsed ? parsed.level : 'info' });
  }
  return holder[LOGGER];
}

/** A request id we accept from a trusted proxy: short, and nothing that could break a log line. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * @param {string | string[] | undefined} header
 * @returns {string | null}
 */
export function acceptedRequestId(header) {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && REQUEST_ID.test(value) ? value : null;
}

/** Reads that change something: the single sign-on's callback signs a person in. */
const CHANGING_READS = new Set(['/api/auth/oidc/callback']);

/**
 * The level a finished request is logged at: reads at debug, changes at info, failures at error.
 * @param {string | undefined} method
 * @param {number} status
 * @param {string} [path]
 */
export function requestLevel(method, status, path) {
  if (status >= 500) return 'error';
  if (path !== undefined && CHANGING_READS.has(path)) return 'info';
  return method === 'GET' || method === 'HEAD' ? 'debug' : 'info';
}
