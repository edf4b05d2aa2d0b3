// Glue between the Redfish client and the agent's two faces: the HTTP API (/v1/bios,
// /v1/power/reset) and the CLI (bios get/set, power reset). Parsing, error mapping and text
// output only: no sockets, files or process state here, so the CLI and the server stay thin.

import { readBios, setBios, type BiosChangeResult, type BiosReport } from './bios';
import { parseIloUrl, withIlo, type IloConnectionOptions, type RedfishRequestEvent } from './client';
import { BiosChangeError, RedfishError, type RedfishErrorCode } from './errors';
import { readPower, resetServer, type RestartKind } from './power';
import type { BiosValue } from './registry';
import { normalizeFingerprint, type IloTrust } from './tls';

export interface RequestIssue {
  path: string;
  message: string;
}

/** Bad input to an iLO operation (header, body, CLI settings): the caller's 400. */
export class IloRequestError extends Error {
  constructor(
    message: string,
    readonly issues: RequestIssue[] = [],
  ) {
    super(message);
    this.name = 'IloRequestError';
  }
}

/**
 * A request validator: returns the value, or records issues and returns undefined. Issues name
 * the field and never echo its value, which may be a password.
 */
export type RequestCheck<T> = (input: unknown, issues: RequestIssue[]) => T | undefined;

export function parseIloRequest<T>(check: RequestCheck<T>, input: unknown, what: string): T {
  const issues: RequestIssue[] = [];
  const value = check(input, issues);
  if (value !== undefined && issues.length === 0) return value;
  const listed = issues.map((i) => ({ path: i.path || what, message: i.message }));
  throw new IloRequestError(`invalid ${what}: ${listed.map((i) => `${i.path}: ${i.message}`).join('; ')}`, listed);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(input: Record<string, unknown>, key: string, max: number, issues: RequestIssue[], prefix = ''): string | undefined {
  const value = input[key];
  if (typeof value !== 'string' || value.length === 0) issues.push({ path: `${prefix}${key}`, message: 'a non-empty string is required' });
  else if (value.length > max) issues.push({ path: `${prefix}${key}`, message: `at most ${max} characters` });
  else return value;
  return undefined;
}

/** Where an iLO is and how to log in; the dashboard's server sends it with every request. */
export interface IloTarget {
  url: string;
  username: string;
  password: string;
  trust: IloTrust;
}

const TRUST_FIELDS = new Map<string, readonly string[]>([
  ['ca', ['kind', 'ca', 'checkHostname', 'serverName']],
  ['fingerprint', ['kind', 'sha256']],
  ['system', ['kind']],
  ['insecure', ['kind']],
]);

function checkTrust(input: unknown, issues: RequestIssue[]): IloTrust | undefined {
  if (!isObject(input)) {
    issues.push({ path: 'trust', message: 'an object with kind ca, fingerprint, system or insecure is required' });
    return undefined;
  }
  const fields = TRUST_FIELDS.get(String(input.kind));
  if (fields) refuseUnknown(input, fields, issues, 'trust.');
  switch (input.kind) {
    case 'ca': {
      const ca = text(input, 'ca', 65_536, issues, 'trust.');
      if (input.checkHostname !== undefined && typeof input.checkHostname !== 'boolean') issues.push({ path: 'trust.checkHostname', message: 'a boolean' });
      const serverName = input.serverName === undefined ? undefined : tlsName(input.serverName, 'trust.serverName', issues);
      if (ca === undefined || (input.serverName !== undefined && serverName === undefined)) return undefined;
      return {
        kind: 'ca',
        ca,
        ...(typeof input.checkHostname === 'boolean' ? { checkHostname: input.checkHostname } : {}),
        ...(serverName !== undefined ? { serverName } : {}),
      };
    }
    case 'fingerprint': {
      const sha256 = typeof input.sha256 === 'string' ? input.sha256 : '';
      try {
        return { kind: 'fingerprint', sha256: normalizeFingerprint(sha256) };
      } catch {
        issues.push({ path: 'trust.sha256', message: 'a SHA-256 fingerprint has 64 hexadecimal digits' });
        return undefined;
      }
    }
    case 'system':
    case 'insecure':
      return { kind: input.kind };
    default:
      issues.push({ path: 'trust.kind', message: 'one of ca, fingerprint, system, insecure' });
      return undefined;
  }
}

const TLS_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A DNS name the iLO's certificate must carry ("ILOMXQ1234" or "ilo-r1u01.example.com"). */
function tlsName(input: unknown, path: string, issues: RequestIssue[]): string | undefined {
  if (typeof input === 'string' && TLS_NAME.test(input)) return input;
  issues.push({ path, message: 'a host name the iLO certificate carries, such as ILOMXQ1234 or ilo-r1u01.example.com' });
  return undefined;
}

/** Fields outside `allowed` are refused, as the rest of the agent API does (own keys only). */
function refuseUnknown(input: Record<string, unknown>, allowed: readonly string[], issues: RequestIssue[], prefix = ''): void {
  for (const key of Object.keys(input)) if (!allowed.includes(key)) issues.push({ path: `${prefix}${key}`, message: 'unknown field' });
}

const ILO_URL_FORMAT = 'an HTTPS address of the iLO: https://host[:port] or a bare host name';

/** Checked here so that a malformed address is the caller's 400, never a failure inside the client. */
function iloUrl(url: string | undefined, issues: RequestIssue[]): string | undefined {
  if (url === undefined) return undefined;
  try {
    parseIloUrl(url);
    return url;
  } catch {
    issues.push({ path: 'url', message: ILO_URL_FORMAT });
    return undefined;
  }
}

export const checkIloTarget: RequestCheck<IloTarget> = (input, issues) => {
  if (!isObject(input)) {
    issues.push({ path: '', message: 'an object is required' });
    return undefined;
  }
  refuseUnknown(input, ['url', 'username', 'password', 'trust'], issues);
  const url = iloUrl(text(input, 'url', 2048, issues), issues);
  const username = text(input, 'username', 64, issues);
  const password = text(input, 'password', 256, issues);
  const trust = checkTrust(input.trust, issues);
  return url !== undefined && username !== undefined && password !== undefined && trust !== undefined ? { url, username, password, trust } : undefined;
};

/**
 * The agent API carries the iLO target in this header, base64url-encoded JSON, on all three
 * routes: GET /v1/bios cannot have a body (fetch refuses one), and one way for all is simpler.
 */
export const ILO_TARGET_HEADER = 'x-ilo-target';

export function encodeIloTarget(target: IloTarget): string {
  return Buffer.from(JSON.stringify(target), 'utf8').toString('base64url');
}

export function decodeIloTarget(header: string | string[] | undefined): IloTarget {
  if (typeof header !== 'string' || header.length === 0) throw new IloRequestError(`The ${ILO_TARGET_HEADER} header is required`);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
  } catch {
    throw new IloRequestError(`The ${ILO_TARGET_HEADER} header is not base64url-encoded JSON`);
  }
  const issues: RequestIssue[] = [];
  const target = checkIloTarget(json, issues);
  if (target === undefined || issues.length > 0) {
    throw new IloRequestError(`The ${ILO_TARGET_HEADER} header is invalid: ${issues.map((i) => `${i.path || 'value'}: ${i.message}`).join('; ')}`, issues);
  }
  return target;
}

const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** PATCH /v1/bios body: `{ "attributes": { "Sriov": "Enabled", "PatrolScrubDuration": 12 } }`; typed by the registry later. */
export const checkBiosPatchBody: RequestCheck<{ attributes: Record<string, BiosValue> }> = (input, issues) => {
  if (isObject(input)) refuseUnknown(input, ['attributes'], issues);
  const attributes = isObject(input) ? input.attributes : undefined;
  if (!isObject(attributes) || Object.keys(attributes).length === 0) {
    issues.push({ path: 'attributes', message: 'an object with at least one attribute is required' });
    return undefined;
  }
  const out: Record<string, BiosValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (!ATTRIBUTE_NAME.test(name)) issues.push({ path: 'attributes', message: `${JSON.stringify(name.slice(0, 64))} is not a BIOS attribute name` });
    else if (typeof value === 'string' ? value.length <= 256 : typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) out[name] = value as BiosValue;
    else issues.push({ path: `attributes.${name}`, message: 'a string of at most 256 characters, a number or a boolean' });
  }
  return { attributes: out };
};

/** POST /v1/power/reset body: `{ "kind": "GracefulRestart" | "ForceRestart" }`, kind optional. */
export const checkPowerResetBody: RequestCheck<{ kind: RestartKind }> = (input, issues) => {
  if (isObject(input)) refuseUnknown(input, ['kind'], issues);
  const kind = isObject(input) ? input.kind : input === undefined || input === null ? undefined : null;
  if (kind === undefined) return { kind: 'GracefulRestart' };
  if (kind === 'GracefulRestart' || kind === 'ForceRestart') return { kind };
  issues.push({ path: 'kind', message: 'GracefulRestart or ForceRestart' });
  return undefined;
};

export function connectionOptions(target: IloTarget, extra: Pick<IloConnectionOptions, 'onRequest' | 'timeoutMs' | 'retry'> = {}): IloConnectionOptions {
  return { url: target.url, username: target.username, password: target.password, trust: target.trust, ...extra };
}

export interface OperationOptions {
  onRequest?: (event: RedfishRequestEvent) => void;
}

/** GET /v1/bios, `sriov-agent bios get`. */
export function biosGet(target: IloTarget, options: OperationOptions = {}): Promise<BiosReport> {
  return withIlo(connectionOptions(target, options), (client) => readBios(client, { useRegistry: true }));
}

/** PATCH /v1/bios, `sriov-agent bios set NAME=VALUE...`: the change, then the BIOS as it now reads. */
export function biosSet(target: IloTarget, attributes: Record<string, BiosValue>, options: OperationOptions = {}): Promise<{ change: BiosChangeResult; bios: BiosReport }> {
  return withIlo(connectionOptions(target, options), async (client) => {
    const change = await setBios(client, attributes);
    return { change, bios: await readBios(client, { useRegistry: true }) };
  });
}

/** POST /v1/power/reset, `sriov-agent power reset [--force]`. */
export function powerReset(target: IloTarget, kind: RestartKind, options: OperationOptions = {}): Promise<{ resetType: RestartKind; powerState: string | null }> {
  return withIlo(connectionOptions(target, options), async (client) => {
    const { resetType } = await resetServer(client, kind);
    return { resetType, powerState: (await readPower(client)).powerState };
  });
}

/** The agent API's error codes (agent/src/api-types.ts ErrorCode) that iLO failures map to. */
export type ApiErrorCode = 'bad-request' | 'conflict' | 'refused' | 'timeout' | 'unavailable';

const API_ERRORS: Record<RedfishErrorCode, { code: ApiErrorCode; status: number }> = {
  'invalid-change': { code: 'bad-request', status: 400 },
  'locked-by-profile': { code: 'conflict', status: 409 },
  // The iLO answered and said no: wrong credentials, untrusted certificate, powered off...
  'auth-failed': { code: 'refused', status: 422 },
  'untrusted-certificate': { code: 'refused', status: 422 },
  forbidden: { code: 'refused', status: 422 },
  refused: { code: 'refused', status: 422 },
  'not-found': { code: 'refused', status: 422 },
  unsupported: { code: 'refused', status: 422 },
  'change-not-recorded': { code: 'refused', status: 422 },
  // Try again later, or elsewhere.
  'session-limit': { code: 'unavailable', status: 503 },
  busy: { code: 'unavailable', status: 503 },
  unreachable: { code: 'unavailable', status: 503 },
  protocol: { code: 'unavailable', status: 503 },
  timeout: { code: 'timeout', status: 504 },
};

export interface IloErrorEnvelope {
  error: {
    code: ApiErrorCode;
    message: string;
    /** What went wrong with the iLO, for programs: auth-failed, unreachable, untrusted-certificate... */
    iloCode: RedfishErrorCode;
    messageId?: string;
    /** For untrusted-certificate: what the iLO presented, so an operator can pin it. */
    presentedFingerprint256?: string;
    issues?: { path: string; message: string }[];
  };
}

export function redfishErrorResponse(error: RedfishError): { status: number; body: IloErrorEnvelope } {
  const mapped = API_ERRORS[error.code];
  const fingerprint = (error as { presentedFingerprint256?: unknown }).presentedFingerprint256;
  return {
    status: mapped.status,
    body: {
      error: {
        code: mapped.code,
        message: error.message,
        iloCode: error.code,
        ...(error.messageId ? { messageId: error.messageId } : {}),
        ...(typeof fingerprint === 'string' ? { presentedFingerprint256: fingerprint } : {}),
        ...(error instanceof BiosChangeError && error.problems.length > 0
          ? { issues: error.problems.map((p) => ({ path: `attributes.${p.attribute}`, message: p.problem })) }
          : {}),
      },
    },
  };
}

/** The CLI's and the environment's iLO settings, already read (the CLI reads the files). */
export interface IloCliSettings {
  url?: string;
  username?: string;
  /** Read from --ilo-password-file or ILO_PASSWORD_FILE, or ILO_PASSWORD; never from argv. */
  password?: string;
  /** PEM read from --ilo-ca / ILO_CA_FILE. */
  caPem?: string;
  fingerprint?: string;
  insecure?: boolean;
  /** --ilo-tls-name / ILO_TLS_NAME: with caPem, the name the certificate must carry instead of the URL's host. */
  tlsName?: string;
}

/** Builds the target from CLI settings, insisting on exactly one way to trust the iLO. */
export function iloTargetFromCli(settings: IloCliSettings): IloTarget {
  const missing = [
    settings.url ? null : '--ilo (or ILO_URL)',
    settings.username ? null : '--ilo-user (or ILO_USER)',
    settings.password ? null : '--ilo-password-file (or ILO_PASSWORD_FILE / ILO_PASSWORD)',
  ].filter((m): m is string => m !== null);
  if (missing.length > 0) throw new IloRequestError(`Missing ${missing.join(', ')}`);
  if (iloUrl(settings.url, []) === undefined) throw new IloRequestError(`--ilo (or ILO_URL) must be ${ILO_URL_FORMAT}`);
  const ways = [settings.caPem !== undefined, settings.fingerprint !== undefined, settings.insecure === true].filter(Boolean).length;
  if (ways !== 1) {
    throw new IloRequestError(
      'Say how to trust the iLO certificate with exactly one of --ilo-ca FILE, --ilo-fingerprint SHA256 or --ilo-insecure (or ILO_CA_FILE, ILO_FINGERPRINT, ILO_INSECURE=1)',
    );
  }
  if (settings.tlsName !== undefined && settings.caPem === undefined) {
    throw new IloRequestError('--ilo-tls-name (or ILO_TLS_NAME) names what the certificate checked against --ilo-ca must carry: give --ilo-ca too');
  }
  const serverName = settings.tlsName === undefined ? undefined : tlsName(settings.tlsName, '--ilo-tls-name', []);
  if (settings.tlsName !== undefined && serverName === undefined) throw new IloRequestError('--ilo-tls-name (or ILO_TLS_NAME) must be a host name, such as ILOMXQ1234 or ilo-r1u01.example.com');
  let trust: IloTrust;
  if (settings.caPem !== undefined) trust = { kind: 'ca', ca: settings.caPem, ...(serverName ? { serverName } : {}) };
  else if (settings.fingerprint === undefined) trust = { kind: 'insecure' };
  else {
    try {
      trust = { kind: 'fingerprint', sha256: normalizeFingerprint(settings.fingerprint) };
    } catch (error) {
      throw new IloRequestError(`--ilo-fingerprint (or ILO_FINGERPRINT): ${(error as Error).message}`);
    }
  }
  return { url: settings.url!, username: settings.username!, password: settings.password!, trust };
}

function cell(state: { current: string | null; pending: string | null }): string {
  if (state.current === null && state.pending === null) return '-';
  return state.pending === null ? (state.current ?? '-') : `${state.current ?? '-'} -> ${state.pending} (pending reset)`;
}

/** `sriov-agent bios get` as text. */
export function formatBiosReport(report: BiosReport): string {
  const row = (label: string, value: string) => `${label.padEnd(20)}${value}`;
  const lines = [
    row('Server', `${report.model ?? 'unknown model'}, serial ${report.serialNumber ?? 'unknown'}, power ${report.powerState ?? 'unknown'}`),
    row('BIOS', report.biosVersion ?? 'unknown'),
    row('iLO', `${report.iloGeneration ? `iLO ${report.iloGeneration}` : 'unknown generation'}, firmware ${report.iloFirmware ?? 'unknown'}`),
    row('WorkloadProfile', cell(report.workloadProfile)),
  ];
  for (const [name, state] of Object.entries(report.attributes)) {
    if (state.current === null && state.pending === null) continue;
    const lock = report.locks.find((l) => l.attribute === name);
    const locked = lock ? `  [locked by ${lock.lockedBy.map((c) => `${c.attribute}=${c.value}`).join(', ')}]` : '';
    lines.push(row(name, `${cell(state)}${locked}`));
  }
  lines.push(report.resetPending ? 'A server reset is pending: run `sriov-agent power reset` to apply it.' : 'No change pending.');
  if (report.lastApply.rejected.length > 0) {
    lines.push('Rejected by the BIOS at the last reset:');
    for (const r of report.lastApply.rejected) lines.push(`  ${r.attribute ?? '?'}: ${r.reason}`);
  }
  return lines.join('\n');
}
