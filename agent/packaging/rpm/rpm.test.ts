import { execFile, execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Builds the agent's RPM with rpmbuild (Debian's rpm package), reads it back with rpm's queries,
// and installs, upgrades and removes it in scratch roots. Installing into a root makes rpm chroot
// there for the scriptlets, which needs root; CI runs as root.
const HERE = __dirname;
const AGENT_DIR = path.resolve(HERE, '..', '..');
const PACKAGE_VERSION: string = JSON.parse(fs.readFileSync(path.join(AGENT_DIR, '..', 'package.json'), 'utf8')).version;
const NEXT_VERSION = PACKAGE_VERSION.replace(/^(\d+)\.(\d+)\.(\d+).*$/, (_, major, minor, patch) => `${major}.${minor}.${Number(patch) + 1}`);
const UNIT = '/usr/lib/systemd/system/sriov-agent.service';
const ENV_FILE = '/etc/sriov-agent/sriov-agent.env';
const STATE_FILE = '/var/lib/sriov-agent/desired-state.json';

const run = promisify(execFile);
const noRpmbuild = spawnSync('rpmbuild', ['--version'], { stdio: 'ignore' }).error
  ? 'skipped: rpmbuild is not installed (apt-get install rpm; .ci/run installs it)'
  : null;
const notRoot = process.getuid?.() === 0 ? null : 'skipped: installing into a scratch root needs root (rpm chroots there for the scriptlets)';
for (const reason of [noRpmbuild, notRoot]) if (reason) console.warn(`agent RPM: ${reason}`);

let work: string;
let bundle: string;
let agentRpm: string;
let nextRpm: string;
const fakes: Record<'base' | 'node16' | 'node20' | 'node22', string> = { base: '', node16: '', node20: '', node22: '' };

describe.skipIf(noRpmbuild)(`the agent RPM${noRpmbuild ? ` (${noRpmbuild})` : ''}`, () => {
  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'sriov-agent-rpm-test-'));
    bundle = path.join(work, 'bundle', 'sriov-agent.js');
    await run(process.execPath, [path.join(AGENT_DIR, 'build.mjs'), '--outfile', bundle]);
    const build = async (...args: string[]) => {
      const { stdout } = await run(process.execPath, [path.join(HERE, 'build.mjs'), '--bundle', bundle, ...args]);
      return stdout.trim();
    };
    // RHEL's own: nodejs-1:16.20.2 is RHEL 9's default, the nodejs:20 and :22 module streams carry epoch 1 too.
    [agentRpm, nextRpm, fakes.base, fakes.node16, fakes.node20, fakes.node22] = await Promise.all([
      build('--outdir', path.join(work, 'v1')),
      build('--outdir', path.join(work, 'v2'), '--version', NEXT_VERSION),
      // What the agent needs besides Node.js, and the requirement the epoch avoids: 1:16 satisfies a bare "nodejs >= 20".
      fakePackage({ name: 'scratch-base', version: '1', provides: ['/bin/sh', 'iproute'], requires: ['nodejs >= 20'] }),
      fakePackage({ name: 'nodejs', epoch: 1, version: '16.20.2', files: ['/usr/bin/node'] }),
      fakePackage({ name: 'nodejs', epoch: 1, version: '20.19.5', files: ['/usr/bin/node'] }),
      fakePackage({ name: 'nodejs', epoch: 1, version: '22.20.0', files: ['/usr/bin/node'] }),
    ]);
  });

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('holds the agent, its unit, its environment file (config, 0600) and the state folder (0700), named after package.json', () => {
    expect(query(agentRpm, '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}')).toBe(`sriov-agent-${PACKAGE_VERSION}-1.noarch`);
    expect(path.basename(agentRpm)).toBe(`sriov-agent-${PACKAGE_VERSION}-1.noarch.rpm`);
    expect(rpm(['-qlp', agentRpm]).stdout.trim().split('\n')).toEqual([
      '/etc/sriov-agent',
      ENV_FILE,
      '/usr/bin/sriov-agent',
      '/usr/lib/sriov-agent',
      '/usr/lib/sriov-agent/README.md',
      '/usr/lib/sriov-agent/sriov-agent.js',
      UNIT,
      '/var/lib/sriov-agent',
    ]);
    const files = query(agentRpm, '[%{FILENAMES} %{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILEFLAGS:fflags}\n]');
    expect(files.trim().split('\n').map((line) => line.trim())).toEqual([
      '/etc/sriov-agent drwx------ root:root',
      `${ENV_FILE} -rw------- root:root cn`,
      '/usr/bin/sriov-agent lrwxrwxrwx root:root',
      '/usr/lib/sriov-agent drwxr-xr-x root:root',
      '/usr/lib/sriov-agent/README.md -rw-r--r-- root:root',
      '/usr/lib/sriov-agent/sriov-agent.js -rwxr-xr-x root:root',
      `${UNIT} -rw-r--r-- root:root`,
      '/var/lib/sriov-agent drwx------ root:root',
    ]);
    expect(files).not.toContain(STATE_FILE);
  });

  it('requires nodejs >= 1:20 and iproute, with an xz payload and nothing RHEL 8\'s rpm 4.14 lacks', () => {
    const requires = rpm(['-qp', '--requires', agentRpm]).stdout.trim().split('\n');
    expect(requires).toContain('nodejs >= 1:20');
    expect(requires).toContain('iproute');
    expect(requires).toContain('/usr/bin/node');
    expect(requires.filter((r) => !r.startsWith('rpmlib(') && !r.startsWith('config('))).toEqual(['/bin/sh', '/bin/sh', '/bin/sh', '/usr/bin/node', 'iproute', 'nodejs >= 1:20']);
    expect(rpm(['-qp', '--recommends', agentRpm]).stdout.trim()).toBe('libvirt-client');
    expect(query(agentRpm, '%{PAYLOADCOMPRESSOR}')).toBe('xz');
    // The features of rpm 4.14.0 (RHEL 8.0), lib/rpmds.c, without PayloadIsZstd (RHEL 8.2 on).
    const rpm414 = [
      'BuiltinLuaScripts', 'CompressedFileNames', 'ConcurrentAccess', 'ExplicitPackageProvide', 'FileCaps', 'FileDigests',
      'HeaderLoadSortsTags', 'LargeFiles', 'PartialHardlinkSets', 'PayloadFilesHavePrefix', 'PayloadIsBzip2', 'PayloadIsLzma',
      'PayloadIsXz', 'RichDependencies', 'ScriptletExpansion', 'ScriptletInterpreterArgs', 'TildeInVersions', 'VersionedDependencies',
    ];
    const features = requires.filter((r) => r.startsWith('rpmlib(')).map((r) => /^rpmlib\((\w+)\)/.exec(r)?.[1]);
    expect(features).toContain('PayloadIsXz');
    for (const feature of features) expect(rpm414).toContain(feature);
  });

  it.skipIf(notRoot)('installs with nodejs 1:20 or 1:22 and refuses nodejs 1:16, which a bare "nodejs >= 20" would take', () => {
    const root = scratchRoot('deps');
    // scratch-base requires a bare "nodejs >= 20": 0:20 sorts below 1:16, so this installs.
    expectQuiet(rpm(['-i', fakes.base, fakes.node16], root));
    const with16 = rpm(['-U', '--test', agentRpm], root);
    expect(with16.stderr.match(/.* is needed by .*/g)).toEqual([`\tnodejs >= 1:20 is needed by sriov-agent-${PACKAGE_VERSION}-1.noarch`]);
    expect(with16.status).not.toBe(0);

    for (const node of [fakes.node20, fakes.node22]) {
      expect(rpm(['-U', node], root).status).toBe(0);
      const result = rpm(['-U', '--test', agentRpm], root);
      expect(result.stderr).not.toMatch(/Failed dependencies/);
      expect(result.status).toBe(0);
    }
  });

  it.skipIf(notRoot)('installs where there is no systemd, and keeps desired-state.json and the edited environment file through an upgrade and a removal', () => {
    const root = scratchRoot('lifecycle');
    withShell(root);

    expectQuiet(rpm(['-i', '--nodeps', agentRpm], root));
    expect(rpm(['-q', 'sriov-agent'], root).stdout.trim()).toBe(`sriov-agent-${PACKAGE_VERSION}-1.noarch`);
    const unit = fs.readFileSync(inRoot(root, UNIT), 'utf8');
    const scripts = [...unit.matchAll(/^ExecStart(?:Pre)?=\/usr\/bin\/node .* (\/\S+\.js) /gm)].map((m) => m[1]);
    expect(scripts).toEqual(['/usr/lib/sriov-agent/sriov-agent.js', '/usr/lib/sriov-agent/sriov-agent.js']);
    expect(unit).not.toContain('/usr/local');
    const agent = fs.readFileSync(inRoot(root, '/usr/lib/sriov-agent/sriov-agent.js'), 'utf8');
    const built = fs.readFileSync(bundle, 'utf8');
    expect(agent.split('\n')[0]).toBe('#!/usr/bin/node');
    expect(agent.slice(agent.indexOf('\n'))).toBe(built.slice(built.indexOf('\n')));
    expect(fs.realpathSync(inRoot(root, '/usr/bin/sriov-agent'))).toBe(fs.realpathSync(inRoot(root, '/usr/lib/sriov-agent/sriov-agent.js')));
    expect(execFileSync(process.execPath, [inRoot(root, '/usr/bin/sriov-agent'), '--version'], { encoding: 'utf8' }).trim()).toBe(PACKAGE_VERSION);
    expect(fs.readFileSync(inRoot(root, ENV_FILE), 'utf8')).toBe(fs.readFileSync(path.join(AGENT_DIR, 'systemd', 'sriov-agent.env.example'), 'utf8'));

    // What a running host has by then: the desired state the dashboard pushed, a token, an edited environment.
    const desired = `${JSON.stringify({ version: 1, updatedAt: '2026-11-24T10:00:00.000Z', pfs: { '0000:5d:00.0': { numVfs: 8, vfs: { '0': { vlan: 100 } } } } })}\n`;
    fs.writeFileSync(inRoot(root, STATE_FILE), desired, { mode: 0o600 });
    fs.writeFileSync(inRoot(root, '/etc/sriov-agent/token'), 'a-token-of-the-host-0123456789\n', { mode: 0o600 });
    fs.appendFileSync(inRoot(root, ENV_FILE), 'SRIOV_AGENT_LOCK_WAIT_MS=2000\n');
    const edited = fs.readFileSync(inRoot(root, ENV_FILE), 'utf8');

    expectQuiet(rpm(['-U', '--nodeps', nextRpm], root));
    expect(rpm(['-q', 'sriov-agent'], root).stdout.trim()).toBe(`sriov-agent-${NEXT_VERSION}-1.noarch`);
    expect(fs.readFileSync(inRoot(root, STATE_FILE), 'utf8')).toBe(desired);
    expect(fs.readFileSync(inRoot(root, ENV_FILE), 'utf8')).toBe(edited);
    expect(fs.existsSync(inRoot(root, `${ENV_FILE}.rpmnew`))).toBe(false);
    expect(fs.statSync(inRoot(root, '/var/lib/sriov-agent')).mode & 0o777).toBe(0o700);

    expectQuiet(rpm(['-e', 'sriov-agent'], root), [`warning: ${ENV_FILE} saved as ${ENV_FILE}.rpmsave`]);
    expect(rpm(['-q', 'sriov-agent'], root).status).not.toBe(0);
    for (const gone of ['/usr/lib/sriov-agent', '/usr/bin/sriov-agent', UNIT, ENV_FILE]) expect(fs.existsSync(inRoot(root, gone)), gone).toBe(false);
    expect(fs.readFileSync(inRoot(root, STATE_FILE), 'utf8')).toBe(desired);
    expect(fs.readFileSync(inRoot(root, '/etc/sriov-agent/token'), 'utf8')).toBe('a-token-of-the-host-0123456789\n');
    expect(fs.readFileSync(inRoot(root, `${ENV_FILE}.rpmsave`), 'utf8')).toBe(edited);
  });

  it.skipIf(notRoot).each([
    {
      systemd: 'running',
      install: ['--no-reload enable sriov-agent.service', 'daemon-reload'],
      // The new version's %post, then the old one's %postun.
      upgrade: ['daemon-reload', 'daemon-reload', 'try-restart sriov-agent.service'],
      remove: ['--no-reload disable sriov-agent.service', 'stop sriov-agent.service', 'daemon-reload'],
    },
    {
      // An image being built: the unit is enabled for its first boot, nothing runs to reload or stop.
      systemd: 'installed, not running',
      install: ['--no-reload enable sriov-agent.service'],
      upgrade: [],
      remove: ['--no-reload disable sriov-agent.service'],
    },
  ])('enables the unit on install, restarts it on upgrade, disables it on removal (systemd $systemd)', ({ systemd, install, upgrade, remove }) => {
    const root = scratchRoot(`systemctl-${systemd.replace(/\W+/g, '-')}`);
    withShell(root);
    fs.mkdirSync(inRoot(root, '/usr/bin'), { recursive: true });
    fs.writeFileSync(inRoot(root, '/usr/bin/systemctl'), '#!/bin/sh\necho "$*" >> /systemctl.log\n', { mode: 0o755 });
    if (systemd === 'running') fs.mkdirSync(inRoot(root, '/run/systemd/system'), { recursive: true });
    const calls = () => {
      const log = inRoot(root, '/systemctl.log');
      const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
      fs.rmSync(log, { force: true });
      return lines;
    };

    expectQuiet(rpm(['-i', '--nodeps', agentRpm], root));
    expect(calls()).toEqual(install);
    expectQuiet(rpm(['-U', '--nodeps', nextRpm], root));
    expect(calls()).toEqual(upgrade);
    expectQuiet(rpm(['-e', 'sriov-agent'], root));
    expect(calls()).toEqual(remove);
  });
});

interface RpmResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** rpm, into a scratch root when given one (its database where RHEL keeps it). */
function rpm(args: string[], root?: string): RpmResult {
  const rootArgs = root ? ['--root', root, '--dbpath', '/var/lib/rpm'] : [];
  const result = spawnSync('rpm', [...rootArgs, ...args], { encoding: 'utf8' });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function query(file: string, format: string): string {
  return rpm(['-qp', '--qf', format, file]).stdout;
}

/** Succeeded, and rpm said nothing but what is expected (Debian's rpm adds two lines about alien). */
function expectQuiet(result: RpmResult, expected: string[] = []): void {
  const said = result.stderr.split('\n').filter((line) => line && !line.startsWith('rpm: '));
  expect(said).toEqual(expected);
  expect(result.status).toBe(0);
}

function scratchRoot(name: string): string {
  const root = path.join(work, 'roots', name);
  fs.mkdirSync(root, { recursive: true });
  return root;
}

function inRoot(root: string, file: string): string {
  return path.join(root, file);
}

/**
 * rpm runs the scriptlets with the root's /bin/sh: the build machine's, with the libraries it
 * loads, and a /dev for the scriptlets' redirections. Nothing else: no systemctl, no systemd.
 */
function withShell(root: string): void {
  const shell = fs.realpathSync('/bin/sh');
  const libraries = [...execFileSync('ldd', [shell], { encoding: 'utf8' }).matchAll(/(\/\S+) \(0x[0-9a-f]+\)/g)].map((m) => m[1] ?? '');
  for (const [from, to] of [[shell, '/bin/sh'], ...libraries.map((lib) => [lib, lib])] as [string, string][]) {
    fs.mkdirSync(path.dirname(inRoot(root, to)), { recursive: true });
    fs.copyFileSync(from, inRoot(root, to));
    fs.chmodSync(inRoot(root, to), 0o755);
  }
  fs.mkdirSync(inRoot(root, '/dev'), { recursive: true });
}

/** A stand-in package with a name, an epoch and a version like the one it stands for. */
async function fakePackage(options: { name: string; epoch?: number; version: string; provides?: string[]; requires?: string[]; files?: string[] }): Promise<string> {
  const top = path.join(work, 'fakes', `${options.name}-${options.version}`);
  const files = options.files ?? [];
  const spec = [
    `Name: ${options.name}`,
    ...(options.epoch === undefined ? [] : [`Epoch: ${options.epoch}`]),
    `Version: ${options.version}`,
    'Release: 1.el9',
    'Summary: A stand-in for the tests of the sriov-agent RPM',
    'License: Apache-2.0',
    'BuildArch: noarch',
    'AutoReqProv: no',
    ...(options.provides ?? []).map((p) => `Provides: ${p}`),
    ...(options.requires ?? []).map((r) => `Requires: ${r}`),
    '%description',
    'A stand-in for the tests of the sriov-agent RPM.',
    '%install',
    ...files.map((f) => `mkdir -p %{buildroot}${path.dirname(f)} && : > %{buildroot}${f}`),
    '%files',
    ...files,
    '',
  ].join('\n');
  fs.mkdirSync(top, { recursive: true });
  fs.writeFileSync(path.join(top, 'fake.spec'), spec);
  // No brp scripts (compressing man pages, stripping binaries): a stand-in has nothing for them.
  await run('rpmbuild', ['-bb', '--quiet', '--define', `_topdir ${top}`, '--define', `_tmppath ${top}`, '--define', '__spec_install_post %{nil}', path.join(top, 'fake.spec')]);
  return path.join(top, 'RPMS', 'noarch', `${options.name}-${options.version}-1.el9.noarch.rpm`);
}
