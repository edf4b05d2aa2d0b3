import net from 'node:net';
import type { LogFn } from '../agent';
import { listen } from '../listen';
import { type RunningServer, startAgentServer } from '../server';
import { type RebootReport, SimulatedHost } from './host';
import type { HostShape } from './ilo/host-link';
import type { SimTiming } from './kernel';
import { type HostProfile, NIC_MODELS } from './profiles';

export interface SimulatedAgentOptions {
  token: string;
  listen?: string;
  port?: number;
  log: LogFn;
  /** How long the agent stays away during a reboot (POST, kernel, initramfs...). */
  bootMs?: number;
  tls?: { cert: string | Buffer; key: string | Buffer };
}

/**
 * A simulated host with its agent listening, and the agent's life cycle across a reset: it goes
 * away (connections refused), the host boots with the new BIOS, the agent comes back on the same
 * port after re-applying its desired state. What the iLO simulator's reset calls.
 */
export class SimulatedAgent {
  private server: RunningServer | null = null;
  private port: number;
  private rebooting: Promise<RebootReport> | null = null;
  private closed = false;
  /** How long the next reboots keep the agent away (tests lengthen one host's boot). */
  bootMs: number;

  constructor(
    readonly host: SimulatedHost,
    private readonly options: SimulatedAgentOptions,
  ) {
    this.port = options.port ?? 0;
    this.bootMs = options.bootMs ?? 0;
  }

  get url(): string {
    const host = this.options.listen ?? '127.0.0.1';
    return `${this.options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  get up(): boolean {
    return this.server !== null;
  }

  /**
   * Fixes the port while the agent is down (a host powered off, an agent not installed yet), so
   * its URL can be handed out: with port 0, a free one is picked now. Nothing listens on it until
   * start(), so connections are refused, as they are by a host that is off.
   */
  async reservePort(): Promise<void> {
    if (this.port !== 0) return;
    const probe = net.createServer();
    this.port = (await listen(probe, 0, this.options.listen ?? '127.0.0.1')).port;
    await new Promise((resolve) => probe.close(resolve));
  }

  async start(): Promise<void> {
    if (this.server || this.closed) return;
    this.server = await startAgentServer({
      agent: this.host.agent,
      token: this.options.token,
      host: this.options.listen ?? '127.0.0.1',
      port: this.port,
      log: this.options.log,
      simControl: { reboot: (bios) => void this.reboot(bios) },
      ...(this.options.tls ? { tls: this.options.tls } : {}),
    });
    this.port = this.server.port;
  }

  /** Power off: the agent is gone until the next reboot. */
  async powerOff(): Promise<void> {
    const server = this.server;
    this.server = null;
    await server?.close();
  }

  async reboot(bios: { sriov: boolean; iommu: boolean }): Promise<RebootReport> {
    // A reset during a reset: the second one wins once the first is done, as with real POSTs.
    if (this.rebooting) await this.rebooting.catch(() => undefined);
    this.rebooting = (async () => {
      await this.powerOff();
      const report = await this.host.reboot(bios);
      await new Promise((resolve) => setTimeout(resolve, this.bootMs));
      await this.start();
      this.options.log('info', `${this.host.profile.id} rebooted`, { sriov: bios.sriov, iommu: bios.iommu, reapplied: report.reapply.applied.length, failed: report.reapply.failed.length });
      return report;
    })();
    try {
      return await this.rebooting;
    } finally {
      this.rebooting = null;
    }
  }

  /** For good: a reboot still under way does not bring the agent back. */
  async close(): Promise<void> {
    this.closed = true;
    await this.powerOff();
  }
}

/** The iLO side of a simulated host (model, CPU, NICs on the same buses and slots, BIOS, firmware), for `iloOptionsForHost`. */
export function iloShapeFor(profile: HostProfile, bios: { sriov: boolean; iommu: boolean }): HostShape {
  return {
    model: profile.model,
    iloGeneration: profile.iloGeneration,
    cpuVendor: profile.cpuVendor,
    bios,
    nics: profile.nics.map((n) => {
      const model = NIC_MODELS[n.model];
      return { ...model, totalVfsPerPort: n.firmwareSriovOff ? 0 : model.totalVfsPerPort, bus: n.bus, slot: n.slot, ...(n.ilo ? { ilo: n.ilo } : {}) };
    }),
    ...(profile.iloFirmware ? { iloFirmware: profile.iloFirmware } : {}),
    ...(profile.biosVersion ? { biosVersion: profile.biosVersion } : {}),
  };
}

export interface FleetOptions {
  hosts: number;
  /** Port of the first host's agent; 0 gives every agent a free port. */
  basePort: number;
  /** Profiles used in turn, host i gets profiles[i % length]. */
  profiles: string[];
  token: string;
  host?: string;
  timing?: SimTiming;
  bootMs?: number;
  log: LogFn;
}

export interface FleetMember {
  hostname: string;
  profile: string;
  url: string;
  host: SimulatedHost;
  agent: SimulatedAgent;
}

/** Many simulated hosts in one process, each agent on its own port: basePort, basePort + 1, ... */
export async function startSimulatedFleet(options: FleetOptions): Promise<{ members: FleetMember[]; close(): Promise<void> }> {
  const members: FleetMember[] = [];
  const close = async (): Promise<void> => void (await Promise.all(members.map((m) => m.agent.close())));
  try {
    for (let i = 0; i < options.hosts; i++) {
      const profile = options.profiles[i % options.profiles.length];
      if (!profile) throw new Error('no profiles given');
      const hostname = `${profile}-${String(i + 1).padStart(3, '0')}`;
      const host = new SimulatedHost({ profile, hostname, log: options.log, ...(options.timing ? { timing: options.timing } : {}) });
      const agent = new SimulatedAgent(host, {
        token: options.token, listen: options.host ?? '127.0.0.1', port: options.basePort === 0 ? 0 : options.basePort + i, log: options.log,
        ...(options.bootMs !== undefined ? { bootMs: options.bootMs } : {}),
      });
      await agent.start();
      members.push({ hostname, profile, url: agent.url, host, agent });
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { members, close };
}
