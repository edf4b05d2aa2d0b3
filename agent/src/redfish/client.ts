// The transport to one iLO: sessions, TLS pinning, timeouts, retries, typed errors.
// Free of CLI concerns so the agent and the dashboard's server can both use it (Node >= 20).

import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { Collection, ShapeError, type Shape } from './resources';
import {
  IloAuthError,
  IloBusyError,
  IloNotFoundError,
  IloProtocolError,
  IloRefusedError,
  IloSessionLimitError,
  IloTimeoutError,
  IloUnreachableError,
  IloUntrustedCertificateError,
  RedfishError,
  type RedfishMessage,
} from './errors';
import { BUSY_KEYS, describeMessage, extractMessages, retryAfterSecondsFromMessages } from './oem/hpe';
import { createIloAgent, type IloTrust } from './tls';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RedfishRequestEvent {
  method: string;
  /** Path only: no credentials or tokens are ever part of an event. */
  path: string;
  status: number | null;
  attempt: number;
  durationMs: number;
  error?: string;
}

export interface IloConnectionOptions {
  /** "https://ilo-host", "https://10.0.0.5:8443" or a bare host name / address. */
  url: string;
  username: string;
  password: string;
  trust: IloTrust;
  /** "auto" (default): a session, falling back to Basic auth when the iLO has no session service. */
  auth?: 'auto' | 'session' | 'basic';
  /** Per request, body included. Default 30 s: a full BIOS registry takes seconds on a real iLO. */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** For request logs. */
  onRequest?: (event: RedfishRequestEvent) => void;
}

/** A response's headers, by case-insensitive name. */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface RedfishResponse {
  status: number;
  body: unknown;
  etag: string | null;
  messages: RedfishMessage[];
  headers: ResponseHeaders;
}

interface RequestOptions {
  body?: unknown;
  ifMatch?: string;
  /** Send credentials (false only for the login itself and the service root). */
  authenticated?: boolean;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 10_000 };

export function parseIloUrl(input: string): URL {
  const url = new URL(/^[a-z]+:\/\//i.test(input) ? input : `https://${input}`);
  if (url.protocol !== 'https:') throw new RangeError(`iLO URLs are HTTPS; got ${url.protocol}//`);
  url.pathname = '/';
  url.search = '';
  url.hash = '';
  return url;
}

/** Compares Redfish URIs the way iLOs treat them: case-insensitive, trailing slash optional. */
export function sameUri(a: string, b: string): boolean {
  const normalize = (uri: string) => uri.replace(/^https?:\/\/[^/]+/i, '').replace(/\/+$/, '').toLowerCase();
  return normalize(a) === normalize(b);
}

export class RedfishClient {
  readonly url: URL;
  private readonly agent: https.Agent;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private session: { token: string; uri: string } | null = null;
  private mode: 'session' | 'basic' | null = null;
  private closed = false;
  private rootCache: Promise<unknown> | null = null;
  private renewing: Promise<void> | null = null;

  private constructor(private readonly options: IloConnectionOptions) {
    this.url = parseIloUrl(options.url);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.agent = createIloAgent(options.trust, { connectTimeoutMs: this.connectTimeoutMs, url: this.url });
  }

  /**
   * Connects and logs in. Prefer `withIlo`, which always logs out; whoever calls `open` must
   * call `close` in a finally block, or the session stays open on the iLO until it times out.
   */
  static async open(options: IloConnectionOptions): Promise<RedfishClient> {
    const client = new RedfishClient(options);
    try {
      await client.login();
      return client;
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  get authMode(): 'session' | 'basic' | null {
    return this.mode;
  }

  /** The service root, read once per client (it needs no login). */
  serviceRoot(): Promise<unknown> {
    if (!this.rootCache) {
      const root = this.request('GET', '/redfish/v1/', { authenticated: false }).then((r) => r.body);
      this.rootCache = root;
      // A failed read is not kept: the next caller tries again.
      root.catch(() => {
        if (this.rootCache === root) this.rootCache = null;
      });
    }
    return this.rootCache;
  }

  async get(uri: string): Promise<RedfishResponse> {
    return this.request('GET', uri);
  }

  /** GET and check the shape the caller relies on. */
  async getAs<T>(uri: string, shape: Shape<T>): Promise<T> {
    const response = await this.request('GET', uri);
    try {
      return shape.parse(response.body);
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      throw new IloProtocolError(`The iLO at ${this.url.host} answered ${uri} with an unexpected document: ${error.message}`, { status: response.status });
    }
  }

  /** The member links of a collection, following `Members@odata.nextLink` pages. */
  async members(uri: string): Promise<string[]> {
    const links: string[] = [];
    let next: string | undefined = uri;
    // Bounded: a looping nextLink must not keep us here forever.
    for (let page = 0; next !== undefined && page < 100; page += 1) {
      const collection: Collection = await this.getAs(next, Collection);
      links.push(...collection.members);
      next = collection.nextLink;
    }
    return links;
  }

  async patch(uri: string, body: unknown, options: { ifMatch?: string } = {}): Promise<RedfishResponse> {
    return this.request('PATCH', uri, { body, ...options });
  }

  async post(uri: string, body: unknown): Promise<RedfishResponse> {
    return this.request('POST', uri, { body });
  }

  async delete(uri: string): Promise<RedfishResponse> {
    return this.request('DELETE', uri);
  }

  /**
   * Logs out and releases connections. Never throws: it runs in finally blocks, where an error
   * would hide the one that matters. Returns whether a session was left behind.
   */
  async close(): Promise<{ sessionLeftOpen: boolean }> {
    if (this.closed) return { sessionLeftOpen: false };
    this.closed = true;
    let sessionLeftOpen = false;
    const session = this.session;
    this.session = null;
    if (session) {
      try {
        await this.send('DELETE', session.uri, {}, session);
      } catch (error) {
        // A 401/404 means the iLO already dropped the session (timeout, iLO reset): nothing leaks.
        sessionLeftOpen = !(error instanceof IloAuthError || error instanceof IloNotFoundError);
      }
    }
    this.agent.destroy();
    return { sessionLeftOpen };
  }

  private async login(): Promise<void> {
    const auth = this.options.auth ?? 'auto';
    if (auth === 'basic') {
      this.mode = 'basic';
      await this.request('GET', '/redfish/v1/Systems/');
      return;
    }
    const root = await this.serviceRoot();
    const sessionsUri = linkOf(root, 'Links', 'Sessions') ?? '/redfish/v1/SessionService/Sessions/';
    let response: RedfishResponse;
    try {
      response = await this.request('POST', sessionsUri, {
        body: { UserName: this.options.username, Password: this.options.password },
        authenticated: false,
      });
    } catch (error) {
      // Only a missing session service falls back to Basic. A wrong password does not: trying it
      // again over Basic would double the failed logins that lock the account.
      const noSessions = error instanceof IloNotFoundError || (error instanceof IloRefusedError && (error.status === 405 || error.status === 501));
      if (auth === 'auto' && noSessions) {
        this.mode = 'basic';
        await this.request('GET', '/redfish/v1/Systems/');
        return;
      }
      throw error;
    }
    const token = response.headers.get('x-auth-token');
    const location = response.headers.get('location') ?? linkOf(response.body);
    if (!token || !location) {
      throw new IloProtocolError(`The iLO at ${this.url.host} created a session without X-Auth-Token or Location`, { status: response.status });
    }
    this.session = { token, uri: new URL(location, this.url).pathname };
    this.mode = 'session';
  }

  private async request(method: string, uri: string, options: RequestOptions = {}): Promise<RedfishResponse> {
    if (this.closed) throw new RedfishError('protocol', 'This Redfish client is closed');
    const session = this.session;
    try {
      return await this.send(method, uri, options, session);
    } catch (error) {
      // The session can vanish under us (iLO reset, session timeout): log in again once.
      if (error instanceof IloAuthError && session !== null && options.authenticated !== false) {
        await this.renewSession(session);
        return this.send(method, uri, options, this.session);
      }
      throw error;
    }
  }

  /**
   * One new session for all the requests that found the old one gone; concurrent logins would
   * each open a session and all but the last would leak.
   */
  private renewSession(expired: { token: string }): Promise<void> {
    if (this.renewing) return this.renewing;
    if (this.session !== expired) return Promise.resolve();
    this.renewing = (async () => {
      this.session = null;
      await this.login();
    })().finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  private async send(method: string, uri: string, options: RequestOptions, session: { token: string } | null): Promise<RedfishResponse> {
    const target = this.resolve(uri);
    const headers: Record<string, string> = { Accept: 'application/json', 'OData-Version': '4.0' };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (options.ifMatch) headers['If-Match'] = options.ifMatch;
    if (options.authenticated !== false) {
      if (session) headers['X-Auth-Token'] = session.token;
      else if (this.mode === 'basic') headers.Authorization = `Basic ${Buffer.from(`${this.options.username}:${this.options.password}`).toString('base64')}`;
    }
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);

    for (let attempt = 1; ; attempt += 1) {
      const started = Date.now();
      let status: number;
      let text: string;
      let responseHeaders: ResponseHeaders;
      try {
        ({ status, headers: responseHeaders, text } = await this.exchange(target, method, headers, payload));
      } catch (error) {
        const mapped = this.transportError(error);
        this.emit({ method, path: target.pathname, status: null, attempt, durationMs: Date.now() - started, error: mapped.code });
        throw mapped;
      }
      this.emit({ method, path: target.pathname, status, attempt, durationMs: Date.now() - started });

      const body = parseBody(text);
      const messages = extractMessages(body);
      if (status === 503 && attempt < this.retry.attempts && isRetryableBusy(messages)) {
        await sleep(this.retryDelay(attempt, responseHeaders, messages));
        continue;
      }
      if (status >= 200 && status < 300) {
        return { status, body, etag: responseHeaders.get('etag') ?? etagOf(body), messages, headers: responseHeaders };
      }
      throw this.httpError(method, target, status, messages, options.authenticated === false && method === 'POST');
    }
  }

  /**
   * One request and its whole answer, within the request timeout. Redirects are followed: older
   * iLO 5 firmware answers 308 to URIs without a trailing slash, and 307/308 keep method and body.
   * They stay on this origin (resolve), so the token does too.
   */
  private async exchange(target: URL, method: string, headers: Record<string, string>, payload: string | undefined): Promise<{ status: number; headers: ResponseHeaders; text: string }> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    let url = target;
    for (let redirects = 0; ; redirects += 1) {
      const answer = await new Promise<{ status: number; headers: IncomingHttpHeaders; text: string }>((resolve, reject) => {
        const request = https.request(url, { method, headers: payload === undefined ? headers : { ...headers, 'Content-Length': String(Buffer.byteLength(payload)) }, agent: this.agent, signal }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
        });
        request.on('error', reject);
        request.end(payload);
      });
      const location = headerOf(answer.headers, 'location');
      if ((answer.status === 307 || answer.status === 308) && location && redirects < 5) {
        url = this.resolve(new URL(location, url).href);
        continue;
      }
      return { status: answer.status, headers: { get: (name) => headerOf(answer.headers, name) }, text: answer.text };
    }
  }

  private resolve(uri: string): URL {
    const target = new URL(uri, this.url);
    // Links come from the iLO; never let one carry the session token to another host.
    if (target.origin !== this.url.origin) {
      throw new IloProtocolError(`The iLO at ${this.url.host} linked to another host (${target.host}); refusing to follow`);
    }
    return target;
  }

  private retryDelay(attempt: number, headers: ResponseHeaders, messages: readonly RedfishMessage[]): number {
    const header = Number(headers.get('retry-after'));
    const hinted = Number.isFinite(header) && header > 0 ? header : retryAfterSecondsFromMessages(messages);
    const backoff = this.retry.baseDelayMs * 2 ** (attempt - 1) * (0.75 + Math.random() / 2);
    return Math.min(this.retry.maxDelayMs, Math.max(backoff, (hinted ?? 0) * 1000));
  }

  private httpError(method: string, target: URL, status: number, messages: RedfishMessage[], isLogin: boolean): RedfishError {
    const host = this.url.host;
    const reason = messages.length > 0 ? messages.map(describeMessage).join('; ') : `HTTP ${status}`;
    const details = { status, messages };
    if (status === 401) {
      return new IloAuthError(
        isLogin || this.mode === 'basic'
          ? `The iLO at ${host} rejected the user name or password for "${this.options.username}" (HTTP 401). Check the credentials; repeated failures can lock the iLO account.`
          : `The iLO at ${host} no longer accepts this session (HTTP 401): ${reason}`,
        details,
      );
    }
    if (messages.some((m) => m.key === 'SessionLimitExceeded')) {
      return new IloSessionLimitError(`The iLO at ${host} refused a new session: ${reason}`, details);
    }
    if (status === 404) return new IloNotFoundError(`The iLO at ${host} has no ${target.pathname} (HTTP 404)`, details);
    if (status === 503) return new IloBusyError(`The iLO at ${host} stayed busy after ${this.retry.attempts} tries: ${reason}`, details);
    if (status === 403) return new IloRefusedError(`The iLO at ${host} does not allow ${method} ${target.pathname} for this user: ${reason}`, { ...details, code: 'forbidden' });
    if (status >= 500) return new IloProtocolError(`The iLO at ${host} failed on ${method} ${target.pathname}: ${reason}`, { status });
    return new IloRefusedError(`The iLO at ${host} refused ${method} ${target.pathname}: ${reason}`, details);
  }

  private transportError(error: unknown): RedfishError {
    const chain: unknown[] = [];
    for (let e: unknown = error; e !== undefined && e !== null && chain.length < 8; e = (e as { cause?: unknown }).cause) chain.push(e);
    const certificate = chain.find((e): e is IloUntrustedCertificateError => e instanceof IloUntrustedCertificateError);
    if (certificate) return certificate;
    const codes = chain.map((e) => String((e as { code?: unknown }).code ?? ''));
    const names = chain.map((e) => String((e as { name?: unknown }).name ?? ''));
    const host = this.url.host;
    const has = (...wanted: string[]) => codes.some((c) => wanted.includes(c));
    if (names.includes('TimeoutError') || names.includes('AbortError') || has('UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT')) {
      return new IloTimeoutError(`The iLO at ${host} did not answer within ${this.timeoutMs} ms`, error);
    }
    if (has('UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT')) {
      return new IloUnreachableError(`Cannot reach the iLO at ${host}: no connection within ${this.connectTimeoutMs} ms. Check the address and the network path to the iLO.`, error);
    }
    if (has('ECONNREFUSED')) {
      return new IloUnreachableError(`Cannot reach the iLO at ${host}: connection refused. Check the address and port, and that the iLO is up.`, error);
    }
    if (has('ENOTFOUND', 'EAI_AGAIN')) {
      return new IloUnreachableError(`Cannot reach the iLO at ${host}: the name ${this.url.hostname} does not resolve.`, error);
    }
    if (has('EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN')) {
      return new IloUnreachableError(`Cannot reach the iLO at ${host}: no route to it.`, error);
    }
    if (codes.some((c) => c.startsWith('ERR_SSL') || c === 'EPROTO' || c.startsWith('ERR_TLS'))) {
      return new IloProtocolError(`The TLS handshake with ${host} failed; is this the iLO's HTTPS port? (${codes.find((c) => c) ?? 'TLS error'})`, { cause: error });
    }
    if (has('ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE')) {
      return new IloUnreachableError(`The connection to the iLO at ${host} was closed before it answered.`, error);
    }
    const message = chain.map((e) => (e instanceof Error ? e.message : String(e))).join(': ');
    return new IloUnreachableError(`Cannot reach the iLO at ${host}: ${message}`, error);
  }

  private emit(event: RedfishRequestEvent): void {
    try {
      this.options.onRequest?.(event);
    } catch {
      // A broken logger must not break the request.
    }
  }
}

/** Logs in, runs `fn`, and always logs out, also when `fn` throws. */
export async function withIlo<T>(options: IloConnectionOptions, fn: (client: RedfishClient) => Promise<T>): Promise<T> {
  const client = await RedfishClient.open(options);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

function isRetryableBusy(messages: readonly RedfishMessage[]): boolean {
  // A bare 503 is retried too; a 503 that names another reason (say, a session limit) is not.
  return messages.length === 0 || messages.some((m) => BUSY_KEYS.has(m.key));
}

function headerOf(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name.toLowerCase()];
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function etagOf(body: unknown): string | null {
  const etag = (body as { '@odata.etag'?: unknown } | null)?.['@odata.etag'];
  return typeof etag === 'string' ? etag : null;
}

export function linkOf(resource: unknown, ...keys: string[]): string | undefined {
  let current = resource;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  const id = (current as { '@odata.id'?: unknown } | null | undefined)?.['@odata.id'];
  return typeof id === 'string' ? id : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
