import nodeFs from 'node:fs';
import { parseArgs } from 'node:util';
import { jsonLog, type LogFn } from '../agent';
import { type IloSimulator, iloOptionsForHost, startIloSimulator } from './ilo/index';
import { startSimulatedFleet } from './fleet';
import { FAST_TIMING, REAL_TIMING } from './kernel';
import { NIC_MODELS } from './profiles';

// The demo fleet: simulated hosts, each with its agent and its iLO, in one process
// (agent/dist/sriov-sim.js). A reset through an iLO reboots its host: the agent goes away and
// comes back with the BIOS the iLO applied. Kept out of sriov-agent.js, which runs on every real
// host and must not carry the iLO simulator (selfsigned, ~0.8 MB).
const USAGE = `sriov-sim --hosts N --base-port P [--ilo-base-port Q] [--profiles a,b] [--token-file F | --token T]
          [--boot-ms 3000] [--sim-timing real|fast] [--listen 127.0.0.1]
Prints one JSON line per host: hostname, profile, agent URL, iLO URL, user, password, certificate fingerprint.
Environment: SRIOV_AGENT_TOKEN, SRIOV_AGENT_TOKEN_FILE.
`;

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      hosts: { type: 'string', default: '4' },
      'base-port': { type: 'string', default: '0' },
      'ilo-base-port': { type: 'string', default: '0' },
      profiles: { type: 'string', default: 'dl380-gen10,dl385-gen10-plus-v2,dl360-gen11,dl380-gen9' },
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
  const iloBase = num('ilo-base-port', values['ilo-base-port']);
  const fleet = await startSimulatedFleet({
    hosts: num('hosts', values.hosts),
    basePort: num('base-port', values['base-port']),
    profiles: (values.profiles ?? '').split(',').filter(Boolean),
    token,
    host: values.listen,
    timing: values['sim-timing'] === 'fast' ? FAST_TIMING : REAL_TIMING,
    bootMs: num('boot-ms', values['boot-ms']),
    log,
  });
  const ilos: IloSimulator[] = [];
  const close = async (): Promise<void> => {
    await Promise.all([...ilos.map((ilo) => ilo.close()), fleet.close()]);
  };
  try {
    for (const [i, member] of fleet.members.entries()) {
      const p = member.host.profile;
      const shape = { model: p.model, iloGeneration: p.iloGeneration, cpuVendor: p.cpuVendor, bios: member.host.bios, nics: p.nics.map((n) => ({ ...NIC_MODELS[n.model], bus: n.bus, slot: n.slot })) };
      const ilo = await startIloSimulator({
        ...iloOptionsForHost(shape, i + 1),
        name: member.hostname,
        host: values.listen,
        port: iloBase === 0 ? 0 : iloBase + i,
        onReset: (event) => member.agent.reboot({ sriov: event.sriov, iommu: event.iommu }),
        onPowerOff: () => member.agent.powerOff(),
      });
      ilos.push(ilo);
      process.stdout.write(
        `${JSON.stringify({
          hostname: member.hostname,
          profile: member.profile,
          model: p.model,
          agent: { url: member.url },
          ilo: { url: ilo.url, generation: p.iloGeneration, username: ilo.username, password: ilo.password, fingerprint256: ilo.certificate.fingerprint256 },
        })}\n`,
      );
    }
  } catch (err) {
    await close();
    throw err;
  }
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
