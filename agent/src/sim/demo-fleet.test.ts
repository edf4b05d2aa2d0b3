import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../agent';
import type { DesiredStateReport, ErrorEnvelope, Inventory, VmList } from '../api-types';
import { type IloTarget, RedfishError, biosGet, powerOn, readNicFacts, resetServer, setBios, withIlo } from '../redfish/index';
import { DEMO_HOSTS, type DemoFleet, type DemoFleetMember, demoSerialNumber, startDemoFleet } from './demo-fleet';
import { FAST_TIMING } from './kernel';

// The demo fleet as the dashboard sees it: each host's story read back through the agent's API
// and the iLO's Redfish API, never from the simulator's internals.
const TOKEN = 'demo-fleet-test-token-0123456789';
let fleet: DemoFleet;

beforeAll(async () => {
  fleet = await startDemoFleet({ token: TOKEN, timing: FAST_TIMING, bootMs: 300, log: silentLog });
});
afterAll(async () => {
  await fleet?.close();
});

async function api<T>(name: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${fleet.member(name).agent.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}
const inventory = async (name: string) => (await api<Inventory>(name, 'GET', '/v1/inventory')).body;
const vms = async (name: string) => (await api<VmList>(name, 'GET', '/v1/vms')).body.vms;

function target(member: DemoFleetMember): IloTarget {
  const { ilo } = member;
  return { url: ilo.url, username: ilo.username, password: ilo.password, trust: { kind: 'fingerprint', sha256: ilo.certificate.fingerprint256 } };
}
const bios = (name: string) => biosGet(target(fleet.member(name)));
const onIlo = <T>(name: string, fn: Parameters<typeof withIlo<T>>[1]) => withIlo(target(fleet.member(name)), fn);

async function agentAnswers(name: string): Promise<boolean> {
  return fetch(`${fleet.member(name).agent.url}/v1/health`).then(
    () => true,
    () => false,
  );
}

/** Polls until the agent has been away and answers again (or, with wasDown, simply answers). */
async function waitForAgent(name: string, wasDown = false): Promise<void> {
  let sawDown = wasDown;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await agentAnswers(name);
    if (!up) sawDown = true;
    if (up && sawDown) return;
    if (Date.now() > deadline) throw new Error(`the agent of ${name} did not come back`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the demo fleet', () => {
  it('has the 16 demo hosts, each iLO with its own serial number, agents up as the stories say', async () => {
    expect(fleet.members.map((m) => m.hostname)).toEqual([
      'kvm-a01', 'kvm-a02', 'kvm-a03', 'kvm-a04', 'kvm-b01', 'kvm-b02', 'kvm-b03', 'kvm-c01',
      'kvm-c02', 'kvm-c03', 'kvm-c04', 'kvm-d01', 'kvm-d02', 'kvm-d03', 'kvm-d04', 'kvm-e01',
    ]);
    const reports = await Promise.all(fleet.members.map((m) => biosGet(target(m))));
    for (const [i, report] of reports.entries()) {
      const demo = DEMO_HOSTS[i]!;
      expect(report).toMatchObject({ model: demo.model, serialNumber: demoSerialNumber(demo.name), cpuVendor: demo.cpuVendor, iloFirmware: demo.iloFirmware, biosVersion: demo.biosVersion });
    }
    expect(new Set(reports.map((r) => r.serialNumber)).size).toBe(16);
    const down = fleet.members.filter((m) => !m.agent.up).map((m) => m.hostname);
    expect(down).toEqual(['kvm-d03', 'kvm-d04']);
    for (const m of fleet.members) expect(m.agent.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
  });

  it('gives the same serial numbers and VM UUIDs after a restart', async () => {
    const first = fleet.member('kvm-a01');
    const again = await startDemoFleet({ token: TOKEN, timing: FAST_TIMING, log: silentLog, hosts: [first.demo] });
    try {
      const member = again.member('kvm-a01');
      expect((await biosGet(target(member))).serialNumber).toBe((await bios('kvm-a01')).serialNumber);
      expect((await member.host.agent.listVms()).map((v) => v.uuid)).toEqual((await vms('kvm-a01')).map((v) => v.uuid));
    } finally {
      await again.close();
    }
  });

  it('kvm-a01: VMs hold VFs of the 560SFP+ on vfio-pci, with their libvirt facts', async () => {
    const inv = await inventory('kvm-a01');
    expect(inv.pfs.map((p) => [p.address, p.driver, p.numaNode, p.totalVfs, p.numVfs])).toEqual([
      ['0000:12:00.0', 'ixgbe', 0, 63, 8],
      ['0000:12:00.1', 'ixgbe', 0, 63, 8],
    ]);
    const held = inv.pfs.flatMap((p) => p.vfs).filter((vf) => vf.vm === 'vnf-fw-01');
    expect(held.map((vf) => [vf.driver, vf.vlan])).toEqual([
      ['vfio-pci', 100],
      ['vfio-pci', 101],
    ]);
    for (const vf of held) expect(vf.mac).toMatch(/^52(:[0-9a-f]{2}){5}$/);
    const list = await vms('kvm-a01');
    expect(list.map((v) => [v.name, v.state, v.vcpus, v.memoryMiB, v.numaNode, v.hostdevs.length])).toEqual([
      ['vnf-fw-01', 'running', 8, 16384, 0, 2],
      ['vnf-fw-02', 'running', 8, 16384, 0, 2],
      ['upf-01', 'running', 16, 32768, 1, 1],
      ['build-runner-01', 'shut off', 4, 8192, 1, 0],
    ]);
    expect(list.find((v) => v.name === 'vnf-fw-01')?.hostdevs).toEqual(held.map((vf) => vf.address));
    // The VF counts are the agent's desired state: they come back after a reboot.
    const desired = (await api<DesiredStateReport>('kvm-a01', 'GET', '/v1/desired-state')).body;
    expect(desired.desired.pfs['0000:12:00.0']?.numVfs).toBe(8);
    expect(desired.drift).toEqual([]);
  });

  it('kvm-a03 and kvm-b01: a paused VM keeps its VF; a VM on the far NUMA node holds a VF of the other node', async () => {
    expect((await vms('kvm-a03')).find((v) => v.name === 'cnf-nrf-01')).toMatchObject({ state: 'paused', hostdevs: [expect.any(String)] });
    const inv = await inventory('kvm-b01');
    const duo2 = (await vms('kvm-b01')).find((v) => v.name === 'ran-du-02');
    expect(duo2).toMatchObject({ numaNode: 0, vcpus: 24, memoryMiB: 65536 });
    const pf = inv.pfs.find((p) => p.vfs.some((vf) => vf.vm === 'ran-du-02'));
    expect(pf?.numaNode).toBe(1);
  });

  it('kvm-a04: the iLO reports Sriov and VT-d Disabled, no IOMMU groups, and the kernel has no room for VFs', async () => {
    const report = await bios('kvm-a04');
    expect(report.attributes.Sriov).toEqual({ current: 'Disabled', pending: null });
    expect(report.attributes.IntelProcVtd).toEqual({ current: 'Disabled', pending: null });
    expect((await inventory('kvm-a04')).host.iommu).toMatchObject({ active: false, groups: 0 });
    const refused = await api<ErrorEnvelope>('kvm-a04', 'PUT', '/v1/pfs/0000:31:00.0/num-vfs', { numVfs: 2 });
    expect(refused).toMatchObject({ status: 422, body: { error: { errno: 'ENOMEM' } } });
  });

  it('kvm-b02: AMD IOMMU off in the BIOS, so no IOMMU groups', async () => {
    expect((await bios('kvm-b02')).attributes.ProcAmdIoVt).toEqual({ current: 'Disabled', pending: null });
    expect((await inventory('kvm-b02')).host.iommu).toMatchObject({ active: false, groups: 0, acpiTable: null });
  });

  it('kvm-c02: VT-d enabled in the iLO but pending until a reset, which turns the IOMMU on', async () => {
    const report = await bios('kvm-c02');
    expect(report.attributes.IntelProcVtd).toEqual({ current: 'Disabled', pending: 'Enabled' });
    expect(report.resetPending).toBe(true);
    expect((await inventory('kvm-c02')).host.iommu).toMatchObject({ active: false, acpiTable: null });
    await onIlo('kvm-c02', (client) => resetServer(client, 'ForceRestart'));
    await waitForAgent('kvm-c02');
    expect((await inventory('kvm-c02')).host.iommu).toMatchObject({ active: true, acpiTable: 'DMAR' });
    expect((await bios('kvm-c02')).attributes.IntelProcVtd).toEqual({ current: 'Enabled', pending: null });
  });

  it('kvm-c03: an iLO 4 host with VT-d on whose kernel command line lacks intel_iommu=on', async () => {
    const report = await bios('kvm-c03');
    expect(report).toMatchObject({ iloGeneration: 4, attributes: { IntelProcVtd: { current: 'Enabled' } } });
    const { host } = await inventory('kvm-c03');
    expect(host.cmdline).not.toContain('intel_iommu=on');
    expect(host.iommu).toMatchObject({ active: false, groups: 0, acpiTable: 'DMAR' });
  });

  it('kvm-c04: only the embedded 331i, a NIC without SR-IOV', async () => {
    // Reported (so the dashboard can say why there are no VFs), with no SR-IOV capability.
    expect((await inventory('kvm-c04')).pfs.map((p) => [p.vendorId, p.deviceId, p.classCode, p.totalVfs])).toEqual([
      ['14e4', '1657', '020000', 0], ['14e4', '1657', '020000', 0], ['14e4', '1657', '020000', 0], ['14e4', '1657', '020000', 0],
    ]);
    const nics = await onIlo('kvm-c04', (client) => readNicFacts(client));
    expect(nics.adapters.map((a) => [a.embedded, a.pciFunctions[0]?.vendorId, a.pciFunctions[0]?.deviceId])).toEqual([[true, '14e4', '1657']]);
  });

  it('kvm-d01: VFs enabled but vfio_pci not loaded, so none can go to vfio-pci', async () => {
    const inv = await inventory('kvm-d01');
    expect(inv.host.modules).toEqual({ kvm: true, vfioPci: false });
    expect(inv.pfs.map((p) => p.numVfs)).toEqual([4, 4]);
    const vf = inv.pfs[0]!.vfs[0]!.address;
    const refused = await api<ErrorEnvelope>('kvm-d01', 'PUT', `/v1/vfs/${vf}/driver`, { driver: 'vfio-pci' });
    expect(refused).toMatchObject({ status: 422, body: { error: { message: expect.stringContaining('vfio-pci module is not loaded') } } });
  });

  it('kvm-d02: the LowLatency workload profile forces Sriov off and refuses to let it change', async () => {
    const report = await bios('kvm-d02');
    expect(report.workloadProfile.current).toBe('LowLatency');
    expect(report.attributes.Sriov.current).toBe('Disabled');
    expect(report.locks.map((l) => l.attribute)).toContain('Sriov');
    expect(report.lastApply.rejected).toEqual([expect.objectContaining({ attribute: 'Sriov', messageId: expect.stringContaining('PropertyNotWritable') })]);
    const err = await onIlo('kvm-d02', (client) => setBios(client, { Sriov: 'Enabled' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedfishError);
    expect((err as RedfishError).code).toBe('locked-by-profile');
  });

  it('kvm-d03: the iLO answers, nothing listens on the agent port', async () => {
    expect((await bios('kvm-d03')).powerState).toBe('On');
    expect(await agentAnswers('kvm-d03')).toBe(false);
  });

  it('kvm-e01: SR-IOV off in the ConnectX firmware: no capability in sysfs, 0 VFs in the iLO', async () => {
    expect((await inventory('kvm-e01')).pfs.map((p) => [p.deviceId, p.driver, p.totalVfs, p.numVfs])).toEqual([
      ['1015', 'mlx5_core', 0, 0], ['1015', 'mlx5_core', 0, 0],
    ]);
    const nics = await onIlo('kvm-e01', (client) => readNicFacts(client));
    expect(nics.adapters.map((a) => [a.model, a.maxVirtualFunctions, a.functions.map((f) => f.maxVirtualFunctions)])).toEqual([['Mellanox ConnectX-4 Lx', 0, [0, 0]]]);
  });

  it('kvm-a02: the iLO links PCI devices as PCIeDevices, an array of links, and the client still knows the addresses of sysfs', async () => {
    const system = (await onIlo('kvm-a02', (client) => client.get('/redfish/v1/Systems/1/'))).body as Record<string, unknown>;
    expect(Array.isArray(system.PCIeDevices)).toBe(true);
    const nics = await onIlo('kvm-a02', (client) => readNicFacts(client));
    const addresses = nics.adapters.flatMap((a) => a.pciFunctions.map((p) => p.pciAddress));
    expect(addresses).toEqual((await inventory('kvm-a02')).pfs.map((p) => p.address));
    expect(nics.adapters).toMatchObject([{ slot: 2, sriovCapable: true }]);
  });

  it('kvm-a03 and kvm-d01: slots from BaseNetworkAdapters, matched by MAC, and an adapter only they list', async () => {
    const a03 = await onIlo('kvm-a03', (client) => readNicFacts(client));
    expect(a03.adapters).toMatchObject([{ source: 'NetworkAdapters', slot: 1, location: 'PCI-E Slot 1', serialNumber: expect.any(String), sriovCapable: true }]);
    const d01 = await onIlo('kvm-d01', (client) => readNicFacts(client));
    expect(d01.source).toBe('BaseNetworkAdapters');
    expect(d01.adapters).toMatchObject([{ source: 'BaseNetworkAdapters', name: 'HPE Ethernet 10Gb 2-port 560SFP+ Adapter', slot: 1 }]);
    const pfs = (await inventory('kvm-d01')).pfs;
    expect(d01.adapters[0]!.functions.map((f) => f.macAddress)).toHaveLength(pfs.length);
    expect(d01.adapters[0]!.pciFunctions.map((p) => p.pciAddress)).toEqual(pfs.map((p) => p.address));
  });

  it('kvm-b03: a BlueField-2 DPU the iLO calls not VEPA capable, SR-IOV capable by its 127 VFs a port, with VFs held by a VM', async () => {
    const nics = await onIlo('kvm-b03', (client) => readNicFacts(client));
    const dpu = nics.adapters.find((a) => a.slot === 4);
    expect(dpu).toMatchObject({ name: 'NVIDIA BlueField-2 25GbE 2-port SFP56 DPU', sriovCapable: true, sriovVepaCapable: false });
    expect(dpu?.functions.map((f) => [f.maxVirtualFunctions, f.virtualFunctionsEnabled])).toEqual([
      [127, true],
      [127, true],
    ]);
    const inv = await inventory('kvm-b03');
    const pfs = inv.pfs.filter((p) => p.deviceId === 'a2d6');
    expect(pfs.map((p) => [p.driver, p.totalVfs, p.numVfs])).toEqual([
      ['mlx5_core', 127, 4],
      ['mlx5_core', 127, 4],
    ]);
    expect(pfs.flatMap((p) => p.vfs).filter((vf) => vf.vm === 'smf-11')).toHaveLength(2);
  });

  it('kvm-d04: powered off, its agent refuses connections until the iLO powers it on, then VFs and VM come back', async () => {
    expect((await bios('kvm-d04')).powerState).toBe('Off');
    expect(await agentAnswers('kvm-d04')).toBe(false);
    await onIlo('kvm-d04', (client) => powerOn(client));
    await waitForAgent('kvm-d04', true);
    expect((await bios('kvm-d04')).powerState).toBe('On');
    const inv = await inventory('kvm-d04');
    expect(inv.pfs.map((p) => [p.numaNode, p.numVfs])).toEqual([
      [1, 4],
      [1, 4],
    ]);
    const held = inv.pfs.flatMap((p) => p.vfs).filter((vf) => vf.vm === 'batch-01');
    expect(held.map((vf) => vf.driver)).toEqual(['vfio-pci']);
    expect(await vms('kvm-d04')).toMatchObject([{ name: 'batch-01', state: 'running', numaNode: 1, hostdevs: [held[0]!.address] }]);
  });

  it('gives every VM of the fleet its own UUID', async () => {
    const all = (await Promise.all(fleet.members.map((m) => m.host.agent.listVms()))).flat();
    expect(all).toHaveLength(DEMO_HOSTS.reduce((n, h) => n + h.vms.length, 0));
    for (const v of all) expect(v.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(all.map((v) => v.uuid)).size).toBe(all.length);
  });
});
