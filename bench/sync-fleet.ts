// How long a poll round takes: `npx tsx bench/sync-fleet.ts [hosts] [concurrency]`.
// Starts N simulated hosts (real agent HTTP APIs on loopback, in a child process:
// agent/dist/sriov-sim.js, so the agents' work is not counted here), puts them in a throwaway
// SQLite, then times the server's sync: the first round (every row created) and steady rounds
// (nothing changed: reads only), with the concurrency the poller uses.

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
const { syncFleet } = await import('@/lib/sync/poller');
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
  let steadyMsPerHost = 0;
  for (const label of ['first round (creates every row)', 'steady round (nothing changed)', 'steady round (nothing changed)']) {
    const t = performance.now();
    const outcomes = await syncFleet(concurrency);
    const ms = performance.now() - t;
    const failed = outcomes.filter((o) => !o.ok).length;
    const written = outcomes.reduce((n, o) => n + (o.ok ? o.summary.written : 0), 0);
    console.log(`${label}: ${(ms / 1000).toFixed(2)} s, ${(ms / count).toFixed(1)} ms a host, ${written} rows written, ${failed} failed, rss ${rss()}`);
    steadyMsPerHost = ms / count;
  }
  const vfs = await db.prisma.virtualFunction.count();
  console.log(`${vfs} VFs in the inventory; at the steady rate one 15 s poll interval covers about ${Math.floor(15_000 / steadyMsPerHost)} hosts`);
} finally {
  child.kill('SIGTERM');
  await db.dispose();
}
