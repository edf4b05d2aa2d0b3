// Inventory time and resident memory for a host with 4 PFs x 64 VFs (Intel E810, 256 VFs).
//   node agent/build.mjs && npx tsx agent/bench/inventory.ts
// Targets (issue 3): inventory under 50 ms, agent under 60 MB resident.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';
import { Agent, silentLog } from '../src/agent';
import { encodeIloTarget } from '../src/redfish/index';
import { startIloSimulator } from '../src/sim/ilo/index';
import { MemoryEtcFiles, SimulatedHost } from '../src/sim/host';
import { FAST_TIMING } from '../src/sim/kernel';
import { NodeHostFs } from '../src/sysfs/host-fs';

const RUNS = 30;
const TOKEN = 'benchmark-token-0123456789abcdef';

async function timeIt(fn: () => Promise<unknown>): Promise<{ median: number; p95: number }> {
  for (let i = 0; i < 3; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(RUNS / 2)] ?? 0, p95: times[Math.floor(RUNS * 0.95)] ?? 0 };
}

const fmt = (t: { median: number; p95: number }): string => `median ${t.median.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms`;

async function main(): Promise<void> {
  const host = new SimulatedHost({ profile: 'bench-4x64', timing: FAST_TIMING, log: silentLog });
  const before = await host.agent.inventory();
  for (const pf of before.pfs) await host.agent.setNumVfs(pf.address, 64);
  const inv = await host.agent.inventory();
  const vfs = inv.pfs.reduce((n, pf) => n + pf.vfs.length, 0);
  console.log(`host: ${inv.pfs.length} PFs x ${vfs / inv.pfs.length} VFs = ${vfs} VFs (Node ${process.version}, ${os.cpus().length} CPUs)`);

  console.log(`inventory, simulated sysfs in memory:        ${fmt(await timeIt(() => host.agent.inventory()))}`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sriov-bench-'));
  try {
    host.kernel.fs.dump(dir);
    const roots = { sysRoot: path.join(dir, 'sys'), procRoot: path.join(dir, 'proc') };
    const onDisk = new Agent({ fs: new NodeHostFs(roots), run: host.run, hypervisor: null, etc: new MemoryEtcFiles(), stateDir: null, log: silentLog });
    console.log(`inventory, sysfs tree on disk (node:fs):     ${fmt(await timeIt(() => onDisk.inventory()))}`);

    // What the simulation leaves out on a real host: one `ip -j link show` process per PF.
    try {
      const run = promisify(execFile);
      const ipTime = await timeIt(() => Promise.all([0, 1, 2, 3].map(() => run('ip', ['-j', 'link', 'show', 'dev', 'lo']))));
      console.log(`4 parallel 'ip -j link show' processes:       ${fmt(ipTime)}`);
    } catch {
      console.log(`4 parallel 'ip -j link show' processes:       (ip not installed here)`);
    }

    const bundle = path.resolve(process.cwd(), 'agent', 'dist', 'sriov-agent.js');
    if (!fs.existsSync(bundle)) {
      console.log('agent process: build it first (node agent/build.mjs) to measure resident memory');
      return;
    }
    const real = ['serve', '--sysfs-root', roots.sysRoot, '--procfs-root', roots.procRoot, '--state-dir', path.join(dir, 'state'), '--port', '0', '--no-reapply'];
    const simulated = ['serve', '--simulate', 'bench-4x64', '--sim-timing', 'fast', '--port', '0', '--no-reapply'];
    // UNIT_FLAGS are the ones systemd/sriov-agent.service starts node with.
    await measureProcess(bundle, 'agent on the tree on disk, unit flags', UNIT_FLAGS, real, false);
    await measureProcess(bundle, 'agent on the tree on disk, no flags', [], real, false);
    await measureProcess(bundle, 'agent --simulate bench-4x64, no flags', [], simulated, true);
    await measureIlo(bundle, UNIT_FLAGS, real);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const UNIT_FLAGS = ['--max-semi-space-size=1', '--max-old-space-size=48'];

async function measureProcess(bundle: string, label: string, nodeFlags: string[], args: string[], createVfs: boolean): Promise<void> {
  const child = spawn(process.execPath, [...nodeFlags, bundle, ...args], {
    env: { PATH: process.env.PATH ?? '', SRIOV_AGENT_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  try {
    const line = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once('line', resolve));
    const url = (JSON.parse(line) as { listening: string }).listening;
    const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
    const rss = (): number => {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    };
    const idle = rss();
    if (createVfs) {
      for (const pf of ['0000:31:00.0', '0000:31:00.1', '0000:31:00.2', '0000:31:00.3']) {
        await fetch(`${url}/v1/pfs/${pf}/num-vfs`, { method: 'PUT', headers, body: JSON.stringify({ numVfs: 64 }) });
      }
    }
    let serverSide = 0;
    let vfs = 0;
    const http = await timeIt(async () => {
      const res = await fetch(`${url}/v1/inventory`, { headers });
      const body = (await res.json()) as { durationMs: number; pfs: { vfs: unknown[] }[] };
      serverSide = body.durationMs;
      vfs = body.pfs.reduce((n, pf) => n + pf.vfs.length, 0);
    });
    console.log(`${label} [${nodeFlags.join(' ') || 'node defaults'}]:`);
    console.log(`  GET /v1/inventory (${vfs} VFs): ${fmt(http)}, last server-side ${serverSide} ms`);
    console.log(`  resident memory (VmRSS): ${idle.toFixed(1)} MB idle, ${rss().toFixed(1)} MB after ${RUNS + 3} inventories`);
  } finally {
    child.kill('SIGTERM');
  }
}

/** The Redfish client (node:https) is loaded on the first iLO request only: what that first request costs, and the peak it reaches (target ≤ 60 MB). */
async function measureIlo(bundle: string, nodeFlags: string[], args: string[]): Promise<void> {
  const ilo = await startIloSimulator({ name: 'bench' });
  const child = spawn(process.execPath, [...nodeFlags, bundle, ...args], { env: { PATH: process.env.PATH ?? '', SRIOV_AGENT_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const line = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once('line', resolve));
    const url = (JSON.parse(line) as { listening: string }).listening;
    const rss = (): number => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    const idle = rss();
    const headers = {
      Authorization: `Bearer ${TOKEN}`,
      'X-Ilo-Target': encodeIloTarget({ url: ilo.url, username: ilo.username, password: ilo.password, trust: { kind: 'fingerprint', sha256: ilo.certificate.fingerprint256 } }),
    };
    const first = performance.now();
    const status = (await fetch(`${url}/v1/bios`, { headers })).status;
    const firstMs = performance.now() - first;
    const afterOne = rss();
    const later = await timeIt(async () => void (await fetch(`${url}/v1/bios`, { headers })).arrayBuffer());
    console.log(`agent GET /v1/bios against a simulated iLO 5 [${nodeFlags.join(' ')}]:`);
    console.log(`  first ${firstMs.toFixed(0)} ms (HTTP ${status}, loads the Redfish client), then ${fmt(later)}`);
    console.log(`  resident memory (VmRSS): ${idle.toFixed(1)} MB idle, ${afterOne.toFixed(1)} MB after the first, ${rss().toFixed(1)} MB after ${RUNS + 4}`);
    // VmHWM: the highest resident size the process reached, during the calls included.
    const peak = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    console.log(`  peak resident memory (VmHWM): ${peak.toFixed(1)} MB (target ≤ 60 MB; the agent starts no child process for the iLO)`);
  } finally {
    child.kill('SIGTERM');
    await ilo.close();
  }
}

void main();
