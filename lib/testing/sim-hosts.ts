// Test helper: simulated hosts in this process, each with its agent listening on a loopback port
// and its iLO simulator speaking Redfish over HTTPS; a reset through the iLO reboots the host
// (the agent goes away and comes back with a new boot id). Returns what registration needs.

import { randomBytes } from 'node:crypto';
import type { LogFn } from '@/agent/src/agent';
import { startSimulatedFleet, type FleetMember } from '@/agent/src/sim/fleet';
import { iloOptionsForHost, startIloSimulator, type IloSimulator } from '@/agent/src/sim/ilo/index';
import { FAST_TIMING, type SimTiming } from '@/agent/src/sim/kernel';
import { NIC_MODELS } from '@/agent/src/sim/profiles';
import type { RegisterHostInput } from '@/lib/inventory/register';

export interface SimHost {
  member: FleetMember;
  ilo: IloSimulator;
  registration: RegisterHostInput;
}

export interface SimHosts {
  hosts: SimHost[];
  token: string;
  close(): Promise<void>;
}

const quiet: LogFn = () => undefined;

export async function startSimHosts(profiles: string[], options: { timing?: SimTiming; bootMs?: number; namePrefix?: string } = {}): Promise<SimHosts> {
  const token = randomBytes(24).toString('base64url');
  const fleet = await startSimulatedFleet({ hosts: profiles.length, basePort: 0, profiles, token, timing: options.timing ?? FAST_TIMING, bootMs: options.bootMs ?? 50, log: quiet });
  const hosts: SimHost[] = [];
  try {
    for (const [i, member] of fleet.members.entries()) {
      const p = member.host.profile;
      const shape = { model: p.model, iloGeneration: p.iloGeneration, cpuVendor: p.cpuVendor, bios: member.host.bios, nics: p.nics.map((n) => ({ ...NIC_MODELS[n.model], bus: n.bus, slot: n.slot })) };
      const ilo = await startIloSimulator({
        ...iloOptionsForHost(shape, 1000 + Math.floor(Math.random() * 1e6) + i),
        name: member.hostname,
        // A password of its own per iLO, as on real servers: tests can then look for it in answers and logs.
        password: `ilo-${randomBytes(12).toString('base64url')}`,
        onReset: (event) => member.agent.reboot({ sriov: event.sriov, iommu: event.iommu }),
        onPowerOff: () => member.agent.powerOff(),
      });
      hosts.push({
        member,
        ilo,
        registration: {
          name: `${options.namePrefix ?? ''}${member.hostname}`,
          agent: { url: member.url, token },
          ilo: { address: ilo.url, userName: ilo.username, password: ilo.password, certSha256: ilo.certificate.fingerprint256 },
        },
      });
    }
  } catch (error) {
    await Promise.all(hosts.map((h) => h.ilo.close()));
    await fleet.close();
    throw error;
  }
  return {
    hosts,
    token,
    async close() {
      await Promise.all(hosts.map((h) => h.ilo.close()));
      await fleet.close();
    },
  };
}
