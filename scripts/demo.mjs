#!/usr/bin/env node
// `npm run demo`: prepares the database and starts the dashboard on http://127.0.0.1:3000.
//   --reseed      replace the inventory with the demo fleet even when it has hosts
//   --no-build    use the existing production build (tests build once, up front)
//   --log FILE    also write the server's output to FILE (the tests search it for secrets)
// Environment: PORT (3000), BIND_ADDRESS (127.0.0.1), DATABASE_URL (file:./data/fleet.db).
// On a fresh clone it runs `npm ci` first.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureInstalled } from './ensure-installed.mjs';

const root = path.resolve(import.meta.dirname, '..');
ensureInstalled(root);
const Database = createRequire(import.meta.url)('better-sqlite3');
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

function hostCount(url) {
  const file = path.resolve(root, url.slice('file:'.length));
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT COUNT(*) AS n FROM "Host"').get().n;
  } finally {
    db.close();
  }
}

/** The newest source file is younger than the build: build again. */
function buildIsStale() {
  const buildId = path.join(root, '.next', 'BUILD_ID');
  if (!fs.existsSync(buildId)) return true;
  const built = fs.statSync(buildId).mtimeMs;
  const newer = (dir) =>
    fs.readdirSync(path.join(root, dir), { withFileTypes: true }).some((entry) => {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name !== 'generated' && newer(rel);
      return fs.statSync(path.join(root, rel)).mtimeMs > built;
    });
  return ['app', 'components', 'hooks', 'lib'].some(newer) || ['package.json', 'next.config.js'].some((f) => fs.statSync(path.join(root, f)).mtimeMs > built);
}

fs.mkdirSync(path.join(root, 'data'), { recursive: true });
step('Applying database migrations', bin('prisma'), ['migrate', 'deploy']);
if (args.reseed || !env.DATABASE_URL.startsWith('file:') || hostCount(env.DATABASE_URL) === 0) {
  step('Loading the demo fleet', bin('tsx'), ['prisma/seed.ts']);
} else {
  console.log('\n▶ The inventory already has hosts: keeping them (npm run demo -- --reseed replaces them).');
}
if (!args['no-build'] && buildIsStale()) {
  step('Building the dashboard', bin('next'), ['build']);
}

console.log(`\n▶ SR-IOV Fleet Manager on http://${host}:${port}  (Ctrl-C stops it)\n`);
const logFile = args.log;
const server = spawn(bin('next'), ['start', '--hostname', host, '--port', port], { cwd: root, env, stdio: logFile ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
if (logFile) {
  const log = fs.createWriteStream(path.resolve(root, logFile));
  server.stdout.on('data', (chunk) => (process.stdout.write(chunk), log.write(chunk)));
  server.stderr.on('data', (chunk) => (process.stderr.write(chunk), log.write(chunk)));
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
