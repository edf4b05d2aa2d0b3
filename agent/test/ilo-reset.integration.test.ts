import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../src/agent';
import type { ChangeResult, ErrorEnvelope, Inventory, OsFixResult, PhysicalFunction } from '../src/api-types';
import { resetServer, setBios, withIlo } from '../src/redfish/index';
import { type FleetMember, startSimulatedFleet } from '../src/sim/fleet';
import { type IloSimulator, iloOptionsForHost, startIloSimulator } from '../src/sim/ilo/index';
import { FAST_TIMING } from '../src/sim/kernel';
import { NIC_MODELS } from '../src/sim/profiles';

// The readiness chain of an unready Gen9, fixed end to end: kernel args and vfio-pci through the
// agent, BIOS through the iLO's Redfish API, a reset through the iLO that really reboots the
// simulated host (its agent goes away and comes back), then VFs.
const TOKEN = 'ilo-reset-test-token-0123456789';
const PF = '0000:04:00.0';
let fleet: Awaited<ReturnType<typeof startSimulatedFleet>>;
let member: FleetMember;
let ilo: IloSimulator;

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${member.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** Polls health until the agent has been unreachable and answers again. */
async function awayAndBack(): Promise<void> {
  let sawDown = false;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await fetch(`${member.url}/v1/health`).then(() => true, () => false);
    if (!up) sawDown = true;
    if (up && sawDown) return;
    if (Date.now() > deadline) throw new Error('the agent did not go away and come back');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  fleet = await startSimulatedFleet({ hosts: 1, basePort: 0, profiles: ['dl380-gen9'], token: TOKEN, timing: FAST_TIMING, bootMs: 300, log: silentLog });
  member = fleet.members[0]!;
  const p = member.host.profile;
  ilo = await startIloSimulator({
    ...iloOptionsForHost({ model: p.model, iloGeneration: p.iloGeneration, cpuVendor: p.cpuVendor, bios: member.host.bios, nics: p.nics.map((n) => ({ ...NIC_MODELS[n.model], bus: n.bus, slot: n.slot })) }, 1),
    name: member.hostname,
    onReset: (event) => member.agent.reboot({ sriov: event.sriov, iommu: event.iommu }),
  });
});

afterAll(async () => {
  await Promise.all([ilo?.close(), fleet?.close()]);
});

describe('a reset through the iLO reboots the simulated host', () => {
  it('takes an unready DL380 Gen9 to VFs on vfio-pci', async () => {
    const before = await api<Inventory>('GET', '/v1/inventory');
    const bootBefore = (await api<{ bootId: string }>('GET', '/v1/health')).body.bootId;
    expect(before.body.host.iommu).toMatchObject({ active: false, groups: 0, acpiTable: null });
    const refused = await api<ErrorEnvelope>('PUT', `/v1/pfs/${PF}/num-vfs`, { numVfs: 4 });
    expect(refused).toMatchObject({ status: 422, body: { error: { errno: 'ENOMEM' } } });

    expect((await api<OsFixResult>('POST', '/v1/host/iommu-args')).body).toMatchObject({ changed: true, rebootNeeded: true });
    expect((await api<OsFixResult>('POST', '/v1/host/vfio')).body).toMatchObject({ changed: true });

    const trust = { kind: 'fingerprint', sha256: ilo.certificate.fingerprint256 } as const;
    await withIlo({ url: ilo.url, username: ilo.username, password: ilo.password, trust }, async (client) => {
      await setBios(client, { Sriov: 'Enabled', IntelProcVtd: 'Enabled' });
      await resetServer(client, 'ForceRestart');
    });

    await awayAndBack();

    const after = await api<Inventory>('GET', '/v1/inventory');
    expect(after.body.host.bootId).toMatch(/^[0-9a-f-]{36}$/);
    expect(after.body.host.bootId).not.toBe(bootBefore);
    expect(after.body.host.iommu).toMatchObject({ active: true, acpiTable: 'DMAR', cmdlineArgs: ['intel_iommu=on', 'iommu=pt'] });
    expect(after.body.host.modules.vfioPci).toBe(true);
    const four = await api<ChangeResult<PhysicalFunction>>('PUT', `/v1/pfs/${PF}/num-vfs`, { numVfs: 4 });
    expect(four.status).toBe(200);
    expect(four.body.result.vfs.every((vf) => vf.iommuGroup !== null)).toBe(true);
    const vf = four.body.result.vfs[0]!.address;
    expect((await api<ChangeResult<unknown>>('PUT', `/v1/vfs/${vf}/driver`, { driver: 'vfio-pci' })).status).toBe(200);
  });

  it('re-applies the desired VFs after the next reset', async () => {
    await withIlo({ url: ilo.url, username: ilo.username, password: ilo.password, trust: { kind: 'fingerprint', sha256: ilo.certificate.fingerprint256 } }, (client) => resetServer(client, 'ForceRestart'));
    await awayAndBack();
    // The agent answers again only after its re-apply: no waiting for the VFs beyond that.
    const pf = (await api<Inventory>('GET', '/v1/inventory')).body.pfs.find((p) => p.address === PF);
    expect(pf).toMatchObject({ numVfs: 4 });
    expect(pf?.vfs[0]?.driver).toBe('vfio-pci');
  });
});
