// The typed client for a host agent's API (agent/src/api-types.ts). The server holds each agent's
// token (encrypted in the inventory) and, for https agents, the pinned SHA-256 fingerprint of its
// certificate, checked on the socket before the token is sent.

import 'server-only';
import { Agent as HttpDispatcher, type Dispatcher, fetch } from 'undici';
import { createPinnedDispatcher } from './pinned-dispatcher';
import type {
  AttachRequest,
  ChangeResult,
  DesiredStateReport,
  GuestReport,
  DriverTarget,
  ErrorEnvelope,
  Health,
  Inventory,
  OsFixResult,
  PhysicalFunction,
  VfSettings,
  VirtualFunction,
  Vm,
  VmList,
} from '@/agent/src/api-types';

export interface AgentTarget {
  url: string;
  token: string;
  /** SHA-256 fingerprint of the agent's certificate (https agents). */
  certSha256: string | null;
}

/**
 * Why a call failed, sorted by what the caller can do about it: `transient` failures (agent
 * unreachable, timed out, busy with another change on the PF, 503) are worth another attempt;
 * the rest (the kernel refused, bad request, conflict with the host's state) are final.
 */
export class AgentCallError extends Error {
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'timeout' | 'untrusted-certificate' | 'http' | 'protocol',
    readonly transient: boolean,
    readonly status: number | null = null,
    readonly code: string | null = null,
    readonly errno: string | null = null,
  ) {
    super(message);
    this.name = 'AgentCallError';
  }
}

const dispatchers = new Map<string, Dispatcher>();

/** One connection pool per agent and trust, kept between polls. */
function dispatcherFor(target: AgentTarget): Dispatcher {
  const url = new URL(target.url);
  const key = `${url.origin}|${target.certSha256 ?? ''}`;
  let dispatcher = dispatchers.get(key);
  if (!dispatcher) {
    dispatcher =
      url.protocol === 'https:'
        ? createPinnedDispatcher(target.certSha256 ? { kind: 'fingerprint', sha256: target.certSha256 } : { kind: 'system' }, { connectTimeoutMs: 5_000, url })
        : new HttpDispatcher({ connect: { timeout: 5_000 }, keepAliveTimeout: 4_000 });
    dispatchers.set(key, dispatcher);
  }
  return dispatcher;
}

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT']);

function networkError(target: AgentTarget, error: unknown): AgentCallError {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: string } | null)?.code ?? '';
  const host = new URL(target.url).host;
  if (cause instanceof Error && cause.name === 'IloUntrustedCertificateError') {
    return new AgentCallError(cause.message.replace(/The iLO/g, 'The agent'), 'untrusted-certificate', false);
  }
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')) {
    return new AgentCallError(`The agent at ${host} did not answer in time.`, 'timeout', true);
  }
  const why = code === 'ECONNREFUSED' ? 'connection refused (agent not running, or the host is down)' : code || (cause instanceof Error ? cause.message : String(cause));
  return new AgentCallError(`The agent at ${host} is unreachable: ${why}.`, 'unreachable', TRANSIENT_CODES.has(code) || code === '');
}

/**
 * A conditional GET's answer: 304 (what the caller holds under this ETag is still current) or
 * the answer with its ETag (null from an agent too old to send one).
 */
export type Conditional<T> = { notModified: true; etag: string } | Changed<T>;
export type Changed<T> = { notModified: false; value: T; etag: string | null };

export class AgentClient {
  constructor(
    readonly target: AgentTarget,
    private readonly timeoutMs = 30_000,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown, timeoutMs = this.timeoutMs): Promise<T> {
    return this.payload<T>(method, path, await this.request(method, path, body, timeoutMs));
  }

  /** GET with If-None-Match when an ETag is given; 304 comes back without a body to parse. */
  private async conditionalGet<T>(path: string, etag: string | null): Promise<Conditional<T>> {
    const response = await this.request('GET', path, undefined, this.timeoutMs, etag === null ? {} : { 'if-none-match': etag });
    const answered = response.headers.get('etag');
    if (response.status === 304) {
      await response.body?.cancel();
      if (etag === null) throw new AgentCallError(`The agent at ${new URL(this.target.url).host} answered GET /v1/${path} with 304 to a request that was not conditional.`, 'protocol', false, 304);
      return { notModified: true, etag: answered ?? etag };
    }
    return { notModified: false, value: await this.payload<T>('GET', path, response), etag: answered };
  }

  private async request(method: string, path: string, body: unknown, timeoutMs: number, headers: Record<string, string> = {}) {
    const url = new URL(`/v1/${path}`, this.target.url);
    try {
      return await fetch(url, {
        method,
        dispatcher: dispatcherFor(this.target),
        signal: AbortSignal.timeout(timeoutMs),
        headers: { authorization: `Bearer ${this.target.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw networkError(this.target, error);
    }
  }

  private async payload<T>(method: string, path: string, response: Awaited<ReturnType<typeof fetch>>): Promise<T> {
    const url = new URL(`/v1/${path}`, this.target.url);
    let payload: unknown;
    try {
      payload = await response.json();
    } catch (error) {
      if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) throw networkError(this.target, error);
      throw new AgentCallError(`The agent at ${url.host} answered ${method} /v1/${path} with something that is not JSON (HTTP ${response.status}).`, 'protocol', false, response.status);
    }
    if (!response.ok) {
      const envelope = (payload as Partial<ErrorEnvelope>).error;
      const code = envelope?.code ?? null;
      const message = envelope?.message ?? `HTTP ${response.status}`;
      // 409 "busy": another change holds the PF's lock on the agent; 503 and 504: try again later.
      const transient = code === 'busy' || response.status === 503 || response.status === 504;
      throw new AgentCallError(message, 'http', transient, response.status, code, envelope?.errno ?? null);
    }
    return payload as T;
  }

  health(timeoutMs = 5_000): Promise<Health> {
    return this.call('GET', 'health', undefined, timeoutMs);
  }
  inventory(): Promise<Inventory> {
    return this.call('GET', 'inventory');
  }
  async vms(): Promise<Vm[]> {
    return (await this.call<VmList>('GET', 'vms')).vms;
  }
  /** The inventory unless it is still the one tagged `etag` (null: always the inventory). */
  inventoryIfChanged(etag: null): Promise<Changed<Inventory>>;
  inventoryIfChanged(etag: string | null): Promise<Conditional<Inventory>>;
  inventoryIfChanged(etag: string | null): Promise<Conditional<Inventory>> {
    return this.conditionalGet('inventory', etag);
  }
  vmsIfChanged(etag: null): Promise<Changed<Vm[]>>;
  vmsIfChanged(etag: string | null): Promise<Conditional<Vm[]>>;
  async vmsIfChanged(etag: string | null): Promise<Conditional<Vm[]>> {
    const answer = await this.conditionalGet<VmList>('vms', etag);
    return answer.notModified ? answer : { ...answer, value: answer.value.vms };
  }
  /** What the VM's guest sees of its VFs; the agent bounds each guest-agent command to 2 s. */
  guest(vm: string): Promise<GuestReport> {
    return this.call('GET', `vms/${encodeURIComponent(vm)}/guest`, undefined, 20_000);
  }
  desiredState(): Promise<DesiredStateReport> {
    return this.call('GET', 'desired-state');
  }
  setNumVfs(pf: string, numVfs: number): Promise<ChangeResult<PhysicalFunction>> {
    return this.call('PUT', `pfs/${encodeURIComponent(pf)}/num-vfs`, { numVfs, timeoutMs: 60_000 }, 90_000);
  }
  setVf(vf: string, settings: VfSettings): Promise<ChangeResult<VirtualFunction>> {
    return this.call('PATCH', `vfs/${encodeURIComponent(vf)}`, settings);
  }
  bind(vf: string, driver: DriverTarget): Promise<ChangeResult<VirtualFunction>> {
    return this.call('PUT', `vfs/${encodeURIComponent(vf)}/driver`, { driver });
  }
  attach(vm: string, request: AttachRequest): Promise<ChangeResult<Vm>> {
    return this.call('POST', `vms/${encodeURIComponent(vm)}/attach`, request);
  }
  detach(vm: string, vf: string): Promise<ChangeResult<Vm>> {
    return this.call('POST', `vms/${encodeURIComponent(vm)}/detach`, { vf });
  }
  osFix(fix: 'iommu-args' | 'vfio'): Promise<OsFixResult> {
    return this.call('POST', fix === 'iommu-args' ? 'host/iommu-args' : 'host/vfio');
  }
}
