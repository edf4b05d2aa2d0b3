import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../src/api-types';
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
