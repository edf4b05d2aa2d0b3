import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory, VmList } from '../src/api-types';

// dist/sriov-sim.js as `npm run sim:fleet` and `npm run demo` run it: flags, the printed lines, the hosts behind them.
const run = promisify(execFile);
const AGENT_DIR = path.resolve(__dirname, '..');
const TOKEN = 'sim-cli-test-token-0123456789abcdef';
let dir: string;
let sim: string;
const children: ChildProcess[] = [];

interface HostLine {
  hostname: string;
  profile: string;
  model: string;
  story?: string;
  agentUp: boolean;
  agent: { url: string };
  ilo: { url: string; generation: string; username: string; password: string; fingerprint256: string };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sriov-sim-cli-'));
  execFileSync(process.execPath, [path.join(AGENT_DIR, 'build.mjs'), '--sim', '--outfile', path.join(dir, 'sriov-agent.js')], { stdio: 'pipe' });
  sim = path.join(dir, 'sriov-sim.js');
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

async function start(args: string[], lines: number): Promise<(HostLine | { ready: true; hosts: number })[]> {
  const child = spawn(process.execPath, [sim, ...args], { env: { PATH: process.env.PATH ?? '', SRIOV_AGENT_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const out: (HostLine | { ready: true; hosts: number })[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const reader = readline.createInterface({ input: child.stdout! });
  return new Promise((resolve, reject) => {
    reader.on('line', (line) => {
      out.push(JSON.parse(line) as HostLine | { ready: true; hosts: number });
      if (out.length === lines) resolve(out);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
}

const get = async <T>(url: string): Promise<T> => (await (await fetch(url, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as T;

describe('sriov-sim --fleet demo', () => {
  it('starts the 16 demo hosts in a few seconds and prints one line each with its story', async () => {
    const started = Date.now();
    const all = await start(['--fleet', 'demo', '--sim-timing', 'fast', '--boot-ms', '500'], 17);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(all[16]).toEqual({ ready: true, hosts: 16 });
    const lines = all.slice(0, 16) as HostLine[];
    expect(lines.map((l) => l.hostname)).toEqual(['kvm-a01', 'kvm-a02', 'kvm-a03', 'kvm-a04', 'kvm-b01', 'kvm-b02', 'kvm-b03', 'kvm-c01', 'kvm-c02', 'kvm-c03', 'kvm-c04', 'kvm-d01', 'kvm-d02', 'kvm-d03', 'kvm-d04', 'kvm-e01']);
    const a01 = lines[0]!;
    expect(a01).toMatchObject({ profile: 'kvm-a01', model: 'ProLiant DL380 Gen10', story: 'Ready: 560SFP+ with VFs in use', agentUp: true, ilo: { generation: 'iLO 5', username: 'admin' } });
    expect(Object.keys(a01)).toEqual(['hostname', 'profile', 'model', 'story', 'agentUp', 'agent', 'ilo']);
    expect(lines.filter((l) => !l.agentUp).map((l) => l.hostname)).toEqual(['kvm-d03', 'kvm-d04']);

    const inventory = await get<Inventory>(`${a01.agent.url}/v1/inventory`);
    expect(inventory.pfs.flatMap((p) => p.vfs).filter((vf) => vf.vm === 'vnf-fw-01')).toHaveLength(2);
    expect((await get<VmList>(`${a01.agent.url}/v1/vms`)).vms[0]).toMatchObject({ name: 'vnf-fw-01', vcpus: 8, memoryMiB: 16384, numaNode: 0 });
    const d04 = lines.find((l) => l.hostname === 'kvm-d04')!;
    await expect(fetch(`${d04.agent.url}/v1/health`)).rejects.toThrow();
  });

  it('refuses --hosts or --profiles with --fleet demo, and a fleet it does not know', async () => {
    const fail = (args: string[]) => run(process.execPath, [sim, ...args], { env: { PATH: process.env.PATH ?? '', SRIOV_AGENT_TOKEN: TOKEN } }).then(() => null, (err: { code: number; stderr: string }) => err);
    expect(await fail(['--fleet', 'demo', '--hosts', '3'])).toMatchObject({ code: 1, stderr: expect.stringContaining('leave out --hosts and --profiles') });
    expect(await fail(['--fleet', 'lab'])).toMatchObject({ code: 1, stderr: expect.stringContaining('unknown fleet "lab"') });
  });

  it('still starts hosts from --profiles, with agentUp and no story', async () => {
    const [line, ready] = await start(['--hosts', '1', '--profiles', 'dl360-gen11', '--sim-timing', 'fast'], 2);
    expect(line).toMatchObject({ hostname: 'dl360-gen11-001', profile: 'dl360-gen11', agentUp: true });
    expect(line).not.toHaveProperty('story');
    expect(ready).toEqual({ ready: true, hosts: 1 });
  });
});
