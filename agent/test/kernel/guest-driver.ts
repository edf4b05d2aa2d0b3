// Runs inside the QEMU guest (bundled by run.mjs into guest-driver.cjs): starts the real agent
// bundle (`serve`, token, loopback) against the kernel's own /sys, runs scenario.ts through its
// HTTP API and CLI, and writes one JSON line per step to /dev/ttyS1 (a file on the host side).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { numVfsRefusal } from '../../src/sysfs/refusals';
import { type ApiAnswer, type BootMode, runIommuScenario, runNvmeScenario, runScenario, type Target } from './scenario';

const AGENT = '/ktest/sriov-agent.js';
const NODE = process.execPath;
const IP = '/usr/sbin/ip';
const TOKEN = 'kernel-suite-token-0123456789';
const TOKEN_FILE = '/tmp/token';
const STATE_DIR = '/var/lib/sriov-agent';
const out = fs.openSync(process.env.KTEST_RESULTS ?? '/dev/ttyS1', 'w');
const send = (value: unknown): void => void fs.writeSync(out, `${JSON.stringify(value)}\n`);

let port = 0;
let serve: ReturnType<typeof spawn> | null = null;

async function startAgent(): Promise<number> {
  const t0 = Date.now();
  const child = spawn(NODE, [AGENT, 'serve', '--port', '0', '--token-file', TOKEN_FILE, '--ip-command', IP, '--state-dir', STATE_DIR], { stdio: ['ignore', 'pipe', 'pipe'] });
  serve = child;
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[agent] ${d.toString()}`));
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`agent exited with ${code} before listening`)));
  });
  const url = (JSON.parse(line) as { listening: string }).listening;
  send({ type: 'timing', what: 'agent serve start (incl. re-apply)', ms: Date.now() - t0 });
  return Number(new URL(url).port);
}

async function stopAgent(): Promise<void> {
  const child = serve;
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function api(method: string, route: string, body?: unknown, noToken = false): Promise<ApiAnswer> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ host: '127.0.0.1', port, method, path: route, agent: false /* a fresh connection per request: see README, finding on keep-alive */, headers: { ...(noToken ? {} : { authorization: `Bearer ${TOKEN}` }), ...(data ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* keep text */
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

const target: Target = {
  name: 'guest',
  read(file) {
    try {
      return fs.readFileSync(file, 'utf8').trim();
    } catch {
      return null;
    }
  },
  readlink(link) {
    try {
      return fs.readlinkSync(link);
    } catch {
      return null;
    }
  },
  list(dir) {
    try {
      return fs.readdirSync(dir).sort();
    } catch {
      return [];
    }
  },
  async rawWrite(file, data) {
    try {
      await fs.promises.writeFile(file, data);
      return { errno: null };
    } catch (error) {
      return { errno: (error as NodeJS.ErrnoException).code ?? String(error), error };
    }
  },
  api,
  numVfsRefusal: (error, ctx) => numVfsRefusal(error, ctx).toEnvelope().error,
  async ipLink(netdev) {
    const r = spawnSync(IP, ['-j', 'link', 'show', ...(netdev ? ['dev', netdev] : [])], { encoding: 'utf8' });
    return r.status === 0 ? JSON.parse(r.stdout) : { status: r.status, stderr: r.stderr };
  },
  async restartAgent(between) {
    await stopAgent();
    await between();
    port = await startAgent();
  },
  async cli(args) {
    const t0 = Date.now();
    const r = spawnSync(NODE, [AGENT, ...args, '--ip-command', IP], { encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
  },
};

async function main(): Promise<void> {
  fs.writeFileSync(TOKEN_FILE, `${TOKEN}\n`, { mode: 0o600 });
  send({ type: 'hello', kernel: fs.readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(), node: process.version, uptime: fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0] });
  port = await startAgent();
  const emit = {
    step: (record: object) => send({ type: 'step', target: 'guest', ...record }),
    capture: (name: string, value: unknown) => send({ type: 'capture', name, value }),
  };
  // The boot's mode comes on the kernel command line (ktest.mode=...), so one initramfs serves every boot.
  const mode = /(?:^|\s)ktest\.mode=(\S+)/.exec(fs.readFileSync('/proc/cmdline', 'utf8'))?.[1] ?? 'full';
  if (mode === 'full') await runScenario(target, emit);
  else await runIommuScenario(target, emit, mode as BootMode);
  if (fs.readdirSync('/sys/bus/pci/drivers/nvme').some((e) => /^[0-9a-f]{4}:/.test(e))) await runNvmeScenario(target, emit);
  await stopAgent();
}

main().then(
  () => send({ type: 'done', uptime: fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0] }),
  (err: unknown) => {
    send({ type: 'fatal', message: err instanceof Error ? err.stack : String(err) });
    void stopAgent();
  },
);
