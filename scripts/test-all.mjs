#!/usr/bin/env node
// `npm test`: every check the project has, in order, then one closing line
// "N passed, N failed" counting them all (CI reads that line). Checks that are not test suites
// (typecheck, lint, builds) count as one test each; vitest and Playwright report their own counts.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureInstalled } from './ensure-installed.mjs';

const root = path.resolve(import.meta.dirname, '..');
ensureInstalled(root);
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', FORCE_COLOR: '0' };
const results = [];

function run(command, args, extraEnv = {}) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, env: { ...env, ...extraEnv }, stdio: 'inherit' });
  return { ok: result.status === 0, seconds: ((Date.now() - started) / 1000).toFixed(1) };
}

function check(name, command, args) {
  console.log(`\n━━ ${name}`);
  const { ok, seconds } = run(command, args);
  results.push({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1, seconds });
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
  } catch {
    return null;
  }
}

function suite(name, command, args, reportFile, count, extraEnv) {
  console.log(`\n━━ ${name}`);
  fs.rmSync(path.join(root, reportFile), { force: true });
  const { ok, seconds } = run(command, args, extraEnv);
  const report = readJson(reportFile);
  const counted = report ? count(report) : { passed: 0, failed: 0 };
  // A runner that failed without reporting a failed test (it crashed, or failed to start) is one failure.
  if (!ok && counted.failed === 0) counted.failed = 1;
  results.push({ name, ...counted, seconds });
}

function ensureChromium() {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (fs.existsSync(chromium)) return;
  if (process.getuid?.() === 0) {
    console.log('Chromium is missing: installing Debian\'s chromium package (apt-get).');
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'chromium']);
  }
  if (!fs.existsSync(chromium)) {
    console.error(`Chromium not found at ${chromium}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
}

fs.mkdirSync(path.join(root, 'test-results'), { recursive: true });

check('Route types (next typegen)', bin('next'), ['typegen']);
check('Typecheck: dashboard', bin('tsc'), ['--noEmit']);
if (fs.existsSync(path.join(root, 'agent', 'src'))) check('Typecheck: agent', bin('tsc'), ['-p', 'agent', '--noEmit']);
check('Lint', bin('eslint'), ['--max-warnings=0', '.']);
if (fs.existsSync(path.join(root, 'agent', 'build.mjs'))) check('Build: agent bundle', process.execPath, ['agent/build.mjs']);
suite(
  'Unit and integration tests (vitest)',
  bin('vitest'),
  ['run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest.json'],
  'test-results/vitest.json',
  (r) => ({ passed: r.numPassedTests ?? 0, failed: r.numFailedTests ?? 0 }),
);
suite(
  'Real kernel (QEMU guest: igb, NVMe, vfio-pci)',
  process.execPath,
  ['agent/test/kernel/run.mjs', '--report', 'test-results/kernel.json'],
  'test-results/kernel.json',
  (r) => ({ passed: r.passed ?? 0, failed: r.failed ?? 0 }),
);
check('Build: dashboard (next build)', bin('next'), ['build']);
suite(
  'Campaigns and faults (real server processes: bad input, faults, races)',
  bin('vitest'),
  ['run', '--config', 'vitest.campaigns.config.ts', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/campaigns.json'],
  'test-results/campaigns.json',
  (r) => ({ passed: r.numPassedTests ?? 0, failed: r.numFailedTests ?? 0 }),
);
ensureChromium();
suite('End-to-end tests (Playwright, Chromium)', bin('playwright'), ['test'], `test-results/e2e-${process.env.E2E_PORT ?? 3210}.json`, (r) => ({
  passed: (r.stats?.expected ?? 0) + (r.stats?.flaky ?? 0),
  failed: r.stats?.unexpected ?? 0,
}));

console.log('\n━━ Summary');
for (const r of results) console.log(`${r.failed ? '✕' : '✓'} ${r.name}: ${r.passed} passed, ${r.failed} failed (${r.seconds} s)`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
