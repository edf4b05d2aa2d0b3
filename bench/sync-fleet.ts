// How long a poll round takes: `npx tsx bench/sync-fleet.ts [hosts] [concurrency]`.
// Starts N simulated hosts (real agent HTTP APIs on loopback, in a child process:
// agent/dist/sriov-sim.js, so the agents' work is not counted here), puts them in a throwaway
// SQLite (TEST_DATABASE=postgresql: PostgreSQL), then times the server's sync: the first round (every row created), a steady round read
// in full (nothing changed: reads and diffs only) and steady rounds as the poller makes them (the
// agents answer 304: no parsing, no diffing, one write per host), with the poller's concurrency.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import { encryptSecret, generateKey } from '@/lib/crypto/secrets';
import { createTestDatabase } from '@/lib/db/testing';

process.env.SECRETS_KEY ??= generateKey();
const count = Number(process.argv[2] ?? 200);
const concurrency = Number(process.argv[3] ?? 16);
const root = path.resolve(import.meta.dirname, '..');
const sim = path.join(root, 'agent', 'dist', 'sriov-sim.js');
if (!fs.existsSync(sim)) throw new Error('build the simulators first: node agent/build.mjs --sim');

const token = randomBytes(24).toString('base64url');
const tokenFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sync-bench-')), 'token');
fs.writeFileSync(tokenFile, token, { mode: 0o600 });
// dl380-gen10: a 560SFP+ (2 x 63 VFs possible) and a 366FLR (4 x 7), two VMs; 8 VFs enabled on
// each 560SFP+ port below, so every host reports 6 PFs, 16 VFs and 2 VMs.
const child = spawn(process.execPath, [sim, '--hosts', String(count), '--profiles', 'dl380-gen10', '--token-file', tokenFile, '--sim-timing', 'fast'], { stdio: ['ignore', 'pipe', 'inherit'] });
const lines: { hostname: string; agent: { url: string } }[] = [];
await new Promise<void>((resolve, reject) => {
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('{"hostname"')) lines.push(JSON.parse(line) as (typeof lines)[number]);
    if (line.startsWith('{"ready"')) resolve();
  });
  child.on('exit', (code) => reject(new Error(`sriov-sim exited ${code}`)));
});

const db = await createTestDatabase();
process.env.DATABASE_URL = db.url;
console.log(`database: ${db.provider} (TEST_DATABASE=postgresql for a throwaway PostgreSQL server)`);
const { mapLimited, syncFleet } = await import('@/lib/sync/poller');
const { syncHost } = await import('@/lib/sync/sync-host');
const { AgentClient } = await import('@/lib/agents/client');

try {
  for (const [i, line] of lines.entries()) {
    const agent = new AgentClient({ url: line.agent.url, token, certSha256: null });
    const { pfs } = await agent.inventory();
    for (const pf of pfs.filter((p) => p.totalVfs >= 63)) await agent.setNumVfs(pf.address, 8);
    await db.prisma.host.create({
      data: {
        name: `${line.hostname}-${i}`, model: 'ProLiant DL380 Gen10', generation: 'Gen10', serialNumber: `BENCH${String(i).padStart(6, '0')}`, cpuVendor: 'Intel',
        agentUrl: line.agent.url, agentTokenEnc: encryptSecret(token),
      },
    });
  }
  const rss = () => `${Math.round(process.memoryUsage().rss / 1024 / 1024)} MB`;
  console.log(`${count} simulated hosts up; syncing ${concurrency} at once (rss ${rss()})`);
  // Every host read in full, as operations and refreshes do: no ETags sent.
  const fullRound = async () => {
    const hosts = await db.prisma.host.findMany({ select: { id: true }, orderBy: { name: 'asc' } });
    return mapLimited(hosts, concurrency, ({ id }) => syncHost(id));
  };
  const msPerHost: Record<string, number> = {};
  const rounds = [
    ['first round (creates every row)', fullRound, 'first'],
    ['steady round read in full (nothing changed)', fullRound, 'full'],
    ['steady round as polled (nothing changed, 304s)', () => syncFleet(concurrency), 'polled'],
    ['steady round as polled (nothing changed, 304s)', () => syncFleet(concurrency), 'polled'],
  ] as const;
  for (const [label, round, kind] of rounds) {
    const t = performance.now();
    const cpu = process.cpuUsage();
    const outcomes = await round();
    const ms = performance.now() - t;
    const { user, system } = process.cpuUsage(cpu);
    const failed = outcomes.filter((o) => !o.ok).length;
    const unchanged = outcomes.filter((o) => o.ok && o.read === 'not-modified').length;
    const written = outcomes.reduce((n, o) => n + (o.ok && o.read === 'full' ? o.summary.written : 0), 0);
    console.log(
      `${label}: ${(ms / 1000).toFixed(2)} s, ${(ms / count).toFixed(1)} ms a host, server CPU ${((user + system) / 1000 / count).toFixed(1)} ms a host, ` +
        `${unchanged} answered 304, ${written} rows written, ${failed} failed, rss ${rss()}`,
    );
    msPerHost[kind] = ms / count;
  }
  const vfs = await db.prisma.virtualFunction.count();
  const covers = (kind: string) => Math.floor(15_000 / (msPerHost[kind] ?? Infinity));
  console.log(`${vfs} VFs in the inventory; one 15 s poll interval covers about ${covers('polled')} hosts as polled (${covers('full')} read in full)`);
} finally {
  child.kill('SIGTERM');
  await db.dispose();
}
