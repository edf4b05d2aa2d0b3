// @ts-check
// What the Node server does with a request before Next sees it (server/index.mjs). Some requests
// fail inside Next before any route of ours runs, and some facts exist only here:
// - the client's address: the socket's, or, behind a configured proxy, the one the proxy reports
//   (route handlers under `next start` cannot tell a forwarded header from a forged one);
// - a path that is not valid percent-encoding, and methods nobody serves (TRACE): Next answers 500;
// - a declared body larger than any route takes: refused before a byte of it is read.
// Everything here answers in the API's error envelope. Pure functions, tested beside.

import { BlockList, isIP } from 'node:net';

/** Headers only this server sets: whatever a client sends under these names is dropped. */
export const CLIENT_ADDRESS_HEADER = 'x-sfm-client-address';
export const PUBLIC_ORIGIN_HEADER = 'x-sfm-public-origin';
export const FRONT_DOOR_HEADER = 'x-sfm-front-door';

/** Headers a proxy uses to say who the client was; believed only from a trusted proxy. */
const FORWARDING_HEADERS = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-real-ip', 'forwarded'];

export const ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** "::ffff:127.0.0.1" -> "127.0.0.1": one spelling per address, for audit records and throttling. */
export function normalizeAddress(address) {
  if (typeof address !== 'string' || address === '') return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return (mapped ? mapped[1] : address).toLowerCase();
}

/**
 * TRUSTED_PROXIES: addresses and CIDR blocks, comma- or space-separated ("10.0.0.5, 10.1.0.0/16,
 * fd00::/8"). Empty (the default): no proxy is trusted and forwarded headers are ignored.
 * @param {string | undefined} text
 */
export function parseTrustedProxies(text) {
  const list = new BlockList();
  const entries = (text ?? '').split(/[\s,]+/).filter(Boolean);
  for (const entry of entries) {
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address ?? '');
    if (!address || family === 0 || extra !== undefined) throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR block`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const bits = Number(prefix);
    if (!/^\d+$/.test(prefix) || bits > (family === 4 ? 32 : 128)) throw new Error(`TRUSTED_PROXIES: "${entry}" has a bad prefix length`);
    list.addSubnet(address, bits, type);
  }
  return { count: entries.length, trusts: (/** @type {string | null} */ address) => isTrusted(list, address) };
}

function isTrusted(list, address) {
  const family = address ? isIP(address) : 0;
  if (!address || family === 0) return false;
  return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The client's address. From an untrusted peer: the peer itself. From a trusted proxy: the
 * right-most X-Forwarded-For entry that is not itself a trusted proxy (entries further left were
 * written by the client and prove nothing).
 * @param {string | undefined} socketAddress
 * @param {string | string[] | undefined} forwardedFor
 * @param {{ trusts(address: string | null): boolean }} proxies
 */
export function clientAddress(socketAddress, forwardedFor, proxies) {
  const peer = normalizeAddress(socketAddress);
  if (!peer || !proxies.trusts(peer)) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((hop) => normalizeAddress(hop.trim()))
    .filter((hop) => hop !== null && isIP(hop) !== 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = /** @type {string} */ (hops[i]);
    if (!proxies.trusts(hop)) return hop;
  }
  return hops[0] ?? peer;
}

/**
 * The origin browsers use to reach us, against which Origin headers are checked: PUBLIC_ORIGIN
 * when set (behind a proxy that rewrites Host), else the trusted proxy's X-Forwarded-Proto/Host,
 * else this server's own scheme and the Host header.
 */
export function publicOrigin({ configured, trustedPeer, headers, encrypted }) {
  if (configured) return configured;
  const first = (value) => (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim() || undefined;
  const proto = (trustedPeer && first(headers['x-forwarded-proto'])) || (encrypted ? 'https' : 'http');
  const host = (trustedPeer && first(headers['x-forwarded-host'])) || first(headers.host);
  return host ? `${proto}://${host}` : null;
}

/** PUBLIC_ORIGIN must be scheme://host[:port], nothing more, so it compares equal to an Origin header. */
export function parsePublicOrigin(text) {
  if (!text) return null;
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`PUBLIC_ORIGIN: "${text}" is not a URL like https://fleet.example.com`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.origin !== text.replace(/\/$/, '')) {
    throw new Error(`PUBLIC_ORIGIN: "${text}" must be only a scheme and host, like https://fleet.example.com`);
  }
  return url.origin;
}

/**
 * A refusal for requests no route should see, or null to pass the request on.
 * @param {{ method?: string, url?: string, headers: Record<string, string | string[] | undefined> }} request
 * @param {{ bodyLimit: number }} limits
 * @returns {{ status: number, code: string, message: string, headers?: Record<string, string> } | null}
 */
export function screen(request, limits) {
  const method = request.method ?? 'GET';
  if (!ALLOWED_METHODS.includes(method)) {
    return { status: 405, code: 'method-not-allowed', message: `${method} is not served here.`, headers: { Allow: ALLOWED_METHODS.join(', ') } };
  }
  const url = request.url ?? '/';
  const [path = '', query = ''] = url.split(/\?(.*)/s);
  try {
    decodeURIComponent(path);
  } catch {
    return { status: 400, code: 'bad-request', message: 'path: not valid percent-encoding.' };
  }
  // URLSearchParams would quietly turn broken escapes into replacement characters.
  for (const part of query.split('&')) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      return { status: 400, code: 'bad-request', message: `query: "${part.split('=')[0]?.slice(0, 40)}" is not valid percent-encoding.` };
    }
  }
  if (path.includes('\0') || /%00/.test(path)) return { status: 400, code: 'bad-request', message: 'path: must not contain a null byte.' };
  // Dot segments and encoded separators name nothing here; Next would normalize them into another path.
  if (path.split('/').some((segment) => segment === '.' || segment === '..' || /%2f|%5c|%2e%2e|^%2e$/i.test(segment) || segment.includes('\\'))) {
    return { status: 400, code: 'bad-request', message: 'path: must not contain dot segments or encoded separators.' };
  }
  const declared = request.headers['content-length'];
  const chunked = request.headers['transfer-encoding'] !== undefined;
  if (declared !== undefined) {
    const text = Array.isArray(declared) ? declared[0] : declared;
    if (!/^\d{1,15}$/.test(text ?? '')) return { status: 400, code: 'bad-request', message: 'Content-Length: not a number of bytes.' };
    if (Number(text) > limits.bodyLimit) {
      return { status: 413, code: 'payload-too-large', message: `body: at most ${limits.bodyLimit} bytes (Content-Length says ${text}).`, headers: { Connection: 'close' } };
    }
  } else if (chunked) {
    // A body of unknown length cannot be refused before it is read: every client this API has
    // (browsers' fetch, curl, the CLI) sends Content-Length with a JSON body.
    return { status: 411, code: 'length-required', message: 'Content-Length: required with a request body (chunked bodies are not accepted).', headers: { Connection: 'close' } };
  }
  return null;
}

/** Removes what only this server may say, and forwarding headers from peers it does not trust. */
export function scrubHeaders(headers, trustedPeer) {
  for (const name of [CLIENT_ADDRESS_HEADER, PUBLIC_ORIGIN_HEADER, FRONT_DOOR_HEADER]) delete headers[name];
  if (!trustedPeer) for (const name of FORWARDING_HEADERS) delete headers[name];
}

/** The envelope body lib/http.ts uses, for answers given before Next. */
export function envelope(code, message) {
  return JSON.stringify({ error: { code, message } });
}
