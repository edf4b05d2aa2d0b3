import nodeFs from 'node:fs';
import { parseArgs } from 'node:util';
import { Agent, jsonLog, type LogFn } from './agent';
import { AgentError, errnoOf } from './errors';
import { execRunner } from './exec';
import { withRedfish, type RedfishModule } from './ilo';
import { VirshHypervisor } from './hypervisor/virsh';
import { nodeEtcFiles } from './os/host-os';
import { startAgentServer } from './server';
import { SimulatedAgent, startSimulatedFleet } from './sim/fleet';
import { SimulatedHost } from './sim/host';
import { FAST_TIMING, REAL_TIMING, type SimTiming } from './sim/kernel';
import { HOST_PROFILES } from './sim/profiles';
import { NodeHostFs } from './sysfs/host-fs';
import { bindBody, mac, parseInput, pciAddress, setVfBody, vmName } from './validation';
import { AGENT_VERSION } from './version';

interface FlagSpec {
  type: 'string' | 'boolean';
  env?: string;
  help: string;
  default?: string;
}

/** Every flag, with the environment variable it falls back to (systemd EnvironmentFile friendly). */
const FLAGS: Record<string, FlagSpec> = {
  'sysfs-root': { type: 'string', env: 'SRIOV_AGENT_SYSFS_ROOT', default: '/sys', help: 'directory standing for /sys' },
  'procfs-root': { type: 'string', env: 'SRIOV_AGENT_PROCFS_ROOT', default: '/proc', help: 'directory standing for /proc' },
  'state-dir': { type: 'string', env: 'SRIOV_AGENT_STATE_DIR', default: '/var/lib/sriov-agent', help: 'where the desired state is kept' },
  'ip-command': { type: 'string', env: 'SRIOV_AGENT_IP_COMMAND', default: 'ip', help: 'the iproute2 `ip` to run (a full path where busybox shadows it)' },
  'virsh-command': { type: 'string', env: 'SRIOV_AGENT_VIRSH_COMMAND', default: 'virsh', help: 'the `virsh` to run' },
  'libvirt-uri': { type: 'string', env: 'SRIOV_AGENT_LIBVIRT_URI', default: 'qemu:///system', help: 'libvirt connection URI for virsh' },
  listen: { type: 'string', env: 'SRIOV_AGENT_LISTEN', default: '127.0.0.1', help: 'address to listen on (serve)' },
  port: { type: 'string', env: 'SRIOV_AGENT_PORT', default: '9443', help: 'port to listen on; 0 picks a free one (serve)' },
  token: { type: 'string', env: 'SRIOV_AGENT_TOKEN', help: 'bearer token the server must send (16+ characters)' },
  'token-file': { type: 'string', env: 'SRIOV_AGENT_TOKEN_FILE', help: 'file holding the bearer token (preferred over --token)' },
  'tls-cert': { type: 'string', env: 'SRIOV_AGENT_TLS_CERT', help: 'PEM certificate: serve HTTPS' },
  'tls-key': { type: 'string', env: 'SRIOV_AGENT_TLS_KEY', help: 'PEM private key for --tls-cert' },
  'lock-wait-ms': { type: 'string', env: 'SRIOV_AGENT_LOCK_WAIT_MS', default: '0', help: 'how long a change waits for another on the same PF before 409' },
  'no-reapply': { type: 'boolean', env: 'SRIOV_AGENT_NO_REAPPLY', help: 'serve without re-applying the desired state first' },
  simulate: { type: 'string', env: 'SRIOV_AGENT_SIMULATE', help: `run against a simulated host: ${Object.keys(HOST_PROFILES).join(', ')}` },
  'sim-timing': { type: 'string', env: 'SRIOV_AGENT_SIM_TIMING', default: 'real', help: 'simulated kernel delays: real (100 ms / 1 s) or fast' },
  'boot-ms': { type: 'string', env: 'SRIOV_AGENT_SIM_BOOT_MS', default: '3000', help: 'how long a simulated host and its agent stay down in a reboot' },
  hosts: { type: 'string', help: 'number of simulated hosts (simulate-fleet)' },
  'base-port': { type: 'string', help: 'port of the first simulated host (simulate-fleet)' },
  profiles: { type: 'string', help: 'comma-separated profiles used in turn (simulate-fleet)', default: 'dl380-gen10,dl385-gen10-plus-v2,dl360-gen11,dl380-gen9' },
  'timeout-ms': { type: 'string', help: 'how long set-numvfs waits for VFs and netdevs', default: '10000' },
  mac: { type: 'string', help: 'VF MAC address (set-vf, attach)' },
  vlan: { type: 'string', help: 'VF VLAN id, 0 removes it (set-vf, attach)' },
  qos: { type: 'string', help: 'VLAN priority 0-7 (set-vf)' },
  trust: { type: 'string', help: 'on|off (set-vf)' },
  spoofchk: { type: 'string', help: 'on|off (set-vf)' },
  state: { type: 'string', help: 'auto|enable|disable (set-vf)' },
  'max-tx-rate': { type: 'string', help: 'Mbit/s, 0 = unlimited (set-vf)' },
  // No --ilo-password: a password on the command line shows in ps and in shell histories.
  ilo: { type: 'string', env: 'ILO_URL', help: 'iLO address, https://host[:port] (bios, power)' },
  'ilo-user': { type: 'string', env: 'ILO_USER', help: 'iLO user name' },
  'ilo-password-file': { type: 'string', env: 'ILO_PASSWORD_FILE', help: 'file holding the iLO password (or ILO_PASSWORD in the environment)' },
  'ilo-ca': { type: 'string', env: 'ILO_CA_FILE', help: "PEM CA, or the iLO's own certificate (then reachable by IP address), to trust" },
  'ilo-tls-name': { type: 'string', env: 'ILO_TLS_NAME', help: 'with --ilo-ca: the name the CA-issued iLO certificate must carry when --ilo is an IP address' },
  'ilo-fingerprint': { type: 'string', env: 'ILO_FINGERPRINT', help: 'SHA-256 fingerprint of the iLO certificate to trust' },
  'ilo-insecure': { type: 'boolean', env: 'ILO_INSECURE', help: 'accept any iLO certificate (first contact only)' },
  force: { type: 'boolean', help: 'power reset: ForceRestart instead of GracefulRestart' },
  help: { type: 'boolean', help: 'show this help' },
  version: { type: 'boolean', help: 'print the version' },
};

const USAGE = `sriov-agent ${AGENT_VERSION}: SR-IOV on this host, for the SR-IOV Fleet Manager.

Commands (each prints JSON; exit code 1 with the error on failure):
  inventory                       PFs, VFs and their settings, host facts
  set-numvfs <PF> <N>             set a PF's VF count (0 first when changing a non-zero count)
  set-vf <VF> [--mac ..] [--vlan ..] [--qos ..] [--trust on|off] [--spoofchk on|off]
         [--state auto|enable|disable] [--max-tx-rate ..]
  bind <VF> vfio-pci|default      give a VF to vfio-pci or back to its own driver
  vms                             VMs and the VFs they hold (virsh)
  attach <VM> <VF> [--mac ..] [--vlan ..]   /   detach <VM> <VF>
  fix-iommu-args                  add intel_iommu=on iommu=pt to the boot entries (grubby)
  fix-vfio                        load vfio-pci now and at every boot (modules-load.d)
  reapply                         re-apply the recorded desired state and exit
  desired-state                   the recorded desired state and where the host drifted from it
  serve                           the HTTP API (/v1), bearer-token auth, optional TLS
  simulate-fleet --hosts N --base-port P   many simulated hosts, one port each
  bios get                        BIOS values (current and pending) through the iLO's Redfish API
  bios set NAME=VALUE...          pending BIOS values, e.g. Sriov=Enabled IntelProcVtd=Enabled
  power reset [--force]           reset the server through the iLO (applies pending BIOS values)
    The iLO commands need --ilo, --ilo-user, --ilo-password-file (or ILO_PASSWORD) and one of
    --ilo-ca, --ilo-fingerprint or --ilo-insecure.

Flags (environment variable in brackets):
${Object.entries(FLAGS)
  .map(([name, f]) => `  --${name}${f.type === 'string' ? ' VALUE' : ''}`.padEnd(30) + ` ${f.help}${f.default ? ` (default ${f.default})` : ''}${f.env ? ` [${f.env}]` : ''}`)
  .join('\n')}
`;

type Values = Record<string, string | boolean | undefined>;

export async function main(argv: string[]): Promise<number> {
  const { values: raw, positionals } = parseArgs({
    args: argv,
    options: Object.fromEntries(Object.entries(FLAGS).map(([name, f]) => [name, { type: f.type }])),
    allowPositionals: true,
    strict: true,
  });
  const values = withEnvironment(raw as Values);
  const flag = (name: string): string | undefined => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  if (values.version) {
    process.stdout.write(`${AGENT_VERSION}\n`);
    return 0;
  }
  if (values.help || positionals.length === 0) {
    process.stdout.write(USAGE);
    return positionals.length === 0 && !values.help ? 2 : 0;
  }
  const [command, ...args] = positionals;
  const log: LogFn = jsonLog;
  const print = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

  if (command === 'simulate-fleet') {
    const hosts = intFlag(flag('hosts'), 'hosts', 1, 10_000);
    const basePort = intFlag(flag('base-port'), 'base-port', 0, 65535);
    const fleet = await startSimulatedFleet({
      hosts, basePort, profiles: (flag('profiles') ?? '').split(',').filter(Boolean), token: readToken(values),
      host: flag('listen') ?? '127.0.0.1', timing: timingOf(flag('sim-timing')), log: quietLog(log),
      bootMs: intFlag(flag('boot-ms'), 'boot-ms', 0, 600_000),
    });
    for (const m of fleet.members) process.stdout.write(`${JSON.stringify({ hostname: m.hostname, profile: m.profile, url: m.url })}\n`);
    log('info', `simulated fleet of ${hosts} hosts listening`, { first: fleet.members[0]?.url, last: fleet.members.at(-1)?.url });
    await waitForSignal(() => fleet.close());
    return 0;
  }

  if (command === 'bios' || command === 'power') {
    // Before buildAgent: the iLO commands need no sysfs, and run on any machine.
    print(await withRedfish((redfish) => iloCommand(redfish, command, args, values)));
    return 0;
  }

  const { agent, simulatedHost } = buildAgent(values, log, command === 'serve' || command === 'reapply' || command === 'desired-state');

  switch (command) {
    case 'inventory':
      print(await agent.inventory());
      return 0;
    case 'set-numvfs': {
      const pf = parseInput(pciAddress, args[0], 'PF address');
      const n = intFlag(args[1], 'N', 0, 65535);
      print(await agent.setNumVfs(pf, n, { timeoutMs: intFlag(flag('timeout-ms'), 'timeout-ms', 0, 120_000), record: false }));
      return 0;
    }
    case 'set-vf': {
      const vf = parseInput(pciAddress, args[0], 'VF address');
      const settings = parseInput(setVfBody, {
        ...(flag('mac') !== undefined ? { mac: flag('mac') } : {}),
        ...(flag('vlan') !== undefined ? { vlan: Number(flag('vlan')) } : {}),
        ...(flag('qos') !== undefined ? { qos: Number(flag('qos')) } : {}),
        ...(flag('trust') !== undefined ? { trust: onOff(flag('trust'), 'trust') } : {}),
        ...(flag('spoofchk') !== undefined ? { spoofchk: onOff(flag('spoofchk'), 'spoofchk') } : {}),
        ...(flag('state') !== undefined ? { linkState: flag('state') } : {}),
        ...(flag('max-tx-rate') !== undefined ? { maxTxRate: Number(flag('max-tx-rate')) } : {}),
      }, 'settings');
      print(await agent.setVf(vf, settings, { record: false }));
      return 0;
    }
    case 'bind': {
      const vf = parseInput(pciAddress, args[0], 'VF address');
      const { driver } = parseInput(bindBody, { driver: args[1] }, 'driver');
      print(await agent.bind(vf, driver, { record: false }));
      return 0;
    }
    case 'vms':
      print({ vms: await agent.listVms() });
      return 0;
    case 'attach': {
      const vm = parseInput(vmName, args[0], 'VM name');
      const vf = parseInput(pciAddress, args[1], 'VF address');
      const macAddress = flag('mac') === undefined ? undefined : parseInput(mac, flag('mac'), 'mac');
      const vlan = flag('vlan') === undefined ? undefined : intFlag(flag('vlan'), 'vlan', 1, 4094);
      print(await agent.attach(vm, { vf, ...(macAddress ? { mac: macAddress } : {}), ...(vlan ? { vlan } : {}) }));
      return 0;
    }
    case 'detach':
      print(await agent.detach(parseInput(vmName, args[0], 'VM name'), parseInput(pciAddress, args[1], 'VF address')));
      return 0;
    case 'fix-iommu-args':
      print(await agent.fixIommuArgs());
      return 0;
    case 'fix-vfio':
      print(await agent.fixVfioPci());
      return 0;
    case 'reapply':
      print(await agent.reapplyDesiredState());
      return 0;
    case 'desired-state':
      print(await agent.desiredStateReport());
      return 0;
    case 'serve': {
      const token = readToken(values);
      const certFile = flag('tls-cert');
      const keyFile = flag('tls-key');
      if ((certFile === undefined) !== (keyFile === undefined)) throw new AgentError('bad-request', '--tls-cert and --tls-key go together');
      if (!values['no-reapply']) await agent.reapplyDesiredState();
      const listen = flag('listen') ?? '127.0.0.1';
      const port = intFlag(flag('port'), 'port', 0, 65535);
      const tls = certFile && keyFile ? { tls: { cert: nodeFs.readFileSync(certFile), key: nodeFs.readFileSync(keyFile) } } : {};
      let url: string;
      let close: () => Promise<void>;
      if (simulatedHost) {
        // A simulated host also answers POST /v1/sim/reboot and goes away while it reboots.
        const simulated = new SimulatedAgent(simulatedHost, { token, listen, port, log, bootMs: intFlag(flag('boot-ms'), 'boot-ms', 0, 600_000), ...tls });
        await simulated.start();
        url = simulated.url;
        close = () => simulated.close();
      } else {
        const server = await startAgentServer({ agent, token, log, host: listen, port, ...tls });
        url = server.url;
        close = () => server.close();
      }
      // One line on stdout for whoever started us (tests, simulate scripts) to find the port.
      process.stdout.write(`${JSON.stringify({ listening: url, simulated: agent.simulated })}\n`);
      log('info', `sriov-agent ${AGENT_VERSION} listening on ${url}`);
      await waitForSignal(close);
      return 0;
    }
    default:
      throw new AgentError('bad-request', `unknown command "${command}"; see sriov-agent --help`);
  }
}

async function iloCommand(redfish: RedfishModule, command: string, args: string[], values: Values): Promise<unknown> {
  const [sub, ...rest] = args;
  const usage = 'usage: sriov-agent bios get | bios set NAME=VALUE... | power reset [--force]';
  if (!(command === 'bios' && (sub === 'get' || sub === 'set')) && !(command === 'power' && sub === 'reset')) throw new AgentError('bad-request', usage);
  if (sub === 'set' && rest.length === 0) throw new AgentError('bad-request', 'bios set needs at least one NAME=VALUE, e.g. Sriov=Enabled');
  const assignments = sub === 'set' ? redfish.parseBiosAssignments(rest) : undefined;
  const target = iloTarget(redfish, values);
  if (command === 'power') return redfish.powerReset(target, values.force ? 'ForceRestart' : 'GracefulRestart');
  return assignments ? redfish.biosSet(target, assignments) : redfish.biosGet(target);
}

/** The iLO target from flags and environment. Never logged or printed: it holds the password. */
function iloTarget(redfish: RedfishModule, values: Values): ReturnType<RedfishModule['iloTargetFromCli']> {
  const str = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const passwordFile = str('ilo-password-file');
  const caFile = str('ilo-ca');
  return redfish.iloTargetFromCli({
    url: str('ilo'),
    username: str('ilo-user'),
    password: passwordFile === undefined ? process.env.ILO_PASSWORD : readSecretFile(passwordFile, 'iLO password file').trim(),
    caPem: caFile === undefined ? undefined : readSecretFile(caFile, 'iLO CA file'),
    fingerprint: str('ilo-fingerprint'),
    insecure: values['ilo-insecure'] === true,
    tlsName: str('ilo-tls-name'),
  });
}

function readSecretFile(file: string, what: string): string {
  try {
    return nodeFs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new AgentError('bad-request', `cannot read the ${what} ${file}: ${errnoOf(err) ?? (err as Error).message}`);
  }
}

function buildAgent(values: Values, log: LogFn, keepState: boolean): { agent: Agent; simulatedHost?: SimulatedHost } {
  const str = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const lockWaitMs = intFlag(str('lock-wait-ms') ?? '0', 'lock-wait-ms', 0, 600_000);
  const simulate = str('simulate');
  if (simulate) {
    const stateDir = values['state-dir-given'] ? str('state-dir') : undefined;
    const host = new SimulatedHost({ profile: simulate, timing: timingOf(str('sim-timing')), log, lockWaitMs, ...(stateDir ? { stateDir } : {}) });
    return { agent: host.agent, simulatedHost: host };
  }
  const run = execRunner({ paths: { ip: str('ip-command') ?? 'ip', virsh: str('virsh-command') ?? 'virsh' } });
  const agent = new Agent({
    fs: new NodeHostFs({ sysRoot: str('sysfs-root') ?? '/sys', procRoot: str('procfs-root') ?? '/proc' }),
    run,
    hypervisor: new VirshHypervisor(run, str('libvirt-uri') ?? 'qemu:///system'),
    etc: nodeEtcFiles,
    stateDir: keepState ? (str('state-dir') ?? '/var/lib/sriov-agent') : null,
    log,
    lockWaitMs,
  });
  return { agent };
}

function withEnvironment(values: Values): Values {
  const out: Values = { ...values };
  if (typeof values['state-dir'] === 'string' || process.env.SRIOV_AGENT_STATE_DIR) out['state-dir-given'] = true;
  for (const [name, spec] of Object.entries(FLAGS)) {
    if (out[name] !== undefined) continue;
    const env = spec.env ? process.env[spec.env] : undefined;
    if (env !== undefined && env !== '') out[name] = spec.type === 'boolean' ? env !== '0' && env !== 'false' : env;
    else if (spec.default !== undefined) out[name] = spec.default;
  }
  return out;
}

function readToken(values: Values): string {
  const file = values['token-file'];
  const token = typeof file === 'string' ? nodeFs.readFileSync(file, 'utf8').trim() : values.token;
  if (typeof token !== 'string' || token.length < 16) {
    throw new AgentError('bad-request', 'an API token of 16+ characters is required: --token-file FILE or --token (or SRIOV_AGENT_TOKEN_FILE / SRIOV_AGENT_TOKEN)');
  }
  return token;
}

function intFlag(raw: string | undefined, name: string, min: number, max: number): number {
  if (raw === undefined || !/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new AgentError('bad-request', `${name} must be a whole number from ${min} to ${max}${raw === undefined ? '' : `, not ${JSON.stringify(raw)}`}`);
  }
  return Number(raw);
}

function onOff(raw: string | undefined, name: string): boolean {
  if (raw === 'on') return true;
  if (raw === 'off') return false;
  throw new AgentError('bad-request', `--${name} takes on or off, not ${JSON.stringify(raw)}`);
}

function timingOf(raw: string | undefined): SimTiming {
  if (raw === undefined || raw === 'real') return REAL_TIMING;
  if (raw === 'fast') return FAST_TIMING;
  throw new AgentError('bad-request', `--sim-timing takes real or fast, not ${JSON.stringify(raw)}`);
}

/** A fleet of hundreds logs only what goes wrong. */
function quietLog(log: LogFn): LogFn {
  return (level, msg, fields) => {
    if (level !== 'info') log(level, msg, fields);
  };
}

function waitForSignal(close: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      void close().then(resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
