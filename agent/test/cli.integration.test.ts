import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorEnvelope, Inventory, PowerResetResult } from '../src/api-types';
import type { BiosChangeResult, BiosReport } from '../src/redfish/index';
import { type IloSimulator, startIloSimulator } from '../src/sim/ilo/index';
import { writeProliantTree } from './fixtures/proliant-tree';

const run = promisify(execFile);
const AGENT_DIR = path.resolve(__dirname, '..');
const TOKEN = 'cli-test-token-0123456789abcdef';
let dir: string;
let bundle: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sriov-agent-cli-'));
  bundle = path.join(dir, 'sriov-agent.js');
  execFileSync(process.execPath, [path.join(AGENT_DIR, 'build.mjs'), '--outfile', bundle], { stdio: 'pipe' });
});

afterAll(async () => {
  await Promise.all(
    children.filter((c) => c.exitCode === null).map((c) => {
      const exited = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGTERM');
      return exited;
    }),
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

async function agent(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bundle, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Starts a long-running command and returns its first stdout lines. */
async function start(args: string[], lines: number): Promise<string[]> {
  const child = spawn(process.execPath, [bundle, ...args], { env: { PATH: process.env.PATH ?? '', SRIOV_AGENT_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(child);
  const out: string[] = [];
  const reader = readline.createInterface({ input: child.stdout! });
  return new Promise((resolve, reject) => {
    reader.on('line', (line) => {
      out.push(line);
      if (out.length === lines) resolve(out);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out.join('\n')}`)));
  });
}

describe('sriov-agent CLI (built bundle)', () => {
  it('prints the inventory of a fixture tree given by flags or by environment variables', async () => {
    const roots = writeProliantTree(path.join(dir, 'tree'));
    const byFlag = await agent(['inventory', '--sysfs-root', roots.sysRoot, '--procfs-root', roots.procRoot]);
    expect(byFlag.code).toBe(0);
    const inventory = JSON.parse(byFlag.stdout) as Inventory;
    expect(inventory.pfs.map((pf) => [pf.address, pf.driver, pf.numVfs])).toEqual([
      ['0000:12:00.0', 'ixgbe', 2],
      ['0000:12:00.1', null, 0],
      ['0000:41:00.0', 'mlx5_core', 0],
    ]);
    const byEnv = await agent(['inventory'], { SRIOV_AGENT_SYSFS_ROOT: roots.sysRoot, SRIOV_AGENT_PROCFS_ROOT: roots.procRoot });
    expect((JSON.parse(byEnv.stdout) as Inventory).host.hostname).toBe('dl380-rack4-u12');
  });

  it('exits 1 with the refusal in words', async () => {
    const res = await agent(['set-numvfs', '0000:41:00.0', '9', '--simulate', 'dl385-gen10-plus-v2', '--sim-timing', 'fast']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('sriov-agent: 9 VFs is more than the 8 the mlx5_core driver allows on 0000:41:00.0 (sriov_totalvfs); on Mellanox cards raise NUM_OF_VFS in the firmware\n');
    expect(JSON.parse(res.stdout)).toMatchObject({ error: { code: 'refused', errno: 'ERANGE' } });
    const bad = await agent(['bind', '0000:41:00.0', 'nouveau', '--simulate', 'dl385-gen10-plus-v2']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('driver: one of vfio-pci, default');
  });

  it('lists every environment variable in --help', async () => {
    const res = await agent(['--help']);
    expect(res.code).toBe(0);
    for (const env of ['SRIOV_AGENT_SYSFS_ROOT', 'SRIOV_AGENT_TOKEN_FILE', 'SRIOV_AGENT_TLS_CERT', 'SRIOV_AGENT_STATE_DIR', 'SRIOV_AGENT_SIMULATE']) expect(res.stdout).toContain(env);
  });

  it('runs a simulated fleet on consecutive ports', async () => {
    let lines: string[] | null = null;
    for (let attempt = 0; attempt < 5 && !lines; attempt++) {
      const base = 20_000 + Math.floor(Math.random() * 40_000);
      lines = await start(['simulate-fleet', '--hosts', '3', '--base-port', String(base), '--sim-timing', 'fast'], 3).catch(() => null);
      if (lines) {
        const hosts = lines.map((l) => JSON.parse(l) as { hostname: string; url: string });
        expect(hosts.map((h) => new URL(h.url).port)).toEqual([String(base), String(base + 1), String(base + 2)]);
        expect(hosts.map((h) => h.hostname)).toEqual(['dl380-gen10-001', 'dl385-gen10-plus-v2-002', 'dl360-gen11-003']);
        const inventories = await Promise.all(hosts.map(async (h) => (await fetch(`${h.url}/v1/inventory`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json() as Promise<Inventory>));
        expect(inventories.map((i) => i.host.hostname)).toEqual(hosts.map((h) => h.hostname));
      }
    }
    expect(lines).not.toBeNull();
  });

  it('serves HTTPS with the given certificate', async () => {
    const key = path.join(dir, 'tls.key');
    const cert = path.join(dir, 'tls.crt');
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'pipe' });
    } catch {
      return; // no openssl on this machine: nothing to check the pinning with
    }
    const [line] = await start(['serve', '--simulate', 'dl380-gen10', '--port', '0', '--tls-cert', cert, '--tls-key', key], 1);
    const url = new URL((JSON.parse(line ?? '{}') as { listening: string }).listening);
    expect(url.protocol).toBe('https:');
    const status = await new Promise<number>((resolve, reject) => {
      https.get({ host: url.hostname, port: url.port, path: '/v1/inventory', ca: fs.readFileSync(cert), headers: { Authorization: `Bearer ${TOKEN}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(status).toBe(200);
  });
});

describe('sriov-agent bios / power (built bundle, simulated iLO)', () => {
  const PASSWORD = 'cli-iLO-Pa55w0rd-test';
  let ilo: IloSimulator;
  let passwordFile: string;
  let flags: string[];

  beforeAll(async () => {
    ilo = await startIloSimulator({ name: 'cli-test', password: PASSWORD });
    passwordFile = path.join(dir, 'ilo-password');
    fs.writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    flags = ['--ilo', ilo.url, '--ilo-user', ilo.username, '--ilo-password-file', passwordFile, '--ilo-fingerprint', ilo.certificate.fingerprint256];
  });
  afterAll(() => ilo?.close());

  it('bios get reads the BIOS with a pinned fingerprint and a password file', async () => {
    const res = await agent(['bios', 'get', ...flags]);
    expect(res.code).toBe(0);
    const bios = JSON.parse(res.stdout) as BiosReport;
    expect(bios).toMatchObject({ iloGeneration: 5, resetPending: false });
    expect(bios.attributes.Sriov).toEqual({ current: 'Disabled', pending: null });
  });

  it('bios set makes values pending and power reset applies them, with settings from the environment', async () => {
    const caFile = path.join(dir, 'ilo-ca.pem');
    fs.writeFileSync(caFile, ilo.certificate.cert);
    const env = { ILO_URL: ilo.url, ILO_USER: ilo.username, ILO_PASSWORD_FILE: passwordFile, ILO_CA_FILE: caFile };
    const set = await agent(['bios', 'set', 'Sriov=Enabled', 'IntelProcVtd=Enabled'], env);
    expect(set.code).toBe(0);
    const { change, bios } = JSON.parse(set.stdout) as { change: BiosChangeResult; bios: BiosReport };
    expect(change.sent).toEqual({ Sriov: 'Enabled', IntelProcVtd: 'Enabled' });
    expect(bios.attributes.Sriov).toEqual({ current: 'Disabled', pending: 'Enabled' });
    expect(ilo.machine.stats.acceptedBiosPatches).toBe(1);

    const reset = await agent(['power', 'reset', '--force'], { ...env, ILO_PASSWORD_FILE: '', ILO_PASSWORD: PASSWORD });
    expect(reset.code).toBe(0);
    expect(JSON.parse(reset.stdout) as PowerResetResult).toEqual({ resetType: 'ForceRestart', powerState: 'On' });
    const after = JSON.parse((await agent(['bios', 'get', ...flags])).stdout) as BiosReport;
    expect([after.attributes.Sriov, after.attributes.IntelProcVtd]).toEqual([
      { current: 'Enabled', pending: null },
      { current: 'Enabled', pending: null },
    ]);
  });

  it('exits 1 with the reason on a wrong password, without printing the password', async () => {
    const wrong = path.join(dir, 'wrong-password');
    fs.writeFileSync(wrong, 'wrong-Pa55w0rd-given\n');
    const res = await agent(['bios', 'get', ...flags.slice(0, 4), '--ilo-password-file', wrong, '--ilo-fingerprint', ilo.certificate.fingerprint256]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^sriov-agent: The iLO at 127\.0\.0\.1:\d+ rejected the user name or password for "admin"/);
    expect((JSON.parse(res.stdout) as ErrorEnvelope).error).toMatchObject({ code: 'refused', ilo: { code: 'auth-failed' } });
    expect(res.stdout + res.stderr).not.toContain('wrong-Pa55w0rd-given');
  });

  it('takes no password from argv and insists on one way to trust the iLO', async () => {
    const argv = await agent(['bios', 'get', '--ilo', ilo.url, '--ilo-user', 'admin', '--ilo-password', PASSWORD]);
    expect(argv.code).toBe(1);
    expect(argv.stderr).toContain("Unknown option '--ilo-password'");
    const noTrust = await agent(['bios', 'get', ...flags.slice(0, 6)]);
    expect(noTrust.code).toBe(1);
    expect(noTrust.stderr).toContain('exactly one of --ilo-ca FILE, --ilo-fingerprint SHA256 or --ilo-insecure');
  });

  it('lists the iLO flags and their environment variables in --help', async () => {
    const res = await agent(['--help']);
    for (const text of ['bios get', 'bios set NAME=VALUE', 'power reset [--force]', 'ILO_URL', 'ILO_USER', 'ILO_PASSWORD_FILE', 'ILO_PASSWORD', 'ILO_CA_FILE', 'ILO_FINGERPRINT', 'ILO_INSECURE', 'ILO_TLS_NAME']) {
      expect(res.stdout).toContain(text);
    }
    expect(res.stdout).not.toMatch(/--ilo-password /);
  });

  it('bios set sends an Integer attribute as a JSON number, and refuses one this server lacks', async () => {
    const set = await agent(['bios', 'set', 'PatrolScrubDuration=12', ...flags]);
    expect(set.code).toBe(0);
    expect((JSON.parse(set.stdout) as { change: BiosChangeResult }).change.sent).toEqual({ PatrolScrubDuration: 12 });
    expect(ilo.machine.pending).toMatchObject({ PatrolScrubDuration: 12 });
    const absent = await agent(['bios', 'set', 'Slot8NicBoot1=NetworkBoot', ...flags]);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain("Slot8NicBoot1: in the BIOS attribute registry");
    expect((JSON.parse(absent.stdout) as ErrorEnvelope).error).toMatchObject({ code: 'bad-request', issues: [{ path: 'attributes.Slot8NicBoot1' }] });
  });

  it('trusts a factory iLO certificate (CN ILO<serial>, no IP address) given as --ilo-ca, reached by IP', async () => {
    const { createIloCertificate } = await import('../src/sim/ilo/index');
    const factory = await startIloSimulator({ name: 'cli-factory', password: PASSWORD, certificate: await createIloCertificate({ commonName: 'ILOMXQ0099SIM', dnsNames: [], ipAddresses: [] }) });
    try {
      const caFile = path.join(dir, 'factory-ilo.pem');
      fs.writeFileSync(caFile, factory.certificate.cert);
      const own = ['--ilo', factory.url, '--ilo-user', factory.username, '--ilo-password-file', passwordFile, '--ilo-ca', caFile];
      const res = await agent(['bios', 'get', ...own]);
      expect(res.code).toBe(0);
      expect((JSON.parse(res.stdout) as BiosReport).serialNumber).toBe(factory.machine.serialNumber);
      // A CA-style check by name alone would have refused it: the certificate names no address.
      const other = path.join(dir, 'other-ilo.pem');
      fs.writeFileSync(other, ilo.certificate.cert);
      const refused = await agent(['bios', 'get', ...own.slice(0, 6), '--ilo-ca', other]);
      expect(refused.code).toBe(1);
      expect((JSON.parse(refused.stdout) as ErrorEnvelope).error).toMatchObject({ code: 'refused', ilo: { code: 'untrusted-certificate' } });
      const nameWithoutCa = await agent(['bios', 'get', ...own.slice(0, 6), '--ilo-fingerprint', factory.certificate.fingerprint256, '--ilo-tls-name', 'ILOMXQ0099SIM']);
      expect(nameWithoutCa.code).toBe(1);
      expect(nameWithoutCa.stderr).toContain('give --ilo-ca too');
      expect(factory.openSessions()).toBe(0);
    } finally {
      await factory.close();
    }
  });

  it('left no session open on the iLO', () => {
    expect(ilo.machine.stats.logins).toBeGreaterThan(0);
    expect(ilo.openSessions()).toBe(0);
  });
});
