import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorEnvelope, PowerResetResult } from '../src/api-types';
import { type BiosChangeResult, type BiosReport, encodeIloTarget, type IloTarget } from '../src/redfish/index';
import { type IloSimulator, startIloSimulator } from '../src/sim/ilo/index';

// GET/PATCH /v1/bios and POST /v1/power/reset of the built bundle, run as its own process,
// against an iLO simulator in this process, pinned by its certificate fingerprint. The target
// travels in X-Ilo-Target with every request; the agent keeps none of it.
const AGENT_DIR = path.resolve(__dirname, '..');
const TOKEN = 'bios-test-token-0123456789abcdef';

let dir: string;
let child: ChildProcess;
let base: string;
let ilo: IloSimulator;
let log = '';

function target(overrides: Partial<IloTarget> = {}): IloTarget {
  return { url: ilo.url, username: ilo.username, password: ilo.password, trust: { kind: 'fingerprint', sha256: ilo.certificate.fingerprint256 }, ...overrides };
}

async function call<T>(method: string, route: string, options: { ilo?: string | null; body?: unknown; token?: string | null } = {}): Promise<{ status: number; body: T }> {
  const token = options.token === undefined ? TOKEN : options.token;
  const header = options.ilo === undefined ? encodeIloTarget(target()) : options.ilo;
  const res = await fetch(`${base}${route}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(header === null ? {} : { 'X-Ilo-Target': header }),
      ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** An X-Ilo-Target value as a careless server might build it. */
function header(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sriov-agent-bios-'));
  const bundle = path.join(dir, 'sriov-agent.js');
  const built = promisify(execFile)(process.execPath, [path.join(AGENT_DIR, 'build.mjs'), '--outfile', bundle]);
  [ilo] = await Promise.all([startIloSimulator({ name: 'bios-test', password: 'sim-iLO-Pa55w0rd-bios' }), built]);
  child = spawn(process.execPath, [bundle, 'serve', '--simulate', 'dl380-gen10', '--sim-timing', 'fast', '--port', '0', '--no-reapply'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', SRIOV_AGENT_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    log += chunk.toString('utf8');
  });
  const first = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`agent exited with ${code}: ${log}`)));
  });
  base = (JSON.parse(first) as { listening: string }).listening;
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await ilo?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('BIOS and reset through the agent (built bundle, simulated iLO 5)', () => {
  it('GET /v1/bios reads the current values', async () => {
    const res = await call<BiosReport>('GET', '/v1/bios');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ iloGeneration: 5, model: 'ProLiant DL380 Gen10', powerState: 'On', resetPending: false });
    expect(res.body.attributes.Sriov).toEqual({ current: 'Disabled', pending: null });
    expect(res.body.attributes.IntelProcVtd).toEqual({ current: 'Disabled', pending: null });
  });

  it('PATCH /v1/bios sets Sriov and IntelProcVtd, which then read as pending', async () => {
    const res = await call<{ change: BiosChangeResult; bios: BiosReport }>('PATCH', '/v1/bios', { body: { attributes: { Sriov: 'Enabled', IntelProcVtd: 'Enabled' } } });
    expect(res.status).toBe(200);
    expect(res.body.change).toMatchObject({ sent: { Sriov: 'Enabled', IntelProcVtd: 'Enabled' }, resetRequired: true });
    const read = await call<BiosReport>('GET', '/v1/bios');
    expect(read.body.resetPending).toBe(true);
    expect(read.body.attributes.Sriov).toEqual({ current: 'Disabled', pending: 'Enabled' });
    expect(read.body.attributes.IntelProcVtd).toEqual({ current: 'Disabled', pending: 'Enabled' });
    expect(ilo.machine.stats.ignoredBiosPatches).toBe(0);
  });

  it('POST /v1/power/reset applies the pending values', async () => {
    const boots = ilo.machine.stats.boots;
    const res = await call<PowerResetResult>('POST', '/v1/power/reset', { body: { kind: 'ForceRestart' } });
    expect(res).toEqual({ status: 200, body: { resetType: 'ForceRestart', powerState: 'On' } });
    expect(ilo.machine.stats.boots).toBe(boots + 1);
    const read = await call<BiosReport>('GET', '/v1/bios');
    expect(read.body.resetPending).toBe(false);
    expect(read.body.attributes.Sriov).toEqual({ current: 'Enabled', pending: null });
    expect(read.body.attributes.IntelProcVtd).toEqual({ current: 'Enabled', pending: null });
  });

  it('refuses an attribute value the iLO registry does not know with 400, before sending anything', async () => {
    const patches = ilo.machine.stats.acceptedBiosPatches + ilo.machine.stats.ignoredBiosPatches;
    const res = await call<ErrorEnvelope>('PATCH', '/v1/bios', { body: { attributes: { Sriov: 'Maybe' } } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'bad-request', ilo: { code: 'invalid-change' }, issues: [{ path: 'attributes.Sriov' }] });
    expect(ilo.machine.stats.acceptedBiosPatches + ilo.machine.stats.ignoredBiosPatches).toBe(patches);
  });
});

describe('iLO failures', () => {
  it('tells a wrong password, an unreachable iLO and an untrusted certificate apart', async () => {
    const wrongPassword = await call<ErrorEnvelope>('GET', '/v1/bios', { ilo: encodeIloTarget(target({ password: 'not-the-password' })) });
    const unreachable = await call<ErrorEnvelope>('GET', '/v1/bios', { ilo: encodeIloTarget(target({ url: `https://127.0.0.1:${await closedPort()}` })) });
    const logins = ilo.machine.stats.logins + ilo.machine.stats.failedLogins;
    const untrusted = await call<ErrorEnvelope>('GET', '/v1/bios', { ilo: encodeIloTarget(target({ trust: { kind: 'fingerprint', sha256: 'AB'.repeat(32) } })) });

    expect(wrongPassword.status).toBe(422);
    expect(wrongPassword.body.error).toMatchObject({ code: 'refused', ilo: { code: 'auth-failed' } });
    expect(wrongPassword.body.error.message).toMatch(/rejected the user name or password/);
    expect(unreachable.status).toBe(503);
    expect(unreachable.body.error).toMatchObject({ code: 'unavailable', ilo: { code: 'unreachable' } });
    expect(unreachable.body.error.message).toMatch(/Cannot reach the iLO .*connection refused/);
    expect(untrusted.status).toBe(422);
    expect(untrusted.body.error).toMatchObject({ code: 'refused', ilo: { code: 'untrusted-certificate', presentedFingerprint256: ilo.certificate.fingerprint256 } });
    expect(untrusted.body.error.message).toMatch(/certificate that is not trusted/);
    // No credentials go to an iLO whose certificate is not the pinned one.
    expect(ilo.machine.stats.logins + ilo.machine.stats.failedLogins).toBe(logins);

    const answers = [wrongPassword, unreachable, untrusted].map((a) => a.body.error);
    expect(new Set(answers.map((e) => e.ilo?.code)).size).toBe(3);
    expect(new Set(answers.map((e) => e.message)).size).toBe(3);
    expect(JSON.stringify(answers)).not.toContain('not-the-password');
  });

});

describe('X-Ilo-Target and bodies', () => {
  it.each([
    ['missing', null, /x-ilo-target header is required/i, undefined],
    ['not base64url JSON', '%%%', /x-ilo-target header is not base64url-encoded JSON/i, undefined],
    ['without a password', header({ url: 'https://10.0.0.5', username: 'admin', trust: { kind: 'insecure' } }), /x-ilo-target header is invalid: password/i, 'password'],
    ['with a plain-HTTP address', header({ url: 'http://10.0.0.5', username: 'admin', password: 'pw-secret-1', trust: { kind: 'insecure' } }), /x-ilo-target header is invalid: url/i, 'url'],
    ['with an unknown trust', header({ url: 'https://10.0.0.5', username: 'admin', password: 'pw-secret-1', trust: { kind: 'any' } }), /trust\.kind/, 'trust.kind'],
  ])('answers 400 naming the header when it is %s', async (_name, value, message, issue) => {
    for (const [method, route] of [['GET', '/v1/bios'], ['PATCH', '/v1/bios'], ['POST', '/v1/power/reset']] as const) {
      const res = await call<ErrorEnvelope>(method, route, { ilo: value, ...(method === 'GET' ? {} : { body: {} }) });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('bad-request');
      expect(res.body.error.message).toMatch(message);
      if (issue) expect(res.body.error.issues?.map((i) => i.path)).toContain(issue);
      expect(JSON.stringify(res.body)).not.toContain('pw-secret-1');
    }
  });

  it('answers 400 naming the field of a bad body', async () => {
    const patch = await call<ErrorEnvelope>('PATCH', '/v1/bios', { body: { attributes: {} } });
    expect(patch).toMatchObject({ status: 400, body: { error: { code: 'bad-request', issues: [{ path: 'attributes' }] } } });
    const reset = await call<ErrorEnvelope>('POST', '/v1/power/reset', { body: { kind: 'Nmi' } });
    expect(reset).toMatchObject({ status: 400, body: { error: { code: 'bad-request', issues: [{ path: 'kind' }] } } });
  });

  it('answers 401 without the agent token, without contacting the iLO', async () => {
    const logins = ilo.machine.stats.logins;
    for (const [method, route] of [['GET', '/v1/bios'], ['PATCH', '/v1/bios'], ['POST', '/v1/power/reset']] as const) {
      for (const token of [null, 'wrong-token-wrong-token-wrong']) {
        const res = await call<ErrorEnvelope>(method, route, { token, ...(method === 'GET' ? {} : { body: { attributes: { Sriov: 'Disabled' } } }) });
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('unauthorized');
      }
    }
    expect(ilo.machine.stats.logins).toBe(logins);
  });
});

describe('after all of the above', () => {
  it('left no session open on the iLO and logged no credentials', () => {
    expect(ilo.openSessions()).toBe(0);
    expect(ilo.machine.stats.logins).toBeGreaterThan(0);
    expect(log).toContain('"path":"/v1/bios"');
    expect(log).not.toContain(ilo.password);
    expect(log).not.toContain(encodeIloTarget(target()));
    expect(log).not.toMatch(/x-ilo-target/i);
  });
});
