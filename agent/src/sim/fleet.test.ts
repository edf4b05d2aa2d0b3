import { afterEach, describe, expect, it } from 'vitest';
import { silentLog } from '../agent';
import { startAgentServer } from '../server';
import { SimulatedAgent, startSimulatedFleet } from './fleet';
import { SimulatedHost } from './host';
import { FAST_TIMING } from './kernel';

const TOKEN = 'fleet-test-token-0123456789abcdef';
const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((fn) => fn()));
});

describe('SimulatedAgent', () => {
  it('goes away on POST /v1/sim/reboot and comes back on the same port with the new BIOS', async () => {
    const host = new SimulatedHost({ profile: 'dl380-gen9', timing: FAST_TIMING, log: silentLog });
    const agent = new SimulatedAgent(host, { token: TOKEN, log: silentLog, bootMs: 200 });
    await agent.start();
    cleanup.push(() => agent.close());
    const url = agent.url;
    const res = await fetch(`${url}/v1/sim/reboot`, { method: 'POST', headers: auth, body: JSON.stringify({ sriov: true, iommu: true }) });
    expect(res.status).toBe(200);
    let down = false;
    for (let i = 0; i < 200 && !(down && agent.up); i++) {
      if (!agent.up) down = true;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(down).toBe(true);
    expect(agent.url).toBe(url);
    const inventory = (await (await fetch(`${url}/v1/inventory`, { headers: auth })).json()) as { host: { iommu: { acpiTable: string | null } } };
    expect(inventory.host.iommu.acpiTable).toBe('DMAR');
  });

  it('has no reboot route on an agent that is not simulated', async () => {
    const host = new SimulatedHost({ profile: 'dl380-gen10', timing: FAST_TIMING, log: silentLog });
    const server = await startAgentServer({ agent: host.agent, token: TOKEN, log: silentLog });
    cleanup.push(() => server.close());
    const res = await fetch(`${server.url}/v1/sim/reboot`, { method: 'POST', headers: auth, body: '{"sriov":true,"iommu":true}' });
    expect(res.status).toBe(404);
  });

  it('starts a fleet of distinct hosts, one agent each', async () => {
    const fleet = await startSimulatedFleet({ hosts: 5, basePort: 0, profiles: ['dl380-gen10', 'dl360-gen11'], token: TOKEN, timing: FAST_TIMING, log: silentLog });
    cleanup.push(() => fleet.close());
    expect(fleet.members.map((m) => m.hostname)).toEqual(['dl380-gen10-001', 'dl360-gen11-002', 'dl380-gen10-003', 'dl360-gen11-004', 'dl380-gen10-005']);
    expect(new Set(fleet.members.map((m) => m.url)).size).toBe(5);
    // Hosts are independent: VFs on one do not show on another.
    await fleet.members[0]!.host.agent.setNumVfs('0000:12:00.0', 2);
    expect((await fleet.members[2]!.host.agent.inventory()).pfs.find((p) => p.address === '0000:12:00.0')?.numVfs).toBe(0);
  });
});
