import nodeFs from 'node:fs';
import { parseArgs } from 'node:util';
import { jsonLog, type LogFn } from '../agent';
import { startDemoFleet } from './demo-fleet';
import { iloShapeFor, startSimulatedFleet } from './fleet';
import { type IloSimulator, iloOptionsForHost, startIloSimulator } from './ilo/index';
import { FAST_TIMING, REAL_TIMING } from './kernel';

// The demo fleet: simulated hosts, each with its agent and its iLO, in one process
// (agent/dist/sriov-sim.js). A reset through an iLO reboots its host: the agent goes away and
// comes back with the BIOS the iLO applied. Kept out of sriov-agent.js, which runs on every real
// host and must not carry the iLO simulator (selfsigned, ~0.8 MB).
const USAGE = `sriov-sim --hosts N --base-port P [--ilo-base-port Q] [--profiles a,b] [--token-file F | --token T]
          [--boot-ms 3000] [--sim-timing real|fast] [--listen 127.0.0.1]
sriov-sim --fleet demo --base-port P [--ilo-base-port Q] [--token-file F | --token T] [--boot-ms 3000] [--sim-timing real|fast]
Prints one JSON line per host: hostname, profile, model, agent URL, whether the agent is up, iLO URL,
user, password, certificate fingerprint; with --fleet demo also the host's story. Then
{"ready":true,"hosts":N} once every host is up. --fleet demo starts the dashboard demo's 16 hosts
(kvm-a01 ... kvm-e01), each as its story has it.
Environment: SRIOV_AGENT_TOKEN, SRIOV_AGENT_TOKEN_FILE.
`;

interface HostLine {
  hostname: string;
  profile: string;
  model: string;
  story?: string;
  agentUp: boolean;
  agent: { url: string };
  ilo: { url: string; generation: string; username: string; password: string; fingerprint256: string };
}

function iloLine(ilo: IloSimulator, generation: string): HostLine['ilo'] {
  return { url: ilo.url, generation, username: ilo.username, password: ilo.password, fingerprint256: ilo.certificate.fingerprint256 };
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      fleet: { type: 'string' },
      hosts: { type: 'string' },
      'base-port': { type: 'string', default: '0' },
      'ilo-base-port': { type: 'string', default: '0' },
      profiles: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      'boot-ms': { type: 'string', default: '3000' },
      'sim-timing': { type: 'string', default: 'real' },
      listen: { type: 'string', default: '127.0.0.1' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const tokenFile = values['token-file'] ?? process.env.SRIOV_AGENT_TOKEN_FILE;
  const token = tokenFile ? nodeFs.readFileSync(tokenFile, 'utf8').trim() : (values.token ?? process.env.SRIOV_AGENT_TOKEN ?? '');
  if (token.length < 16) throw new Error('an agent token of 16+ characters is required (--token-file, --token, SRIOV_AGENT_TOKEN)');
  const num = (name: string, raw: string | undefined): number => {
    if (!raw || !/^\d+$/.test(raw)) throw new Error(`--${name} must be a whole number`);
    return Number(raw);
  };
  const log: LogFn = (level, msg, fields) => {
    if (level !== 'info' || msg.endsWith('rebooted')) jsonLog(level, msg, fields);
  };
  if (values['sim-timing'] !== 'real' && values['sim-timing'] !== 'fast') throw new Error('--sim-timing must be real or fast');
  const timing = values['sim-timing'] === 'fast' ? FAST_TIMING : REAL_TIMING;
  const iloBase = num('ilo-base-port', values['ilo-base-port']);
  const basePort = num('base-port', values['base-port']);
  const bootMs = num('boot-ms', values['boot-ms']);
  let hostCount = 0;
  const print = (line: HostLine): void => {
    hostCount += 1;
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
  let close: () => Promise<void>;

  if (values.fleet !== undefined) {
    if (values.fleet !== 'demo') throw new Error(`unknown fleet "${values.fleet}"; known: demo`);
    if (values.hosts !== undefined || values.profiles !== undefined) throw new Error('--fleet demo starts its own 16 hosts: leave out --hosts and --profiles');
    const fleet = await startDemoFleet({ token, listen: values.listen, basePort, iloBasePort: iloBase, timing, bootMs, log });
    close = () => fleet.close();
    for (const m of fleet.members) {
      const p = m.host.profile;
      print({ hostname: m.hostname, profile: p.id, model: p.model, story: m.demo.story, agentUp: m.agent.up, agent: { url: m.agent.url }, ilo: iloLine(m.ilo, p.iloGeneration) });
    }
  } else {
    const fleet = await startSimulatedFleet({
      hosts: num('hosts', values.hosts ?? '4'),
      basePort,
      profiles: (values.profiles ?? 'dl380-gen10,dl385-gen10-plus-v2,dl360-gen11,dl380-gen9').split(',').filter(Boolean),
      token,
      host: values.listen,
      timing,
      bootMs,
      log,
    });
    const ilos: IloSimulator[] = [];
    close = async () => {
      await Promise.all([...ilos.map((ilo) => ilo.close()), fleet.close()]);
    };
    try {
      for (const [i, member] of fleet.members.entries()) {
        const p = member.host.profile;
        const ilo = await startIloSimulator({
          ...iloOptionsForHost(iloShapeFor(p, member.host.bios), i + 1),
          name: member.hostname,
          host: values.listen,
          port: iloBase === 0 ? 0 : iloBase + i,
          onReset: (event) => member.agent.reboot({ sriov: event.sriov, iommu: event.iommu }),
          onPowerOff: () => member.agent.powerOff(),
        });
        ilos.push(ilo);
        print({ hostname: member.hostname, profile: member.profile, model: p.model, agentUp: member.agent.up, agent: { url: member.url }, ilo: iloLine(ilo, p.iloGeneration) });
      }
    } catch (err) {
      await close();
      throw err;
    }
  }
  // After the last host line: every host is as its story has it, so a caller can stop reading.
  process.stdout.write(`${JSON.stringify({ ready: true, hosts: hostCount })}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => void close().then(resolve);
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`sriov-sim: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
