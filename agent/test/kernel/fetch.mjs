// Fetches and unpacks the Debian packages the kernel suite needs, into agent/test/kernel/.cache/,
// with a private apt configuration: the machine's own apt setup (sources, lists, cache, status of
// installed packages) is never written. The mirror URIs come from the machine's apt sources.
//
//   qemu-system-x86 (+ seabios, qemu-system-data and the libraries this machine lacks) from
//   bookworm-backports (QEMU 10: `-device igb` with 7 VFs), Debian's linux-image-6.1.0-*-amd64,
//   busybox-static.
//
// Exported: ensurePackages() -> { root, qemu, firmwareDir, qemuModuleDir, libDirs, vmlinuz, modulesDir, busybox, kernelRelease },
// and qemuEnvironment(pkgs, env): the environment the fetched QEMU must run with.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const KERNEL_DIR = path.dirname(new URL(import.meta.url).pathname);
export const CACHE = path.join(KERNEL_DIR, '.cache');
const APT = path.join(CACHE, 'apt');
const DEBS = path.join(CACHE, 'debs');
const ROOT = path.join(CACHE, 'root');
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const LISTS_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

const log = (msg) => process.stderr.write(`[kernel-suite] ${msg}\n`);

/** The Debian mirror URIs of this machine (deb822 .sources and one-line .list files). */
export function machineMirrors() {
  const files = [];
  if (fs.existsSync('/etc/apt/sources.list')) files.push('/etc/apt/sources.list');
  const dir = '/etc/apt/sources.list.d';
  if (fs.existsSync(dir)) for (const f of fs.readdirSync(dir).sort()) if (/\.(list|sources)$/.test(f)) files.push(path.join(dir, f));
  let main = null;
  let security = null;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const uris = [];
    for (const line of text.split('\n')) {
      const t = line.trim();
      if (t.startsWith('#')) continue;
      let m = /^URIs:\s*(.+)$/i.exec(t);
      if (m) uris.push(...m[1].split(/\s+/));
      m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(t);
      if (m) uris.push(m[1]);
    }
    for (const u of uris) {
      const uri = u.replace(/\/+$/, '');
      if (/debian-security$/.test(uri)) security ??= uri;
      else if (/\/debian$/.test(uri)) main ??= uri;
    }
  }
  if (!main) throw new Error('no Debian mirror (a URI ending in /debian) in /etc/apt/sources.list or /etc/apt/sources.list.d/');
  return { main, security };
}

function aptOptions() {
  return [
    '-o', `Dir::Etc::SourceList=${path.join(APT, 'sources.list')}`,
    '-o', 'Dir::Etc::SourceParts=/dev/null',
    '-o', `Dir::State::Lists=${path.join(APT, 'lists')}`,
    '-o', `Dir::Cache=${path.join(APT, 'cache')}`,
    '-o', 'Debug::NoLocking=1',
    '-o', 'APT::Get::List-Cleanup=0',
    '-q',
  ];
}

function apt(cmd, args, opts = {}) {
  return execFileSync(cmd, [...aptOptions(), ...args], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

function writeSources() {
  const { main, security } = machineMirrors();
  const signed = fs.existsSync(KEYRING) ? `[signed-by=${KEYRING}] ` : '';
  const lines = ['bookworm', 'bookworm-updates', 'bookworm-backports'].map((s) => `deb ${signed}${main} ${s} main`);
  if (security) lines.push(`deb ${signed}${security} bookworm-security main`);
  const text = `${lines.join('\n')}\n`;
  const file = path.join(APT, 'sources.list');
  const changed = !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text;
  fs.writeFileSync(file, text);
  return changed;
}

function updateLists() {
  for (const d of ['lists/partial', 'cache/archives/partial']) fs.mkdirSync(path.join(APT, d), { recursive: true });
  const changed = writeSources();
  const stamp = path.join(APT, 'updated');
  const fresh = fs.existsSync(stamp) && Date.now() - fs.statSync(stamp).mtimeMs < LISTS_MAX_AGE_MS;
  if (fresh && !changed) return;
  log('apt-get update (private lists under .cache/apt)');
  try {
    apt('apt-get', ['update']);
  } catch (err) {
    // Offline with lists from an earlier run: keep going with them (the .debs may be cached too).
    if (!fs.existsSync(stamp) || changed) throw err;
    log(`apt-get update failed, using the lists of ${fs.readFileSync(stamp, 'utf8')}: ${String(err.stderr ?? err.message).trim().split('\n').pop()}`);
    return;
  }
  fs.writeFileSync(stamp, new Date().toISOString());
}

/** Package=version pairs to fetch: QEMU 10 with what this machine lacks, the 6.1 kernel, busybox-static. */
function resolvePackages() {
  // Simulated install against this machine's dpkg status (read only): lists exactly the packages missing here.
  const sim = apt('apt-get', ['-s', '--no-install-recommends', '-t', 'bookworm-backports', 'install', 'qemu-system-x86']);
  const wanted = new Map();
  for (const line of sim.split('\n')) {
    const m = /^Inst (\S+) (?:\[[^\]]*\] )?\((\S+)/.exec(line);
    if (m) wanted.set(m[1], m[2]);
  }
  if (!wanted.has('qemu-system-x86')) {
    // Already installed on this machine? Still fetch it: the suite runs the cached QEMU 10.
    wanted.set('qemu-system-x86', candidate('qemu-system-x86', 'bookworm-backports'));
  }
  for (const p of ['seabios', 'qemu-system-data']) if (!wanted.has(p)) wanted.set(p, candidate(p, 'bookworm-backports'));
  const meta = apt('apt-cache', ['depends', 'linux-image-amd64']);
  const kpkg = /Depends: (linux-image-6\.1\.0-[0-9]+-amd64)\b/.exec(meta)?.[1];
  if (!kpkg) throw new Error(`linux-image-amd64 does not depend on a linux-image-6.1.0-*-amd64 package:\n${meta}`);
  wanted.set(kpkg, candidate(kpkg));
  wanted.set('busybox-static', candidate('busybox-static'));
  return wanted;
}

function candidate(pkg, release) {
  const out = apt('apt-cache', [...(release ? ['-t', release] : []), 'policy', pkg]);
  const v = /Candidate: (\S+)/.exec(out)?.[1];
  if (!v || v === '(none)') throw new Error(`no candidate for ${pkg} in Debian's ${release ?? 'bookworm'} lists`);
  return v;
}

function download(wanted) {
  fs.mkdirSync(DEBS, { recursive: true });
  const have = new Set(fs.readdirSync(DEBS));
  const debName = (p, v) => `${p}_${v.replace(/:/g, '%3a')}_`;
  const missing = [...wanted].filter(([p, v]) => ![...have].some((f) => f.startsWith(debName(p, v))));
  if (missing.length) {
    log(`apt-get download ${missing.length} packages: ${missing.map(([p]) => p).join(' ')}`);
    apt('apt-get', ['download', ...missing.map(([p, v]) => `${p}=${v}`)], { cwd: DEBS });
  }
  return [...wanted].map(([p, v]) => {
    const f = fs.readdirSync(DEBS).find((n) => n.startsWith(debName(p, v)));
    if (!f) throw new Error(`${p}=${v} was not downloaded`);
    return path.join(DEBS, f);
  });
}

function unpack(debs) {
  fs.mkdirSync(ROOT, { recursive: true });
  const done = path.join(ROOT, '.unpacked');
  const list = new Set(fs.existsSync(done) ? fs.readFileSync(done, 'utf8').split('\n').filter(Boolean) : []);
  for (const deb of debs) {
    const name = path.basename(deb);
    if (list.has(name)) continue;
    log(`dpkg -x ${name}`);
    execFileSync('dpkg', ['-x', deb, ROOT], { stdio: ['ignore', 'ignore', 'inherit'] });
    list.add(name);
    fs.writeFileSync(done, `${[...list].join('\n')}\n`);
  }
}

/** Keeps only the kernel modules the guest loads (the full set is ~400 MB unpacked). */
function pruneModules(modulesDir, keep) {
  const marker = path.join(modulesDir, '.pruned');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === keep.join('\n')) return;
  const wanted = new Set(keep.map((m) => path.join(modulesDir, 'kernel', m)));
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        walk(p);
        if (fs.readdirSync(p).length === 0) fs.rmdirSync(p);
      } else if (!wanted.has(p)) fs.rmSync(p);
    }
  };
  walk(path.join(modulesDir, 'kernel'));
  for (const m of keep) if (!fs.existsSync(path.join(modulesDir, 'kernel', m))) throw new Error(`module ${m} is not in Debian's kernel package`);
  fs.writeFileSync(marker, keep.join('\n'));
}

export function ensurePackages({ modules = [] } = {}) {
  const t0 = Date.now();
  fs.mkdirSync(APT, { recursive: true });
  updateLists();
  // Resolving takes seconds of apt-cache; the answer only changes with the lists (or this machine's packages).
  const resolvedFile = path.join(APT, 'resolved.json');
  const listsStamp = fs.readFileSync(path.join(APT, 'updated'), 'utf8');
  const dpkgStamp = String(fs.statSync('/var/lib/dpkg/status').mtimeMs);
  let resolved = null;
  try {
    const r = JSON.parse(fs.readFileSync(resolvedFile, 'utf8'));
    if (r.listsStamp === listsStamp && r.dpkgStamp === dpkgStamp) resolved = new Map(r.packages);
  } catch {
    /* resolve again */
  }
  if (!resolved) {
    resolved = resolvePackages();
    fs.writeFileSync(resolvedFile, JSON.stringify({ listsStamp, dpkgStamp, packages: [...resolved] }));
  }
  const debs = download(resolved);
  unpack(debs);
  const modulesBase = path.join(ROOT, 'lib/modules');
  const kernelRelease = fs.readdirSync(modulesBase).filter((d) => /^6\.1\.0-\d+-amd64$/.test(d)).sort().at(-1);
  if (!kernelRelease) throw new Error('no 6.1 kernel modules after unpacking');
  if (modules.length) pruneModules(path.join(modulesBase, kernelRelease), modules);
  const result = {
    root: ROOT,
    qemu: path.join(ROOT, 'usr/bin/qemu-system-x86_64'),
    firmwareDir: path.join(ROOT, 'usr/share/qemu'),
    qemuModuleDir: path.join(ROOT, 'usr/lib/x86_64-linux-gnu/qemu'),
    libDirs: [path.join(ROOT, 'usr/lib/x86_64-linux-gnu'), path.join(ROOT, 'lib/x86_64-linux-gnu')],
    vmlinuz: path.join(ROOT, 'boot', `vmlinuz-${kernelRelease}`),
    modulesDir: path.join(modulesBase, kernelRelease),
    busybox: path.join(ROOT, 'bin/busybox'),
    kernelRelease,
    packages: debs.map((d) => path.basename(d)),
    seconds: (Date.now() - t0) / 1000,
  };
  for (const k of ['qemu', 'vmlinuz', 'busybox']) if (!fs.existsSync(result[k])) throw new Error(`${k} missing after unpacking: ${result[k]}`);
  return result;
}

/**
 * The fetched QEMU's environment: its own libraries first, and its own module folder. A QEMU looks
 * for its modules (block drivers, display and audio back ends) in the folder it was built with,
 * /usr/lib/x86_64-linux-gnu/qemu; where Debian's qemu-system-x86 is installed that folder holds
 * another build's modules, which QEMU refuses ("Only modules from the same build can be loaded")
 * and then aborts. QEMU_MODULE_DIR wins over the built-in folder, whatever the caller's
 * environment says.
 */
export function qemuEnvironment(pkgs, env = process.env) {
  return {
    ...env,
    LD_LIBRARY_PATH: [...pkgs.libDirs, env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
    QEMU_MODULE_DIR: pkgs.qemuModuleDir,
  };
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  console.log(JSON.stringify(ensurePackages(), null, 2));
}
