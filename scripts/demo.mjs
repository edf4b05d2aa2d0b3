#!/usr/bin/env node
// `npm run demo`: starts the simulated fleet (16 ProLiant hosts, each a real agent process on a
// simulated kernel with its iLO simulator speaking Redfish over HTTPS: agent/dist/sriov-sim.js),
// registers it in the inventory, and starts the dashboard on http://127.0.0.1:3000, whose poller
// then syncs every host from its agent.
//   --reseed      start from an empty inventory (hosts, operations, audit log, sign-in failures; users stay)
//   --no-build    use the existing production build (tests build once, up front)
//   --log FILE    also write the server's and the simulators' output to FILE (the tests search it for secrets)
// Environment: PORT (3000), BIND_ADDRESS (127.0.0.1), DATABASE_URL (file:./data/fleet.db),
// DEMO_BOOT_MS (how long a simulated host takes to reboot, 4000).
// On a fresh clone it runs `npm ci` first.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { ensureInstalled } from './ensure-installed.mjs';

const root = path.resolve(import.meta.dirname, '..');
ensureInstalled(root);
const { values: args } = parseArgs({ options: { reseed: { type: 'boolean' }, 'no-build': { type: 'boolean' }, log: { type: 'string' } } });
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
env.DATABASE_URL ??= 'file:./data/fleet.db';
const port = env.PORT ?? '3000';
const host = env.BIND_ADDRESS ?? '127.0.0.1';
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function step(title, command, commandArgs) {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, commandArgs, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`✕ ${title} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

/** The newest source file under `dirs` is younger than `output`: build again. */
function isStale(output, dirs, files) {
  if (!fs.existsSync(output)) return true;
  const built = fs.statSync(output).mtimeMs;
  const newer = (dir) =>
    fs.readdirSync(path.join(root, dir), { withFileTypes: true }).some((entry) => {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) return !['generated', 'dist', '.cache', 'node_modules'].includes(entry.name) && newer(rel);
      return fs.statSync(path.join(root, rel)).mtimeMs > built;
    });
  return dirs.some(newer) || files.some((f) => fs.statSync(path.join(root, f)).mtimeMs > built);
}

/** Starts the simulated fleet and resolves with its JSON lines once every host is up. */
function startSimulators(tokenFile, log) {
  const sim = spawn(process.execPath, [path.join(root, 'agent', 'dist', 'sriov-sim.js'), '--fleet', 'demo', '--token-file', tokenFile, '--boot-ms', env.DEMO_BOOT_MS ?? '4000'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  sim.stderr.on('data', (chunk) => (process.stderr.write(chunk), log?.write(chunk)));
  return new Promise((resolve, reject) => {
    const lines = [];
    const rl = readline.createInterface({ input: sim.stdout });
    rl.on('line', (line) => {
      if (line.startsWith('{"hostname"')) lines.push(line);
      else if (line.startsWith('{"ready"')) resolve({ sim, lines });
      else {
        console.log(line);
        log?.write(`${line}\n`);
      }
    });
    sim.on('exit', (code, signal) => reject(new Error(`the simulated fleet exited (${code ?? signal}) before it was up`)));
  });
}

const data = path.join(root, 'data');
fs.mkdirSync(data, { recursive: true });
step('Applying database migrations', bin('prisma'), ['migrate', 'deploy']);
if (isStale(path.join(root, 'agent', 'dist', 'sriov-sim.js'), ['agent/src'], ['agent/build.mjs'])) {
  step('Building the agent and the simulators', process.execPath, ['agent/build.mjs', '--sim']);
}
if (!args['no-build'] && isStale(path.join(root, env.NEXT_DIST_DIR ?? '.next', 'BUILD_ID'), ['app', 'components', 'hooks', 'lib'], ['package.json', 'next.config.js'])) {
  step('Building the dashboard', bin('next'), ['build']);
}

// The agents' token: made once, readable by this user only, handed to the simulators by file.
const tokenFile = path.join(data, 'demo-agent-token');
if (!fs.existsSync(tokenFile)) fs.writeFileSync(tokenFile, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });

const log = args.log ? fs.createWriteStream(path.resolve(root, args.log)) : null;
console.log('\n▶ Starting the simulated fleet (agents and iLO simulators)');
const { sim, lines } = await startSimulators(tokenFile, log);
const children = [sim];
let stopping = false;
const stopAll = (signal) => {
  stopping = true;
  children.forEach((child) => child.exitCode === null && child.kill(signal));
};
process.on('exit', () => stopAll('SIGTERM'));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stopAll(signal));
sim.on('exit', (code, signal) => {
  if (stopping) return;
  console.error(`✕ The simulated fleet stopped (${code ?? signal}); stopping the dashboard.`);
  stopAll('SIGTERM');
  process.exit(1);
});
const fleetFile = path.join(data, `demo-fleet-${port}.jsonl`);
fs.writeFileSync(fleetFile, `${lines.join('\n')}\n`, { mode: 0o600 });
step(`Registering ${lines.length} simulated hosts`, bin('tsx'), ['--conditions=react-server', 'lib/demo/enroll-sim-fleet.ts', fleetFile, '--token-file', tokenFile, ...(args.reseed ? ['--reseed'] : [])]);

console.log(`\n▶ SR-IOV Fleet Manager on http://${host}:${port}  (Ctrl-C stops it)\n`);
// server/index.mjs: Node's server in front of Next's handler (client addresses, request limits).
const server = spawn(process.execPath, [path.join(root, 'server', 'index.mjs'), '--hostname', host, '--port', port], { cwd: root, env, stdio: log ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
children.push(server);
if (log) {
  server.stdout.on('data', (chunk) => (process.stdout.write(chunk), log.write(chunk)));
  server.stderr.on('data', (chunk) => (process.stderr.write(chunk), log.write(chunk)));
}
server.on('exit', (code, signal) => {
  stopAll('SIGTERM');
  process.exit(code ?? (signal ? 0 : 1));
});
