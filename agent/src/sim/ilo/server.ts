// One simulated iLO: an HTTPS listener that answers like iLO 4, 5 or 6 for one IloMachine.
// Many of them can live in one process (see fleet.ts): each has its own port and certificate,
// as each real iLO has its own address.

import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen } from '../../listen';
import { createIloCertificate, type SimCertificate } from './certificate';
import { IloMachine, SimError, type IloGeneration, type MachineOptions, type SimBootEvent, type SimPowerOffEvent } from './machine';
import { extendedInfo, Renderer } from './resources';

export type BusyMessage = 'ServiceTemporarilyUnavailable' | 'ResourceNotReadyRetry';

export interface BusyInjection {
  /** How many requests in a row are answered 503 before the iLO answers normally again. */
  requests: number;
  retryAfterSeconds?: number;
  messageId?: BusyMessage;
}

export interface IloSimulatorOptions extends MachineOptions {
  /** A label for logs and the fleet listing. */
  name?: string;
  /** Listen address; loopback by default. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  certificate?: SimCertificate;
  latencyMs?: number;
  busy?: BusyInjection;
  /** Answer 308 to URIs without a trailing slash, as older iLO 5 firmware does. Default: iLO 5 only. */
  redirectToTrailingSlash?: boolean;
  /** false: no session service (POST Sessions answers 405), only Basic auth works. */
  sessionService?: boolean;
  /** false: the iLO serves no BIOS attribute registry. */
  attributeRegistry?: boolean;
  /** Split collections into pages of this size linked by Members@odata.nextLink ($skip). */
  collectionPageSize?: number;
  /** Serve /__sim/ control endpoints (state, fault injection, power), no auth. Default true. */
  control?: boolean;
  /**
   * Called after every boot of the simulated server (ForceRestart, GracefulRestart, On): the
   * simulated host implements it as `reboot({ sriov, iommu })`. Runs after the response.
   */
  onReset?: (event: SimBootEvent) => unknown;
  onPowerOff?: (event: SimPowerOffEvent) => unknown;
}

export interface IloSimulator {
  readonly name: string;
  readonly generation: IloGeneration;
  /** https://127.0.0.1:PORT */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly certificate: SimCertificate;
  readonly machine: IloMachine;
  readonly username: string;
  readonly password: string;
  injectBusy(busy: BusyInjection): void;
  setLatency(ms: number): void;
  /** Sessions currently open: must be 0 after any well-behaved client is done. */
  openSessions(): number;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

const MAX_BODY = 1 << 20;

class HttpAnswer {
  constructor(
    readonly status: number,
    readonly body: Json | null,
    readonly headers: Record<string, string> = {},
  ) {}
}

export async function startIloSimulator(options: IloSimulatorOptions = {}): Promise<IloSimulator> {
  const machine = new IloMachine(options);
  const certificate = options.certificate ?? (await createIloCertificate({ commonName: machine.hostName }));
  const render = new Renderer(machine);
  const generation = machine.generation;
  const redirect = options.redirectToTrailingSlash ?? generation === 5;
  const sessionService = options.sessionService ?? true;
  const serveRegistry = options.attributeRegistry ?? true;
  const control = options.control ?? true;
  let latencyMs = options.latencyMs ?? 0;
  let busy: Required<BusyInjection> | null = null;
  const injectBusy = (b: BusyInjection) => {
    busy = { requests: b.requests, retryAfterSeconds: b.retryAfterSeconds ?? 1, messageId: b.messageId ?? 'ServiceTemporarilyUnavailable' };
  };
  if (options.busy) injectBusy(options.busy);
  if (options.onReset) machine.onBoot(options.onReset);
  if (options.onPowerOff) machine.onPowerOff(options.onPowerOff);

  const info = (status: number, messageId: string, args: readonly string[] = [], headers: Record<string, string> = {}) =>
    new HttpAnswer(status, extendedInfo(generation, messageId, args), headers);
  const ok = (body: Json, headers: Record<string, string> = {}) => new HttpAnswer(200, body, headers);
  const notFound = (path: string) => info(404, 'Base.1.4.ResourceMissingAtURI', [path]);
  const methodNotAllowed = () => info(405, 'iLO.2.14.MethodNotAllowed');

  function authenticate(req: IncomingMessage): boolean {
    const token = req.headers['x-auth-token'];
    if (typeof token === 'string' && machine.sessionByToken(token)) return true;
    const authorization = req.headers.authorization;
    if (authorization?.startsWith('Basic ')) {
      const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon > 0 && machine.checkBasic(decoded.slice(0, colon), decoded.slice(colon + 1));
    }
    return false;
  }

  function route(method: string, segments: string[], req: IncomingMessage, body: unknown, path: string): HttpAnswer {
    const [s0, s1, s2, s3, s4, s5] = segments;
    const n = segments.length;

    if (n === 0) return method === 'GET' ? ok(render.serviceRoot()) : methodNotAllowed();

    if (s0 === 'sessionservice' && s1 === 'sessions' && n === 2 && method === 'POST') {
      if (!sessionService) return methodNotAllowed();
      const credentials = (body ?? {}) as Json;
      const session = machine.login(credentials.UserName, credentials.Password);
      const location = `https://${req.headers.host ?? 'localhost'}${render.sessionUri(session)}`;
      return new HttpAnswer(201, render.session(session), { 'X-Auth-Token': session.token, Location: location });
    }

    if (!authenticate(req)) return info(401, 'Base.1.4.NoValidSession');

    const get = (produce: () => Json | undefined) => {
      if (method !== 'GET') return methodNotAllowed();
      const json = produce();
      return json ? ok(paged(json, req)) : notFound(path);
    };

    switch (s0) {
      case 'sessionservice':
        if (n === 1) return get(() => render.sessionService());
        if (s1 !== 'sessions') break;
        if (n === 2) return get(() => render.sessions());
        if (n === 3 && s2) {
          const session = [...machine.sessions.values()].find((s) => s.id.toLowerCase() === s2);
          if (!session) return notFound(path);
          if (method === 'DELETE') {
            machine.logout(session.id);
            return info(200, 'Base.1.4.Success');
          }
          return get(() => render.session(session));
        }
        break;
      case 'systems':
        if (n === 1) return get(() => render.systems());
        if (s1 !== '1') break;
        if (n === 2) return get(() => render.system());
        if (n === 4 && s2 === 'actions' && s3 === 'computersystem.reset') {
          if (method !== 'POST') return methodNotAllowed();
          machine.reset(((body ?? {}) as Json).ResetType);
          return info(200, 'Base.1.4.Success');
        }
        if (s2 === 'bios' && n === 3) {
          // The current settings are read-only; only the settings object takes a PATCH.
          return get(() => render.bios());
        }
        if (s2 === 'bios' && s3 === 'settings' && n === 4) {
          if (method === 'PATCH') return patchBiosSettings(req, body);
          if (method !== 'GET') return methodNotAllowed();
          // iLO 4 sends no ETag; iLO 5 and 6 do, and check If-Match against it.
          return ok(render.biosSettings(), generation === 4 ? {} : { ETag: machine.settingsEtag });
        }
        if (s2 === 'pcidevices') {
          if (n === 3) return get(() => render.pciDevices());
          if (n === 4 && s3) return get(() => render.pciDevice(s3));
        }
        if (s2 === 'pciedevices' && (machine.redfishShape.pciDevices ?? 'oem') !== 'oem') {
          if (n === 3) return get(() => render.pcieDevices());
          if (n === 4 && s3) return get(() => render.pcieDevice(s3));
        }
        if (s2 === 'basenetworkadapters' && generation === 5) {
          if (n === 3) return get(() => render.baseNetworkAdapters());
          if (n === 4) return get(() => render.baseNetworkAdapter(Number(s3) - 1));
        }
        break;
      case 'chassis':
        if (n === 1) return get(() => render.chassisCollection());
        if (s1 !== '1') break;
        if (n === 2) return get(() => render.chassis());
        if (s2 === 'networkadapters' && generation !== 4) {
          if (n === 3) return get(() => render.networkAdapters());
          const nic = render.redfishNics().find((x) => x.id.toLowerCase() === s3);
          if (!nic) break;
          if (n === 4) return get(() => render.networkAdapter(nic));
          if (s4 === 'networkdevicefunctions') {
            if (n === 5) return get(() => render.networkDeviceFunctions(nic));
            if (n === 6) return get(() => render.networkDeviceFunction(nic, Number(s5) - 1));
          }
        }
        break;
      case 'managers':
        if (n === 1) return get(() => render.managers());
        if (s1 !== '1') break;
        if (n === 2) return get(() => render.manager());
        if (n === 4 && s2 === 'actions' && s3 === 'manager.reset') {
          if (method !== 'POST') return methodNotAllowed();
          // The reset drops every session, the caller's too; the BIOS is untouched.
          setImmediate(() => machine.resetManager());
          return info(200, 'Base.1.4.Success');
        }
        break;
      case 'registries':
        if (n === 1) return get(() => withoutBiosRegistry(render.registries()));
        if (n === 2 && serveRegistry && s1 === machine.registryName.toLowerCase()) return get(() => render.registryFile());
        break;
      case 'registrystore':
        if (n === 4 && serveRegistry && s1 === 'registries' && s2 === 'en' && s3 === machine.registryName.toLowerCase()) {
          return get(() => render.attributeRegistry());
        }
        break;
    }
    return notFound(path);
  }

  function paged(json: Json, req: IncomingMessage): Json {
    const size = options.collectionPageSize;
    if (!size || !Array.isArray(json.Members)) return json;
    const skip = Number(new URL(req.url ?? '/', 'https://sim.invalid').searchParams.get('$skip') ?? 0) || 0;
    const members = json.Members.slice(skip, skip + size);
    const more = skip + size < json.Members.length;
    return { ...json, Members: members, ...(more ? { 'Members@odata.nextLink': `${String(json['@odata.id'])}?$skip=${skip + size}` } : {}) };
  }

  function withoutBiosRegistry(collection: Json): Json {
    if (serveRegistry) return collection;
    const members = (collection.Members as Json[]).filter((m) => !String(m['@odata.id']).toLowerCase().includes(machine.registryName.toLowerCase()));
    return { ...collection, Members: members, 'Members@odata.count': members.length };
  }

  function patchBiosSettings(req: IncomingMessage, body: unknown): HttpAnswer {
    const ifMatch = req.headers['if-match'];
    if (typeof ifMatch === 'string' && ifMatch !== '*' && ifMatch !== machine.settingsEtag) {
      return info(412, 'Base.1.4.PreconditionFailed');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return info(400, 'Base.1.4.MalformedJSON');
    const json = body as Json;
    // The real iLO answers 200 and SystemResetRequired to a body in the other generation's shape
    // and records nothing: the trap the client must never fall into.
    if (generation === 4) {
      const attributes = Object.fromEntries(Object.entries(json).filter(([k]) => k !== 'Attributes' && !k.startsWith('@')));
      if ('Attributes' in json || Object.keys(attributes).length === 0) machine.recordIgnoredPatch();
      if (Object.keys(attributes).length > 0) machine.recordPending(attributes);
    } else {
      const attributes = json.Attributes;
      if (typeof attributes === 'object' && attributes !== null && !Array.isArray(attributes)) {
        machine.recordPending(attributes as Json);
      } else {
        machine.recordIgnoredPatch();
      }
    }
    return info(200, 'iLO.2.14.SystemResetRequired', [], generation === 4 ? {} : { ETag: machine.settingsEtag });
  }

  function controlRoute(method: string, path: string, body: unknown): HttpAnswer {
    if (path === '/__sim/state' && method === 'GET') {
      machine.expireSessions();
      return ok({
        name: options.name ?? machine.hostName,
        generation,
        powerState: machine.powerState,
        bios: machine.current,
        pending: machine.pending,
        openSessions: machine.sessions.size,
        stats: machine.stats,
      });
    }
    if (path === '/__sim/faults' && method === 'POST') {
      const faults = (body ?? {}) as { busyRequests?: number; retryAfterSeconds?: number; latencyMs?: number; messageId?: BusyMessage };
      if (typeof faults.busyRequests === 'number') {
        injectBusy({ requests: faults.busyRequests, retryAfterSeconds: faults.retryAfterSeconds, messageId: faults.messageId });
      }
      if (typeof faults.latencyMs === 'number') latencyMs = faults.latencyMs;
      return ok({ busyRequests: busy?.requests ?? 0, latencyMs });
    }
    if (path === '/__sim/power' && method === 'POST') {
      // Like pressing the power button: a boot applies pending BIOS values and calls onReset.
      const wanted = ((body ?? {}) as { state?: unknown }).state;
      if (wanted !== 'On' && wanted !== 'Off') return info(400, 'Base.1.4.PropertyValueNotInList', [String(wanted), 'state']);
      if (machine.powerState !== wanted) machine.reset(wanted === 'On' ? 'On' : 'ForceOff');
      return ok({ powerState: machine.powerState });
    }
    return notFound(path);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'https://sim.invalid');
    let rawPath: string;
    let raw: string;
    try {
      rawPath = decodeURIComponent(url.pathname);
      raw = await readBody(req);
    } catch (error) {
      if (error instanceof SimError) return send(res, info(error.status, error.messageId));
      return send(res, notFound(url.pathname));
    }
    let body: unknown = null;
    let answer: HttpAnswer;
    try {
      body = raw.length > 0 ? JSON.parse(raw) : null;
    } catch {
      return send(res, info(400, 'Base.1.4.MalformedJSON'));
    }

    if (control && rawPath.startsWith('/__sim/')) return send(res, controlRoute(method, rawPath, body));

    // Busy or not is decided when the request arrives; the latency delays either answer.
    let busyAnswer: HttpAnswer | null = null;
    if (busy && busy.requests > 0) {
      busy.requests -= 1;
      const retryAfter = String(busy.retryAfterSeconds);
      busyAnswer = info(503, `Base.1.4.${busy.messageId}`, [retryAfter], { 'Retry-After': retryAfter });
    }
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (busyAnswer) return send(res, busyAnswer);

    const normalized = rawPath.toLowerCase().replace(/\/+$/, '');
    if (normalized === '/redfish') return send(res, ok({ v1: '/redfish/v1/' }));
    if (!normalized.startsWith('/redfish/v1') || (normalized.length > 11 && normalized[11] !== '/')) {
      return send(res, notFound(rawPath));
    }
    if (redirect && !rawPath.endsWith('/')) {
      // 308 keeps the method and body, so a PATCH or POST survives the redirect.
      return send(res, new HttpAnswer(308, null, { Location: `${rawPath}/${url.search}` }));
    }
    const segments = normalized.slice('/redfish/v1'.length).split('/').filter(Boolean);
    try {
      answer = route(method, segments, req, body, rawPath);
    } catch (error) {
      if (!(error instanceof SimError)) throw error;
      answer = info(error.status, error.messageId, error.args);
    }
    send(res, answer);
  }

  const server: Server = createServer({ cert: certificate.cert, key: certificate.key }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('iLO simulator: request failed:', error);
      if (!res.headersSent) send(res, info(500, 'Base.1.4.InternalError'));
    });
  });
  // A TLS handshake rejected by a client that does not trust the certificate is expected here.
  server.on('tlsClientError', () => {});

  const host = options.host ?? '127.0.0.1';
  const { port, urlHost } = await listen(server, options.port ?? 0, host);

  return {
    name: options.name ?? machine.hostName,
    generation,
    url: `https://${urlHost}:${port}`,
    host,
    port,
    certificate,
    machine,
    username: machine.username,
    password: machine.password,
    injectBusy,
    setLatency: (ms) => {
      latencyMs = ms;
    },
    openSessions: () => {
      machine.expireSessions();
      return machine.sessions.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, answer: HttpAnswer): void {
  const headers: Record<string, string> = { ...answer.headers };
  let payload = '';
  if (answer.body !== null) {
    payload = JSON.stringify(answer.body);
    headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  headers['OData-Version'] = '4.0';
  res.writeHead(answer.status, headers);
  res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new SimError(413, 'Base.1.4.RequestBodyTooLarge');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
