// How close a rollout comes to its ideal time, and what it costs the server:
//   npm run bench:rollout                 1,000 hosts, a VF rate limit (no reboot), maxUnavailable 10 %
//   npm run bench:rollout -- reboot       200 hosts, a BIOS change (one reset each, 6 s boot), maxUnavailable 20
//   npm run bench:rollout -- vf 300       another host count
// Simulated hosts (real agent HTTP APIs and iLO simulators over HTTPS) run in a child process
// (agent/dist/sriov-sim.js), so their work is not counted; this process is the server: the
// operations worker and the rollout driver with the server's defaults (WORKER_CONCURRENCY,
// ROLLOUT_POLL_MS from the environment), on a throwaway SQLite.
// Ideal: the canary's work, then each wave's longest host, back to back, a host's work being the
// sum of its operations' run times; everything else (queueing, the driver's polls, waves waiting
// for their last host) is the overhead the ratio shows.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import { generateKey } from '@/lib/crypto/secrets';
import { createTestDatabase } from '@/lib/db/testing';

process.env.SECRETS_KEY ??= generateKey();
const scenario = process.argv[2] === 'reboot' ? 'reboot' : 'vf';
const count = Number(process.argv[3] ?? (scenario === 'reboot' ? 200 : 1000));
const maxUnavailable = scenario === 'reboot' ? 20 : '10%';
const root = path.resolve(import.meta.dirname, '..');
const sim = path.join(root, 'agent', 'dist', 'sriov-sim.js');
if (!fs.existsSync(sim)) throw new Error('build the simulators first: node agent/build.mjs --sim');

const token = randomBytes(24).toString('base64url');
const tokenFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rollout-bench-')), 'token');
fs.writeFileSync(tokenFile, token, { mode: 0o600 });
const bootMs = scenario === 'reboot' ? 6_000 : 3_000;
const child = spawn(process.execPath, [sim, '--hosts', String(count), '--profiles', 'dl380-gen10', '--token-file', tokenFile, '--sim-timing', 'fast', '--boot-ms', String(bootMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
type Line = { hostname: string; agent: { url: string }; ilo: { url: string; username: string; password: string; fingerprint256: string } };
const lines: Line[] = [];
await new Promise<void>((resolve, reject) => {
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('{"hostname"')) lines.push(JSON.parse(line) as Line);
    if (line.startsWith('{"ready"')) resolve();
  });
  child.on('exit', (code) => reject(new Error(`sriov-sim exited ${code}`)));
});

const db = await createTestDatabase();
process.env.DATABASE_URL = db.url;
const { env } = await import('@/lib/env');
const { registerHost } = await import('@/lib/inventory/register');
const { syncFleet } = await import('@/lib/sync/poller');
const { AgentClient } = await import('@/lib/agents/client');
const { createPolicy, createPlan } = await import('@/lib/policies/service');
const { startRollout } = await import('@/lib/rollouts/service');
const { DEFAULT_WORKER_OPTIONS, startWorker } = await import('@/lib/operations/worker');
const { startRolloutDriver } = await import('@/lib/rollouts/driver');
const { rolloutOptionsSchema } = await import('@/lib/rollouts/options');

const who = { name: 'bench', sourceAddress: null };
const mb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

try {
  // Registered as an operator would (the iLO is read), 16 at once.
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = next++; i < lines.length; i = next++) {
        const line = lines[i]!;
        if (scenario === 'vf') {
          const agent = new AgentClient({ url: line.agent.url, token, certSha256: null });
          for (const pf of (await agent.inventory()).pfs.filter((p) => p.totalVfs >= 63)) await agent.setNumVfs(pf.address, 8);
        }
        const registered = await registerHost({ name: `${line.hostname}-${i}`, agent: { url: line.agent.url, token }, ilo: { address: line.ilo.url, userName: line.ilo.username, password: line.ilo.password, certSha256: line.ilo.fingerprint256 } });
        if (!registered.ok) throw new Error(registered.message);
      }
    }),
  );
  const outcomes = await syncFleet(16);
  if (outcomes.some((o) => !o.ok)) throw new Error(`${outcomes.filter((o) => !o.ok).length} hosts did not sync`);

  const document =
    scenario === 'vf'
      ? { selector: { names: ['*'] }, nics: [{ match: { nicModel: '560SFP+' }, vfDefaults: { maxTxRate: 1000 } }] }
      : { selector: { names: ['*'] }, bios: { ProcHyperthreading: 'Disabled' } };
  const policy = await createPolicy(db.prisma, { name: `bench-${scenario}`, document }, who);
  if (!policy.ok) throw new Error(policy.message);
  const plan = await createPlan(db.prisma, { policyId: policy.value.id }, who);
  if (!plan.ok) throw new Error(plan.message);
  const totals = plan.value.totals;

  const concurrency = env.workerConcurrency;
  const worker = startWorker({ ...DEFAULT_WORKER_OPTIONS, concurrency, retryBaseMs: env.workerRetryBaseMs, timing: { ...DEFAULT_WORKER_OPTIONS.timing, pollMs: 500 } });
  const driver = startRolloutDriver({ pollMs: env.rolloutPollMs });
  const cpu = process.cpuUsage();
  let peak = mb();
  const t0 = performance.now();
  const started = await startRollout(db.prisma, { planId: plan.value.id, options: rolloutOptionsSchema.parse({ maxUnavailable }) }, who);
  if (!started.ok) throw new Error(started.message);
  for (;;) {
    peak = Math.max(peak, mb());
    const row = await db.prisma.rollout.findUniqueOrThrow({ where: { id: started.value.id }, select: { finishedAt: true, status: true, reason: true } });
    if (row.finishedAt) {
      if (row.status !== 'done') throw new Error(`the rollout ended ${row.status}: ${row.reason}`);
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  await driver.stop();
  await worker.stop();

  const hosts = await db.prisma.rolloutHost.findMany({ where: { rolloutId: started.value.id }, select: { hostId: true, wave: true, state: true } });
  const ops = await db.prisma.operation.findMany({ where: { rolloutId: started.value.id }, select: { hostId: true, startedAt: true, finishedAt: true, status: true } });
  const work = new Map<string, number>();
  for (const op of ops) if (op.hostId && op.startedAt && op.finishedAt) work.set(op.hostId, (work.get(op.hostId) ?? 0) + (op.finishedAt.getTime() - op.startedAt.getTime()));
  const waves = new Map<number, number>();
  for (const h of hosts) waves.set(h.wave, Math.max(waves.get(h.wave) ?? 0, work.get(h.hostId) ?? 0));
  const idealMs = [...waves.values()].reduce((a, b) => a + b, 0);
  const perHost = [...work.values()].sort((a, b) => a - b);
  const failed = hosts.filter((h) => h.state !== 'done').length;

  console.log(`${scenario === 'vf' ? 'VF rate limit, no reboot' : `BIOS change, one reset each (${bootMs / 1000} s boot)`}: ${count} hosts, maxUnavailable ${maxUnavailable}, worker concurrency ${concurrency}, rollout poll ${env.rolloutPollMs} ms`);
  console.log(`plan: ${totals.hostsChanged} hosts change, ${totals.reboots} reboots; rollout: ${waves.size} waves (canary included), ${ops.length} operations, ${failed} hosts not done`);
  console.log(`host work: p50 ${(quantile(perHost, 0.5) / 1000).toFixed(2)} s, p95 ${(quantile(perHost, 0.95) / 1000).toFixed(2)} s`);
  console.log(`wall ${(wallMs / 1000).toFixed(1)} s, ideal ${(idealMs / 1000).toFixed(1)} s: ${(wallMs / idealMs).toFixed(2)}x ideal (target 1.25x)`);
  console.log(`server CPU ${((used.user + used.system) / 1e6).toFixed(1)} s (${(((used.user + used.system) / 1e3 / wallMs) * 100).toFixed(0)} % of one core), peak rss ${peak} MB`);
} finally {
  child.kill('SIGTERM');
  await db.dispose();
}
