#!/usr/bin/env node
// The agent against a real Linux kernel: boots Debian's 6.1 kernel under QEMU 10 (TCG, no KVM)
// with an emulated Intel 82576 (`-device igb`, 7 VFs) behind an emulated VT-d, runs the agent
// bundle and scenario.ts inside, reads the results from the guest's second serial port, runs the
// same scenario against the simulated kernel, and prints every check, every difference between the
// real and the simulated kernel, and a final `N passed, N failed` line. Exit 1 on any failure.
//
//   node agent/test/kernel/run.mjs [--keep] [--no-sim] [--update-fixture] [--timeout-s 240]
//
// Outside CI a missing prerequisite is named and the suite is skipped (exit 0); with CI=true it fails.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CACHE, ensurePackages, KERNEL_DIR, qemuEnvironment } from './fetch.mjs';
import { buildInitramfs, MODULES } from './initramfs.mjs';

const { values: opts } = parseArgs({
  options: {
    'no-sim': { type: 'boolean' },
    'update-fixture': { type: 'boolean' },
    'timeout-s': { type: 'string', default: '240' },
    boots: { type: 'string', default: 'full,iommu-off,no-cmdline' },
    report: { type: 'string' },
  },
});
const REPO = path.resolve(KERNEL_DIR, '../../..');
const AGENT_DIR = path.join(REPO, 'agent');
const BUILD = path.join(CACHE, 'build');
const RUN = path.join(CACHE, 'run');
const FIXTURE_DIR = path.join(AGENT_DIR, 'test/fixtures/real-igb');
const started = Date.now();
const timings = {};
const log = (msg) => process.stderr.write(`[kernel-suite] ${msg}\n`);
const since = (t) => Math.round((Date.now() - t) / 100) / 10;

/**
 * The boots: `full` = emulated VT-d + intel_iommu=on iommu=pt (the whole scenario); `iommu-off` =
 * no VT-d device (BIOS VT-d off, though the command line asks for it); `no-cmdline` = VT-d but no intel_iommu=on (the kernel's default).
 */
const BOOTS = {
  full: { vtd: true, append: 'intel_iommu=on iommu=pt' },
  'iommu-off': { vtd: false, append: 'intel_iommu=on iommu=pt' },
  'no-cmdline': { vtd: true, append: '', nvme: true },
};

// ------------------------------------------------------------------------------- prerequisites
function prerequisites() {
  const missing = [];
  const which = (cmd) => {
    try {
      execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  for (const cmd of ['apt-get', 'apt-cache', 'dpkg', 'ldd']) if (!which(cmd)) missing.push(`${cmd} (a Debian/Ubuntu machine: apt and dpkg fetch and unpack QEMU 10, the kernel and busybox)`);
  if (!fs.existsSync('/usr/sbin/ip')) missing.push('/usr/sbin/ip (iproute2: copied into the guest)');
  if (Number(process.versions.node.split('.')[0]) < 20) missing.push(`Node 20+ (this is ${process.version}; the same binary runs in the guest)`);
  if (process.arch !== 'x64') missing.push(`an x86-64 host (this is ${process.arch}: the guest runs the host's node binary)`);
  try {
    execFileSync(process.execPath, ['-e', 'require.resolve("esbuild")'], { cwd: REPO, stdio: 'ignore' });
  } catch {
    missing.push('esbuild in node_modules (npm ci)');
  }
  return missing;
}

// ------------------------------------------------------------------------------- bundles
async function bundles() {
  const { build } = await import('esbuild');
  fs.mkdirSync(BUILD, { recursive: true });
  // The agent exactly as shipped: agent/build.mjs, into our own directory (other runs may be using dist/).
  execFileSync(process.execPath, [path.join(AGENT_DIR, 'build.mjs'), '--outfile', path.join(BUILD, 'sriov-agent.js')], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  for (const name of ['guest-driver', 'sim-driver']) {
    await build({ entryPoints: [path.join(KERNEL_DIR, `${name}.ts`)], outfile: path.join(BUILD, `${name}.cjs`), bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
  }
  fs.writeFileSync(path.join(BUILD, 'package.json'), '{ "type": "commonjs" }\n');
}

// ------------------------------------------------------------------------------- the guest
function boot(pkgs, initrd, mode, timeoutS) {
  fs.mkdirSync(RUN, { recursive: true });
  const { vtd, append, nvme } = BOOTS[mode];
  const results = path.join(RUN, `results-${mode}.jsonl`);
  const consoleLog = path.join(RUN, `console-${mode}.log`);
  fs.rmSync(results, { force: true });
  const args = [
    // vendor=GenuineIntel: TCG's `max` CPU takes the host's vendor; an emulated VT-d belongs with an Intel CPU.
    '-machine', 'q35,accel=tcg', '-cpu', 'max,vendor=GenuineIntel', '-m', '2048', '-smp', '1',
    '-display', 'none', '-vga', 'none', '-monitor', 'none', '-no-reboot', '-nic', 'none',
    '-L', pkgs.firmwareDir, '-L', path.join(pkgs.root, 'usr/share/seabios'),
    ...(vtd ? ['-device', 'intel-iommu,intremap=off'] : []),
    '-device', 'pcie-root-port,id=rp1,chassis=1,slot=1',
    '-netdev', 'user,id=n0', '-device', 'igb,netdev=n0,bus=rp1,romfile=',
    // QEMU's NVMe controller with SR-IOV (4 VFs; secondary controllers stay offline until given resources).
    ...(nvme
      ? ['-device', 'pcie-root-port,id=rp2,chassis=2,slot=2', '-device', 'nvme-subsys,id=subsys0',
        '-device', 'nvme,id=nvme0,serial=ktest0,subsys=subsys0,bus=rp2,sriov_max_vfs=4,sriov_vq_flexible=8,sriov_vi_flexible=4,max_ioqpairs=12,msix_qsize=8']
      : []),
    '-kernel', pkgs.vmlinuz, '-initrd', initrd,
    '-append', `console=ttyS0 ${append} quiet panic=-1 ktest.mode=${mode}`.replace(/\s+/g, ' '),
    '-serial', 'stdio', '-serial', `file:${results}`,
  ];
  const env = qemuEnvironment(pkgs);
  return new Promise((resolve) => {
    const t0 = Date.now();
    const qemu = spawn(pkgs.qemu, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = fs.createWriteStream(consoleLog);
    qemu.stdout.pipe(out);
    qemu.stderr.pipe(out);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      qemu.kill('SIGKILL');
    }, timeoutS * 1000);
    qemu.on('exit', (code, signal) => {
      clearTimeout(timer);
      out.end(() => resolve({ code, signal, timedOut, seconds: since(t0), results, consoleLog, args }));
    });
  });
}

function readLines(file) {
  if (!fs.existsSync(file)) return [];
  const lines = [];
  for (const l of fs.readFileSync(file, 'utf8').split('\n')) {
    const t = l.trim();
    if (!t.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(t));
    } catch {
      lines.push({ type: 'garbled', text: t.slice(0, 200) });
    }
  }
  return lines;
}

/** The scenario against the simulated kernel, in a child process (mostly sleeping: it overlaps the guest boots). */
function runSim(mode) {
  const file = path.join(RUN, `sim-${mode}.jsonl`);
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [path.join(BUILD, 'sim-driver.cjs'), mode, 'dl380-gen10'], { stdio: ['ignore', fs.openSync(file, 'w'), 'inherit'] });
    child.on('exit', (code) => {
      if (code !== 0) log(`simulated run (${mode}) exited with ${code}`);
      timings[`simulator ${mode}`] = since(t0);
      resolve(readLines(file));
    });
  });
}

// ------------------------------------------------------------------------------- comparison
/** Differences that come from the test bed, not from the simulator being wrong (shown apart, with the reason). */
const BED_DIFFERENCES = {
  'health simulated': 'the simulated agent says it is simulated',
  'inventory pf.numaNode': 'the QEMU guest has no NUMA (numa_node -1 -> null); the dl380-gen10 profile has node 0',
  'inventory modules.kvm': 'the guest does not load kvm (TCG, no nested virtualisation)',
  'set-vf ipVfInfo': 'the raw `ip -j link show` is only taken in the guest',
  'set-vf-state cli': 'the CLI runs only in the guest',
};
/** Steps only the guest runs. */
const GUEST_ONLY = new Set(['cli-inventory']);

function diff(a, b, at = '') {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((x, i) => diff(x, b[i], `${at}[${i}]`));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const out = [];
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) out.push(...diff(a[k], b[k], at ? `${at}.${k}` : k));
    return out;
  }
  return [{ at: at || '(value)', real: a, sim: b }];
}

function writeFixture(capture) {
  fs.mkdirSync(FIXTURE_DIR, { recursive: true });
  const file = path.join(FIXTURE_DIR, 'tree.json');
  const text = `${JSON.stringify(capture, null, 1)}\n`;
  fs.writeFileSync(file, text);
  log(`wrote ${path.relative(REPO, file)} (${Object.keys(capture.tree).length} entries, ${Math.round(text.length / 1024)} KiB)`);
}

/** --report FILE: {passed, failed, ...} for scripts/test-all.mjs to count. */
function report(passed, failed, extra = {}) {
  if (!opts.report) return;
  const file = path.resolve(REPO, opts.report);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ passed, failed, ...extra }, null, 2)}\n`);
}

// ------------------------------------------------------------------------------- main
async function main() {
  const missing = prerequisites();
  if (missing.length) {
    const text = `kernel suite cannot run here; missing:\n  - ${missing.join('\n  - ')}`;
    if (process.env.CI === 'true') {
      report(0, 1, { missing });
      console.log(`${text}\n0 passed, 1 failed`);
      return 1;
    }
    report(0, 0, { skipped: missing });
    console.log(`${text}\nSKIPPED (outside CI; with CI=true this fails)\n0 passed, 0 failed`);
    return 0;
  }
  let t0 = Date.now();
  let pkgs;
  try {
    pkgs = ensurePackages({ modules: MODULES });
  } catch (err) {
    // The Debian mirror is a prerequisite too: outside CI its absence skips the suite, in CI it fails it.
    const text = `fetching the Debian packages failed (is the Debian mirror reachable?): ${err.message}`;
    if (process.env.CI === 'true') {
      report(0, 1, { error: err.message });
      console.log(`${text}\n0 passed, 1 failed`);
      return 1;
    }
    report(0, 0, { skipped: [text] });
    console.log(`${text}\nSKIPPED (outside CI; with CI=true this fails)\n0 passed, 0 failed`);
    return 0;
  }
  timings.packages = since(t0);
  t0 = Date.now();
  await bundles();
  timings.bundles = since(t0);
  t0 = Date.now();
  const initrd = buildInitramfs(CACHE, pkgs, {
    'ktest/sriov-agent.js': path.join(BUILD, 'sriov-agent.js'),
    'ktest/guest-driver.cjs': path.join(BUILD, 'guest-driver.cjs'),
  });
  timings.initramfs = since(t0);

  const modes = opts.boots.split(',').filter(Boolean);
  for (const m of modes) if (!BOOTS[m]) throw new Error(`unknown boot ${m}; known: ${Object.keys(BOOTS).join(', ')}`);
  let passed = 0;
  let failed = 0;
  const failures = [];
  const findings = [];
  const bed = [];
  fs.mkdirSync(RUN, { recursive: true });
  const sims = new Map(opts['no-sim'] ? [] : modes.map((m) => [m, runSim(m)]));
  const qemuDeb = pkgs.packages.find((p) => p.startsWith('qemu-system-x86_')) ?? '?';
  console.log(`Real kernel ${pkgs.kernelRelease}, ${qemuDeb.replace(/_amd64\.deb$/, '').replace('%3a', ':')}, -device igb; simulator profile dl380-gen10 (igb)`);
  for (const mode of modes) {
    log(`booting ${pkgs.kernelRelease} under QEMU (TCG), -device igb, boot "${mode}" ...`);
    const run = await boot(pkgs, initrd, mode, Number(opts['timeout-s']));
    timings[`guest ${mode}`] = run.seconds;
    const guest = readLines(run.results);
    const sim = (await sims.get(mode)) ?? [];
    const simSteps = new Map(sim.filter((r) => r.type === 'step').map((r) => [r.id, r]));
    console.log(`\n== boot "${mode}" (${BOOTS[mode].vtd ? 'emulated VT-d' : 'no VT-d'}, cmdline "${BOOTS[mode].append}"): ${run.seconds} s`);
    for (const r of guest) {
      if (r.type === 'hello') console.log(`  guest: kernel ${r.kernel}, node ${r.node}, driver started at uptime ${r.uptime} s`);
      if (r.type === 'timing') console.log(`  timing: ${r.what}: ${r.ms} ms`);
      if (r.type === 'done') console.log(`  guest: scenario done at uptime ${r.uptime} s`);
      if (r.type === 'fatal' || r.type === 'garbled') {
        failed++;
        failures.push(`guest driver (${mode}): ${r.message ?? r.text}`);
      }
      if (r.type === 'capture' && r.name === 'real-igb') {
        if (opts['update-fixture'] || !fs.existsSync(path.join(FIXTURE_DIR, 'tree.json'))) writeFixture(r.value);
      }
      if (r.type !== 'step') continue;
      const bad = r.checks.filter((c) => !c.pass);
      console.log(`${bad.length ? 'FAIL' : 'ok  '} ${r.id.padEnd(24)} ${String(r.ms).padStart(6)} ms  ${r.title}`);
      for (const [what, ms] of Object.entries(r.timings ?? {})) console.log(`       ${what}: ${ms} ms`);
      for (const c of r.checks) {
        if (c.pass) passed++;
        else {
          failed++;
          failures.push(`${r.id}: ${c.name}: ${JSON.stringify(c.detail)}`);
          console.log(`       x ${c.name}: ${JSON.stringify(c.detail)}`);
        }
      }
      const s = simSteps.get(r.id);
      if (GUEST_ONLY.has(r.id) || r.id.startsWith('nvme/')) continue; // the simulator has no NVMe profile
      if (s) {
        const all = diff(r.observation, s.observation);
        for (const x of all.filter((x) => BED_DIFFERENCES[`${r.id} ${x.at}`])) bed.push(`${r.id} ${x.at}: real ${JSON.stringify(x.real)}, sim ${JSON.stringify(x.sim)} (${BED_DIFFERENCES[`${r.id} ${x.at}`]})`);
        const d = all.filter((x) => !BED_DIFFERENCES[`${r.id} ${x.at}`]);
        const simBad = s.checks.filter((c) => !c.pass).map((c) => c.name);
        if (d.length || simBad.length) findings.push({ step: r.id, differences: d, simFailsRealChecks: simBad, ms: { real: r.ms, sim: s.ms } });
      } else if (sims.size) findings.push({ step: r.id, differences: [{ at: '(step)', real: 'ran', sim: 'missing' }], simFailsRealChecks: [], ms: { real: r.ms } });
    }
    if (!guest.some((r) => r.type === 'done')) {
      failed++;
      failures.push(`boot ${mode}: the guest did not finish (qemu exit ${run.code ?? run.signal}${run.timedOut ? `, killed after ${opts['timeout-s']} s` : ''}); console: ${path.relative(REPO, run.consoleLog)}`);
      console.log(fs.existsSync(run.consoleLog) ? fs.readFileSync(run.consoleLog, 'utf8').split('\n').slice(-40).join('\n') : '(no console log)');
    }
  }

  if (sims.size) {
    console.log(`\nReal kernel vs simulated kernel: ${findings.length} steps differ (informational: the real kernel is right)`);
    for (const f of findings) {
      console.log(`  ${f.step} (real ${f.ms.real} ms, sim ${f.ms.sim ?? '-'} ms)`);
      for (const d of f.differences) console.log(`    ${d.at}: real ${JSON.stringify(d.real)}  sim ${JSON.stringify(d.sim)}`);
      for (const n of f.simFailsRealChecks) console.log(`    the simulator fails the real-kernel check: ${n}`);
    }
    if (bed.length) console.log(`  test-bed differences, not findings:\n    ${bed.join('\n    ')}`);
    fs.writeFileSync(path.join(RUN, 'differences.json'), `${JSON.stringify({ findings, bed }, null, 2)}\n`);
  }
  timings.total = since(started);
  console.log(`\nTimings (s): ${Object.entries(timings).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`Logs: ${path.relative(REPO, RUN)}/ (console-<boot>.log, results-<boot>.jsonl, sim-<boot>.jsonl, differences.json)`);
  if (failures.length) console.log(`\nFailures:\n  ${failures.join('\n  ')}`);
  fs.rmSync(initrd, { force: true }); // rebuilt every run from the two cached layers
  if (opts.report) report(passed, failed, { timings, findings: findings.length });
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    report(0, 1, { error: String(err.stack) });
    console.log(`kernel suite crashed: ${err.stack}\n0 passed, 1 failed`);
    process.exitCode = 1;
  },
);
