// Builds the agent's RPM (sriov-agent.spec beside this file) with rpmbuild: Debian's `rpm` package
// or RHEL's `rpm-build`. The version is package.json's unless given; the bundle is built afresh
// unless given. Prints the path of the package.
//   node agent/packaging/rpm/build.mjs [--version 0.1.0] [--release 1] [--bundle FILE] [--outdir DIR]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const agentDir = path.resolve(here, '..', '..');
const repo = path.resolve(agentDir, '..');
const { values } = parseArgs({
  options: { version: { type: 'string' }, release: { type: 'string' }, bundle: { type: 'string' }, outdir: { type: 'string' } },
});

try {
  console.log(buildRpm(values));
} catch (err) {
  console.error(`build:rpm: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

function buildRpm(options) {
  const version = rpmVersion(options.version ?? JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).version);
  const release = options.release ?? '1';
  if (!/^[0-9][0-9A-Za-z.]*$/.test(release)) throw new Error(`--release ${JSON.stringify(release)}: digits first, then letters, digits or dots`);
  const outdir = path.resolve(options.outdir ?? path.join(agentDir, 'dist'));
  if (spawnSync('rpmbuild', ['--version'], { stdio: 'ignore' }).error) {
    throw new Error('rpmbuild not found: install Debian\'s rpm package (apt-get install rpm) or RHEL\'s rpm-build');
  }

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sriov-agent-rpm-'));
  try {
    const sources = path.join(work, 'SOURCES');
    fs.mkdirSync(sources);
    const bundle = options.bundle ? path.resolve(options.bundle) : path.join(work, 'bundle', 'sriov-agent.js');
    if (!options.bundle) run(process.execPath, [path.join(agentDir, 'build.mjs'), '--outfile', bundle]);
    if (!fs.existsSync(bundle)) throw new Error(`--bundle ${bundle}: no such file`);
    fs.copyFileSync(bundle, path.join(sources, 'sriov-agent.js'));
    fs.copyFileSync(path.join(agentDir, 'systemd', 'sriov-agent.service'), path.join(sources, 'sriov-agent.service'));
    fs.copyFileSync(path.join(agentDir, 'systemd', 'sriov-agent.env.example'), path.join(sources, 'sriov-agent.env.example'));
    fs.copyFileSync(path.join(agentDir, 'README.md'), path.join(sources, 'README.md'));

    run('rpmbuild', [
      '-bb',
      '--quiet',
      '--define', `_topdir ${work}`,
      '--define', `_tmppath ${path.join(work, 'tmp')}`,
      '--define', `agent_version ${version}`,
      '--define', `agent_release ${release}`,
      path.join(here, 'sriov-agent.spec'),
    ]);
    const name = `sriov-agent-${version}-${release}.noarch.rpm`;
    fs.mkdirSync(outdir, { recursive: true });
    fs.copyFileSync(path.join(work, 'RPMS', 'noarch', name), path.join(outdir, name));
    return path.join(outdir, name);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** npm's 1.2.0-rc.1 is RPM's 1.2.0~rc.1: a hyphen separates version from release, a tilde sorts before 1.2.0. */
function rpmVersion(version) {
  const rpm = String(version).replace('-', '~');
  if (!/^[0-9][0-9A-Za-z.+~]*$/.test(rpm) || rpm.includes('-')) throw new Error(`--version ${JSON.stringify(version)}: not an RPM version`);
  return rpm;
}

/** The tools' chatter goes to stderr: stdout is the package's path alone. */
function run(command, args) {
  const result = spawnSync(command, args, { stdio: ['ignore', 2, 'inherit'] });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${path.basename(command)} exited with ${result.status ?? result.signal}`);
}
