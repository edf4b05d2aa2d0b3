// Plans over a matrix of host states and policies: Intel and AMD, iLO 4/5/6 (their attribute
// registries read from iLO simulators over HTTPS), workload-profile locks, staged values, assigned
// VFs, offline and never-seen agents, NIC firmware limits, and overlapping policies.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBios, withIlo, type RegistryDigest } from '@/agent/src/redfish';
import { pinnedOptions, startSim } from '@/agent/src/redfish/test/fixtures';
import type { IloSimulator } from '@/agent/src/sim/ilo/index';
import { policyDocumentSchema } from './document';
import { NO_HISTORY } from './estimates';
import { computePlan, planHost, type PlanHost, type PlanPf, type PlanPolicy } from './plan';

const sims: IloSimulator[] = [];
const registries = new Map<string, RegistryDigest>();

beforeAll(async () => {
  for (const [label, options] of [
    ['ilo5-intel', { generation: 5, cpu: 'intel' }],
    ['ilo6-amd', { generation: 6, cpu: 'amd' }],
    ['ilo4-intel', { generation: 4, cpu: 'intel' }],
  ] as const) {
    const sim = await startSim(options);
    sims.push(sim);
    registries.set(label, (await withIlo(pinnedOptions(sim), (c) => readBios(c, { includeRegistry: true }))).registry!);
  }
});
afterAll(() => Promise.all(sims.map((s) => s.close())));

const policy = (name: string, document: unknown, version = 1): PlanPolicy => ({ id: `id-${name}`, name, version, document: policyDocumentSchema.parse(document) });

function pf(overrides: Partial<PlanPf> = {}): PlanPf {
  return {
    id: 'pf-1',
    pciAddress: '0000:5d:00.0',
    vendorId: '8086',
    deviceId: '10fb',
    modelName: 'HPE Ethernet 10Gb 2-port 560SFP+ Adapter',
    netdev: 'ens1f0',
    totalVfs: 63,
    currentVfs: 0,
    firmwareMaxVfs: null,
    vfDriver: 'ixgbevf',
    vfs: [],
    ...overrides,
  };
}

const vfs = (n: number, held: Record<number, string> = {}) =>
  Array.from({ length: n }, (_, index) => ({
    index,
    pciAddress: `0000:5d:10.${index}`,
    driver: 'ixgbevf',
    trust: false,
    spoofchk: true,
    linkState: 'auto',
    maxTxRateMbps: 0,
    mac: '00:00:00:00:00:00',
    vm: held[index] ? { name: held[index]!, state: 'running' } : null,
  }));

function host(overrides: Partial<PlanHost> & { registryOf?: string } = {}): PlanHost {
  const { registryOf = 'ilo5-intel', ...rest } = overrides;
  const amd = registryOf.includes('amd');
  return {
    id: 'h1',
    name: 'kvm-a01',
    macs: {},
    model: 'ProLiant DL380 Gen10',
    generation: 'Gen10',
    cpuVendor: amd ? 'AMD' : 'Intel',
    labels: { role: 'kvm' },
    agentStatus: 'online',
    observedAt: new Date(),
    kernelCmdline: amd ? 'ro quiet amd_iommu=on iommu=pt' : 'ro quiet intel_iommu=on iommu=pt',
    vfioPciLoaded: true,
    biosValues: amd
      ? { Sriov: ['Disabled', null], ProcAmdIoVt: ['Disabled', null], AmdDmaRemapping: ['Disabled', null], ProcVirtualization: ['Enabled', null], WorkloadProfile: ['Custom', null] }
      : { Sriov: ['Disabled', null], IntelProcVtd: ['Disabled', null], ProcVirtualization: ['Enabled', null], WorkloadProfile: ['Custom', null], RomSelection: ['CurrentRom', null] },
    registry: registries.get(registryOf)!,
    pfs: [pf({ vfs: [] })],
    vms: [
      { name: 'vm-web-01', state: 'running' },
      { name: 'vm-db-01', state: 'shut off' },
    ],
    ...rest,
  };
}

const SRIOV = policy('sriov', { selector: { labels: { role: 'kvm' } }, bios: { Sriov: 'Enabled', IOMMU: 'Enabled', ProcVirtualization: 'Enabled' }, os: { iommuKernelArgs: true, vfioAtBoot: true } });
const VFS = (n: number | 'max', priority = 0, name = 'vfs') => policy(name, { selector: { nicModels: ['560SFP+'] }, priority, nics: [{ match: { nicModel: '560SFP+' }, numVfs: n }] });
const opts = { durations: NO_HISTORY };

describe('BIOS', () => {
  it('an Intel host: SR-IOV and VT-d to change, one reboot, the running VM named', () => {
    const plan = planHost(host(), [SRIOV], opts);
    expect(plan.status).toBe('changes');
    expect(plan.changes.map((c) => [c.target, c.from, c.to, c.status])).toEqual([
      ['BIOS Sriov', 'Disabled', 'Enabled', 'planned'],
      ['BIOS IntelProcVtd', 'Disabled', 'Enabled', 'planned'],
    ]);
    expect(plan.reboot).toEqual({ needed: true, why: ['Sriov Disabled → Enabled', 'IntelProcVtd Disabled → Enabled'], vmsGoingDown: ['vm-web-01'] });
  });

  it('an AMD host on iLO 6: the IOMMU is ProcAmdIoVt', () => {
    const plan = planHost(host({ registryOf: 'ilo6-amd' }), [SRIOV], opts);
    expect(plan.changes.map((c) => c.target)).toEqual(['BIOS Sriov', 'BIOS ProcAmdIoVt']);
  });

  for (const registryOf of ['ilo5-intel', 'ilo4-intel']) {
    it(`a workload profile that locks SR-IOV off refuses it, unless the policy sets Custom too (${registryOf})`, () => {
      const locked = host({ registryOf, biosValues: { Sriov: ['Disabled', null], IntelProcVtd: ['Enabled', null], ProcVirtualization: ['Enabled', null], WorkloadProfile: ['I/OThroughput', null] } });
      const refused = planHost(locked, [SRIOV], opts);
      expect(refused.status).toBe('refused');
      expect(refused.changes[0]).toMatchObject({ target: 'BIOS Sriov', status: 'refused', reason: expect.stringMatching(/^locked: WorkloadProfile is I\/OThroughput/) });
      const custom = policy('custom', { selector: { labels: { role: 'kvm' } }, bios: { WorkloadProfile: 'Custom', Sriov: 'Enabled' } });
      expect(planHost(locked, [custom], opts).changes.map((c) => [c.target, c.status])).toEqual([
        ['BIOS WorkloadProfile', 'planned'],
        ['BIOS Sriov', 'planned'],
      ]);
    });
  }

  it('an attribute this server does not have, or a read-only one, is refused with the reason', () => {
    const amdAsksVtd = policy('vtd', { selector: { names: ['*'] }, bios: { IntelProcVtd: 'Enabled' } });
    expect(planHost(host({ registryOf: 'ilo6-amd' }), [amdAsksVtd], opts).changes[0]).toMatchObject({ status: 'refused', reason: expect.stringMatching(/^this server's BIOS has no IntelProcVtd attribute/) });
    const rom = policy('rom', { selector: { names: ['*'] }, bios: { RomSelection: 'BackupRom' } });
    expect(planHost(host(), [rom], opts).changes[0]).toMatchObject({ status: 'refused', reason: 'read-only on this server' });
  });

  it('values already staged wait for the reboot: pending-reboot, nothing to send', () => {
    const staged = host({ biosValues: { Sriov: ['Disabled', 'Enabled'], IntelProcVtd: ['Disabled', 'Enabled'], ProcVirtualization: ['Enabled', null], WorkloadProfile: ['Custom', null] } });
    const plan = planHost(staged, [SRIOV], opts);
    expect(plan.status).toBe('pending-reboot');
    expect(plan.changes).toEqual([]);
    expect(plan.reboot).toMatchObject({ needed: true, why: ['staged Sriov=Enabled', 'staged IntelProcVtd=Enabled'] });
  });

  it('a host whose BIOS was never read is unknown; one whose registry was not read has its BIOS changes refused', () => {
    expect(planHost(host({ biosValues: null }), [SRIOV], opts)).toMatchObject({ status: 'unknown', unknownReason: 'its BIOS has not been read through the iLO yet' });
    expect(planHost(host({ registry: null }), [SRIOV], opts).changes[0]).toMatchObject({ status: 'refused', reason: 'the BIOS attribute registry has not been read from the iLO yet' });
  });
});

describe('the operating system', () => {
  it('adds the IOMMU kernel arguments (a reboot) and loads vfio-pci (none)', () => {
    const plan = planHost(host({ kernelCmdline: 'ro quiet', vfioPciLoaded: false, biosValues: { Sriov: ['Enabled', null], IntelProcVtd: ['Enabled', null], ProcVirtualization: ['Enabled', null] } }), [SRIOV], opts);
    expect(plan.changes.map((c) => [c.kind, c.to, c.needsReboot])).toEqual([
      ['kernel-args', '+ intel_iommu=on iommu=pt', true],
      ['vfio-at-boot', 'loaded now and at every boot', false],
    ]);
    expect(plan.reboot.needed).toBe(true);
  });

  it('with the agent offline, OS and VF changes are refused, BIOS changes (through the iLO) are not', () => {
    const plan = planHost(host({ agentStatus: 'offline', kernelCmdline: 'ro' }), [SRIOV, VFS(8)], opts);
    expect(plan.status).toBe('refused');
    expect(plan.changes.map((c) => [c.kind, c.status])).toEqual([
      ['bios', 'planned'],
      ['bios', 'planned'],
      ['kernel-args', 'refused'],
      ['vf-count', 'refused'],
    ]);
    expect(plan.changes.find((c) => c.kind === 'vf-count')!.reason).toBe('the agent is offline: VFs are changed through it');
  });

  it('a host whose agent never reported is unknown for OS and NIC settings', () => {
    expect(planHost(host({ agentStatus: 'never-seen', observedAt: null }), [VFS(8)], opts)).toMatchObject({ status: 'unknown', unknownReason: 'its agent has never reported, so its NICs are not known' });
    // Said once, whatever the policies ask that only the agent could tell.
    expect(planHost(host({ agentStatus: 'never-seen', observedAt: null }), [SRIOV, VFS(8)], opts).unknownReason).toBe('its agent has never reported, so its kernel arguments and modules, and its NICs are not known');
  });
});

describe('NICs', () => {
  it('a VF count on a PF with no VF assigned is planned without a reboot', () => {
    const plan = planHost(host(), [VFS(8)], opts);
    expect(plan.changes).toMatchObject([{ kind: 'vf-count', target: '0000:5d:00.0', from: 0, to: 8, status: 'planned', needsReboot: false }]);
    expect(plan.reboot.needed).toBe(false);
  });

  it('"max" is the most the driver and the NIC firmware allow; past the firmware’s limit is refused', () => {
    expect(planHost(host({ pfs: [pf({ firmwareMaxVfs: 16 })] }), [VFS('max')], opts).changes[0]).toMatchObject({ to: 16, status: 'planned' });
    expect(planHost(host({ pfs: [pf({ firmwareMaxVfs: 16 })] }), [VFS(32)], opts).changes[0]).toMatchObject({ status: 'refused', reason: expect.stringMatching(/NIC firmware allows 16 VFs/) });
    expect(planHost(host({ pfs: [pf({ totalVfs: 0 })] }), [VFS(4)], opts).changes[0]).toMatchObject({ status: 'refused', reason: expect.stringMatching(/no SR-IOV capability/) });
  });

  it('a VF count on a PF with assigned VFs is blocked, naming the VMs that would lose them', () => {
    const plan = planHost(host({ pfs: [pf({ currentVfs: 4, vfs: vfs(4, { 1: 'vm-web-01' }) })] }), [VFS(8)], opts);
    expect(plan.changes[0]).toMatchObject({ status: 'blocked', reason: 'VFs of 0000:5d:00.0 are assigned: VF 1 to vm-web-01; the change removes them' });
    expect(plan.vmsLosingVfs).toEqual([{ vm: 'vm-web-01', vfs: ['VF 1 of 0000:5d:00.0'] }]);
  });

  it('VF defaults and the driver apply to the VFs no VM holds, grouped', () => {
    const rule = policy('defaults', { selector: { names: ['kvm-*'] }, nics: [{ match: { pfName: 'ens1f*' }, driver: 'vfio-pci', vfDefaults: { trust: true } }] });
    const plan = planHost(host({ pfs: [pf({ currentVfs: 4, vfs: vfs(4, { 2: 'vm-web-01' }) })] }), [rule], opts);
    expect(plan.changes.map((c) => [c.kind, c.target, c.to])).toEqual([
      ['vf-driver', '0000:5d:00.0 VFs 0–1, 3', 'vfio-pci'],
      ['vf-settings', '0000:5d:00.0 VFs 0–1, 3', { trust: true }],
    ]);
    expect(plan.changes[0]!.apply).toEqual({ kind: 'bind-vf', pfId: 'pf-1', vfIndexes: [0, 1, 3], driver: 'vfio-pci' });
  });

  it('stable MACs: free VFs without their ledger MAC get one; a VF that has it, or that a VM holds, is left alone', () => {
    const rule = policy('macs', { selector: { names: ['kvm-*'] }, nics: [{ match: { pfName: 'ens1f*' }, macs: 'stable' }] });
    const four = vfs(4, { 3: 'vm-web-01' });
    four[0]!.mac = '02:aa:00:00:00:00';
    const macs = { '0000:5d:00.0/0': '02:aa:00:00:00:00', '0000:5d:00.0/1': '02:aa:00:00:00:01' };
    const plan = planHost(host({ macs, pfs: [pf({ currentVfs: 4, vfs: four })] }), [rule], opts);
    expect(plan.changes).toEqual([
      expect.objectContaining({ kind: 'vf-mac', target: '0000:5d:00.0 VFs 1–2', from: '00:00:00:00:00:00 on 2 VFs', to: "stable MACs (1 to allocate in the fleet's ledger)", status: 'planned', needsReboot: false, apply: { kind: 'set-vf-macs', pfId: 'pf-1', vfIndexes: [1, 2] } }),
    ]);
    // Every free VF with its ledger MAC: compliant.
    const done = vfs(2).map((vf, i) => ({ ...vf, mac: `02:aa:00:00:00:0${i}` }));
    expect(planHost(host({ macs, pfs: [pf({ currentVfs: 2, vfs: done })] }), [rule], opts).status).toBe('compliant');
    // New VFs after a count change have none yet; an offline agent refuses it.
    const counted = policy('count-macs', { selector: { names: ['kvm-*'] }, nics: [{ match: { pfName: 'ens1f*' }, numVfs: 2, macs: 'stable' }] });
    expect(planHost(host({ macs }), [counted], opts).changes.map((c) => [c.kind, c.to])).toEqual([
      ['vf-count', 2],
      ['vf-mac', '02:aa:00:00:00:00, 02:aa:00:00:00:01'],
    ]);
    expect(planHost(host({ macs, agentStatus: 'offline', pfs: [pf({ currentVfs: 4, vfs: four })] }), [rule], opts).changes[0]).toMatchObject({ status: 'refused', reason: 'the agent is offline: VFs are changed through it' });
    const bad = policyDocumentSchema.safeParse({ selector: { names: ['*'] }, nics: [{ match: { pfName: 'x' }, macs: 'random' }] });
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['nics.0.macs', `"stable" (each VF its own MAC from the fleet's ledger), or leave macs out`]]);
  });

  it('after a count change, the VF defaults are planned for the new VFs', () => {
    const rule = policy('both', { selector: { names: ['*'] }, nics: [{ match: { pciIds: '8086:10fb' }, numVfs: 2, vfDefaults: { spoofchk: false } }] });
    expect(planHost(host(), [rule], opts).changes.map((c) => c.target)).toEqual(['0000:5d:00.0', '0000:5d:00.0 VFs 0–1']);
  });
});

describe('overlapping policies', () => {
  it('the higher priority wins and the plan names the value it overrode', () => {
    const plan = planHost(host(), [VFS(4, 5, 'low'), VFS(8, 10, 'high')], opts);
    expect(plan.changes[0]).toMatchObject({ to: 8, policy: 'high', overridden: [{ policy: 'low', value: 4 }] });
  });

  it('the same priority asking different values refuses the setting, naming both, never choosing silently', () => {
    const plan = planHost(host(), [VFS(4, 5, 'a'), VFS(8, 5, 'b')], opts);
    expect(plan.status).toBe('refused');
    expect(plan.changes[0]).toMatchObject({ status: 'refused', reason: 'policies of the same priority 5 ask different values: a (4) and b (8)' });
  });

  it('the same value from two policies is no conflict', () => {
    expect(planHost(host(), [VFS(8, 5, 'a'), VFS(8, 5, 'b')], opts).changes[0]).toMatchObject({ status: 'planned', to: 8 });
  });
});

describe('the whole plan', () => {
  it('leaves out hosts no policy selects, and adds up hosts, reboots and VMs', () => {
    const other = host({ id: 'h2', name: 'db-01', labels: {}, pfs: [] });
    const compliant = host({ id: 'h3', name: 'kvm-a03', biosValues: { Sriov: ['Enabled', null], IntelProcVtd: ['Enabled', null], ProcVirtualization: ['Enabled', null] } });
    const plan = computePlan([host(), other, compliant], [SRIOV], opts);
    expect(plan.hosts.map((h) => h.hostName)).toEqual(['kvm-a01', 'kvm-a03']);
    expect(plan.totals).toMatchObject({ hostsMatched: 2, hostsChanged: 1, hostsCompliant: 1, reboots: 1, vmsAffected: 1, changes: 2 });
  });

  it('estimates from past operations, per server model for resets; without history it says so', () => {
    const durations = { byKind: { 'set-bios': 4, 'reset-host': 300, 'set-vf-count': 2 }, byModel: { 'reset-host': { 'ProLiant DL380 Gen10': 240 } } };
    expect(planHost(host(), [SRIOV, VFS(8)], { durations }).estimatedSeconds).toBe(4 + 240 + 2);
    const none = planHost(host(), [SRIOV], opts);
    expect(none.estimatedSeconds).toBeNull();
    expect(none.estimateNote).toBe('no past set-bios, reset-host operation to go by');
  });
});
