// The client against the iLO simulator over HTTPS with a pinned certificate, for iLO 4, 5 and 6:
// the "Done when" of the BIOS issue.

import { afterEach, describe, expect, it } from 'vitest';
import { gen10IntelNics, type IloSimulator, type SimBootEvent } from '../sim/ilo/index';
import { BiosChangeError, BiosLockedError, IloRefusedError, powerOn, readBios, readNicFacts, readPower, resetServer, setBios, withIlo } from './index';
import { pinnedOptions, startSim } from './test/fixtures';

const EXPECTED = {
  4: { model: 'ProLiant DL360 Gen9', firmware: '2.80', biosVersion: 'P89 v2.90 (04/30/2021)' },
  5: { model: 'ProLiant DL380 Gen10', firmware: '2.72', biosVersion: 'U30 v2.68 (07/14/2022)' },
  6: { model: 'ProLiant DL380 Gen11', firmware: '1.55', biosVersion: 'U54 v1.48 (09/28/2023)' },
} as const;

describe.each([4, 5, 6] as const)('BIOS through iLO %i', (generation) => {
  let sim: IloSimulator | undefined;

  afterEach(async () => {
    // Every test leaves the iLO without an open session, whatever it did.
    expect(sim?.openSessions()).toBe(0);
    await sim?.close();
    sim = undefined;
  });

  it('reads identity and the virtualization settings', async () => {
    sim = await startSim({ generation, serialNumber: 'MXQ91100AB' });
    const report = await withIlo(pinnedOptions(sim), (c) => readBios(c));
    expect(report.iloGeneration).toBe(generation);
    expect(report.iloFirmware).toBe(EXPECTED[generation].firmware);
    expect(report.model).toBe(EXPECTED[generation].model);
    expect(report.serialNumber).toBe('MXQ91100AB');
    expect(report.biosVersion).toBe(EXPECTED[generation].biosVersion);
    expect(report.powerState).toBe('On');
    expect(report.cpuVendor).toBe('intel');
    expect(report.attributes.Sriov).toEqual({ current: 'Disabled', pending: null });
    expect(report.attributes.IntelProcVtd).toEqual({ current: 'Disabled', pending: null });
    expect(report.attributes.ProcVirtualization).toEqual({ current: 'Enabled', pending: null });
    expect(report.attributes.ProcAmdIoVt).toEqual({ current: null, pending: null });
    expect(report.workloadProfile).toEqual({ current: 'GeneralPowerEfficientCompute', pending: null });
    expect(report.resetPending).toBe(false);
  });

  it('changes Sriov and IntelProcVtd: pending until the reset, current after it', async () => {
    const boots: SimBootEvent[] = [];
    sim = await startSim({ generation, onReset: (event) => void boots.push(event) });
    const options = pinnedOptions(sim);

    const result = await withIlo(options, (c) => setBios(c, { Sriov: 'Enabled', IntelProcVtd: 'Enabled' }));
    expect(result.sent).toEqual({ Sriov: 'Enabled', IntelProcVtd: 'Enabled' });
    expect(result.resetRequired).toBe(true);
    expect(result.registryChecked).toBe(true);
    expect(result.messages.map((m) => m.key)).toContain('SystemResetRequired');

    const pending = await withIlo(options, (c) => readBios(c));
    expect(pending.attributes.Sriov).toEqual({ current: 'Disabled', pending: 'Enabled' });
    expect(pending.attributes.IntelProcVtd).toEqual({ current: 'Disabled', pending: 'Enabled' });
    expect(pending.resetPending).toBe(true);
    expect(sim.machine.current.Sriov).toBe('Disabled');

    const reset = await withIlo(options, (c) => resetServer(c, 'GracefulRestart'));
    // iLO 4 has no GracefulRestart: the client falls back to what it offers.
    expect(reset.resetType).toBe(generation === 4 ? 'ForceRestart' : 'GracefulRestart');

    const after = await withIlo(options, (c) => readBios(c));
    expect(after.attributes.Sriov).toEqual({ current: 'Enabled', pending: null });
    expect(after.attributes.IntelProcVtd).toEqual({ current: 'Enabled', pending: null });
    expect(after.resetPending).toBe(false);
    expect(after.lastApply.rejected).toEqual([]);

    // The wrong (other generation's) shape was never sent: the iLO would have ignored it.
    expect(sim.machine.stats.ignoredBiosPatches).toBe(0);
    await expect.poll(() => boots.length).toBe(1);
    expect(boots[0]).toMatchObject({ sriov: true, iommu: true, virtualization: true });
  });

  it('does not send values that are already in place', async () => {
    sim = await startSim({ generation, bios: { Sriov: 'Enabled' } });
    const result = await withIlo(pinnedOptions(sim), (c) => setBios(c, { Sriov: 'Enabled' }));
    expect(result).toMatchObject({ sent: {}, unchanged: ['Sriov'], resetRequired: false });
    expect(sim.machine.stats.acceptedBiosPatches).toBe(0);
  });

  it('refuses clearly when a workload profile locks Sriov, and sends nothing', async () => {
    sim = await startSim({ generation, bios: { WorkloadProfile: 'I/OThroughput' } });
    const error = await withIlo(pinnedOptions(sim), (c) => setBios(c, { Sriov: 'Enabled' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BiosLockedError);
    const locked = error as BiosLockedError;
    expect(locked.code).toBe('locked-by-profile');
    expect(locked.message).toBe(
      'Sriov cannot be set to Enabled: WorkloadProfile is I/OThroughput, which forces it to Disabled and makes it read-only. ' +
        'Set WorkloadProfile=Custom first (it can be part of the same change).',
    );
    expect(locked.locks).toEqual([{ attribute: 'Sriov', forcedValue: 'Disabled', lockedBy: [{ attribute: 'WorkloadProfile', value: 'I/OThroughput' }] }]);
    expect(sim.machine.stats.acceptedBiosPatches).toBe(0);

    const report = await withIlo(pinnedOptions(sim), (c) => readBios(c, { useRegistry: true }));
    expect(report.locks.map((l) => l.attribute)).toEqual(['Sriov']);
  });

  it('unlocks by switching the profile to Custom in the same change', async () => {
    sim = await startSim({ generation, bios: { WorkloadProfile: 'I/OThroughput' } });
    const options = pinnedOptions(sim);
    await withIlo(options, (c) => setBios(c, { WorkloadProfile: 'Custom', Sriov: 'Enabled' }));
    await withIlo(options, (c) => resetServer(c, 'ForceRestart'));
    const report = await withIlo(options, (c) => readBios(c));
    expect(report.workloadProfile.current).toBe('Custom');
    expect(report.attributes.Sriov.current).toBe('Enabled');
  });

  it('skips an attribute a Virtualization profile already forces to the requested value', async () => {
    sim = await startSim({ generation, bios: { WorkloadProfile: 'Virtualization-MaxPerformance' } });
    const result = await withIlo(pinnedOptions(sim), (c) => setBios(c, { Sriov: 'Enabled' }));
    expect(result.alreadyForced).toEqual(['Sriov']);
    expect(result.sent).toEqual({});
  });

  it('rejects unknown attributes and values before sending anything', async () => {
    sim = await startSim({ generation });
    const options = pinnedOptions(sim);
    const unknown = await withIlo(options, (c) => setBios(c, { sriov: 'Enabled', ProcAmdIoVt: 'Enabled' })).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(BiosChangeError);
    expect((unknown as BiosChangeError).problems).toEqual([
      { attribute: 'sriov', problem: 'unknown attribute (names are case-sensitive: did you mean Sriov?)' },
      { attribute: 'ProcAmdIoVt', problem: 'unknown attribute' },
    ]);
    const badValue = await withIlo(options, (c) => setBios(c, { Sriov: 'On' })).catch((e: unknown) => e);
    expect((badValue as BiosChangeError).problems).toEqual([{ attribute: 'Sriov', problem: '"On" is not one of Enabled, Disabled' }]);
    expect(sim.machine.stats.acceptedBiosPatches).toBe(0);
  });

  it('sends integers as JSON numbers, which the BIOS applies; the string it would refuse at the reset', async () => {
    sim = await startSim({ generation });
    const options = pinnedOptions(sim);
    const result = await withIlo(options, (c) => setBios(c, { PatrolScrubDuration: '12' }));
    expect(result.sent).toEqual({ PatrolScrubDuration: 12 });
    expect(sim.machine.pending).toEqual({ PatrolScrubDuration: 12 });
    await withIlo(options, (c) => resetServer(c, 'ForceRestart'));
    const after = await withIlo(options, (c) => readBios(c));
    expect(after.values.PatrolScrubDuration).toEqual([12, null]);
    expect(after.lastApply.rejected).toEqual([]);

    // What the client sent before: the iLO takes the string with 200, the BIOS refuses it at boot.
    sim.machine.recordPending({ PatrolScrubDuration: '6' });
    await withIlo(options, (c) => resetServer(c, 'ForceRestart'));
    const refused = await withIlo(options, (c) => readBios(c));
    expect(refused.values.PatrolScrubDuration).toEqual([12, null]);
    expect(refused.lastApply.rejected).toEqual([expect.objectContaining({ attribute: 'PatrolScrubDuration', messageId: expect.stringContaining('PropertyValueTypeError') })]);
  });

  it('refuses integers out of the registry bounds, and attributes the registry has but this server does not', async () => {
    sim = await startSim({ generation });
    const options = pinnedOptions(sim);
    const bounds = await withIlo(options, (c) => setBios(c, { PatrolScrubDuration: '25', Sriov: 'Enabled' })).catch((e: unknown) => e);
    expect((bounds as BiosChangeError).problems).toEqual([{ attribute: 'PatrolScrubDuration', problem: '25 is above the highest allowed value, 24' }]);
    const notInteger = await withIlo(options, (c) => setBios(c, { PatrolScrubDuration: 'twelve' })).catch((e: unknown) => e);
    expect((notInteger as BiosChangeError).problems).toEqual([{ attribute: 'PatrolScrubDuration', problem: '"twelve" is not an integer' }]);
    const absent = await withIlo(options, (c) => setBios(c, { Slot8NicBoot1: 'NetworkBoot' })).catch((e: unknown) => e);
    expect(absent).toBeInstanceOf(BiosChangeError);
    expect((absent as BiosChangeError).problems).toEqual([
      { attribute: 'Slot8NicBoot1', problem: `in the BIOS attribute registry ${sim.machine.registryName} but not among this server's BIOS attributes` },
    ]);
    expect(sim.machine.stats.acceptedBiosPatches).toBe(0);
  });

  it('types values by the current ones when the iLO serves no registry', async () => {
    sim = await startSim({ generation, attributeRegistry: false });
    const options = pinnedOptions(sim);
    const result = await withIlo(options, (c) => setBios(c, { PatrolScrubDuration: '8' }));
    expect(result).toMatchObject({ sent: { PatrolScrubDuration: 8 }, registryChecked: false });
    const refused = await withIlo(options, (c) => setBios(c, { PatrolScrubDuration: 'often', Slot8NicBoot1: 'NetworkBoot' })).catch((e: unknown) => e);
    expect((refused as BiosChangeError).problems).toEqual([
      { attribute: 'PatrolScrubDuration', problem: '"often" is not an integer' },
      { attribute: 'Slot8NicBoot1', problem: 'unknown attribute' },
    ]);
  });

  it('shows values the BIOS rejected at the last reset instead of losing them', async () => {
    sim = await startSim({ generation });
    // Another tool left an invalid value pending; the iLO accepted it, as it does.
    sim.machine.recordPending({ Sriov: 'Bogus' });
    const options = pinnedOptions(sim);
    const before = await withIlo(options, (c) => readBios(c));
    expect(before.attributes.Sriov).toEqual({ current: 'Disabled', pending: 'Bogus' });
    await withIlo(options, (c) => resetServer(c, 'ForceRestart'));
    const after = await withIlo(options, (c) => readBios(c));
    expect(after.attributes.Sriov).toEqual({ current: 'Disabled', pending: null });
    expect(after.lastApply.rejected).toEqual([
      { attribute: 'Sriov', messageId: expect.stringMatching(/^Base\.[\d.]+\.PropertyValueNotInList$/), reason: expect.stringContaining('Bogus is not an allowed value of Sriov') },
    ]);
  });

  it('retries through bursts of 503 busy answers', async () => {
    sim = await startSim({ generation });
    const statuses: (number | null)[] = [];
    const options = pinnedOptions(sim, { onRequest: (e) => statuses.push(e.status) });
    sim.injectBusy({ requests: 3, messageId: 'ServiceTemporarilyUnavailable' });
    await withIlo(options, async (c) => {
      sim!.injectBusy({ requests: 2, messageId: 'ResourceNotReadyRetry' });
      await setBios(c, { Sriov: 'Enabled' });
      sim!.injectBusy({ requests: 3 });
      expect((await readBios(c)).attributes.Sriov.pending).toBe('Enabled');
    });
    expect(statuses.filter((s) => s === 503)).toHaveLength(8);
  });

  it.skipIf(generation === 4)('sends If-Match and starts over when the settings changed in between (412)', async () => {
    sim = await startSim({ generation });
    const machine = sim.machine;
    const seen: (number | null)[] = [];
    const options = pinnedOptions(sim, {
      onRequest: (event) => {
        seen.push(event.status);
        // Another client writes a pending value while ours is reading the registry.
        if (event.path.toLowerCase().includes('registrystore') && seen.filter((s) => s === 412).length === 0 && !('BootMode' in machine.pending)) {
          machine.recordPending({ BootMode: 'LegacyBios' });
        }
      },
    });
    const result = await withIlo(options, (c) => setBios(c, { Sriov: 'Enabled' }));
    expect(seen).toContain(412);
    expect(result.sent).toEqual({ Sriov: 'Enabled' });
    expect(machine.pending).toEqual({ BootMode: 'LegacyBios', Sriov: 'Enabled' });
  });

  it('refuses to restart a powered-off server with the iLO reason, and powers it on', async () => {
    sim = await startSim({ generation, powerState: 'Off' });
    const options = pinnedOptions(sim);
    await withIlo(options, (c) => setBios(c, { Sriov: 'Enabled' }));
    const error = await withIlo(options, (c) => resetServer(c, 'ForceRestart')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IloRefusedError);
    expect((error as IloRefusedError).status).toBe(400);
    expect((error as IloRefusedError).message).toMatch(/refused ForceRestart: .*not possible in the current power state.*InvalidOperationForSystemState.*Power the server on instead/);
    await withIlo(options, (c) => powerOn(c));
    const after = await withIlo(options, async (c) => ({ bios: await readBios(c), power: await readPower(c) }));
    expect(after.power.powerState).toBe('On');
    expect(after.bios.attributes.Sriov.current).toBe('Enabled');
  });
});

describe('BIOS on an AMD server', () => {
  it('uses ProcAmdIoVt for the IOMMU and knows IntelProcVtd does not exist there', async () => {
    const sim = await startSim({ generation: 5, cpu: 'amd', model: 'ProLiant DL385 Gen10 Plus v2' });
    try {
      const options = pinnedOptions(sim);
      const report = await withIlo(options, (c) => readBios(c));
      expect(report.cpuVendor).toBe('amd');
      expect(report.attributes.IntelProcVtd.current).toBeNull();
      expect(report.attributes.ProcAmdIoVt.current).toBe('Disabled');
      await expect(withIlo(options, (c) => setBios(c, { IntelProcVtd: 'Enabled' }))).rejects.toThrow('IntelProcVtd: unknown attribute');
      await withIlo(options, (c) => setBios(c, { Sriov: 'Enabled', ProcAmdIoVt: 'Enabled' }));
      expect(sim.machine.pending).toEqual({ Sriov: 'Enabled', ProcAmdIoVt: 'Enabled' });
      expect(sim.openSessions()).toBe(0);
    } finally {
      await sim.close();
    }
  });
});

describe('BIOS without an attribute registry', () => {
  it('still refuses unknown names and known profile locks', async () => {
    const sim = await startSim({ generation: 5, attributeRegistry: false, bios: { WorkloadProfile: 'LowLatency' } });
    try {
      const options = pinnedOptions(sim);
      await expect(withIlo(options, (c) => setBios(c, { NoSuchThing: 'Enabled' }))).rejects.toBeInstanceOf(BiosChangeError);
      await expect(withIlo(options, (c) => setBios(c, { Sriov: 'Enabled' }))).rejects.toBeInstanceOf(BiosLockedError);
      const result = await withIlo(options, (c) => setBios(c, { WorkloadProfile: 'Custom', Sriov: 'Enabled' }));
      expect(result.registryChecked).toBe(false);
      expect(sim.machine.pending).toEqual({ WorkloadProfile: 'Custom', Sriov: 'Enabled' });
      expect(sim.openSessions()).toBe(0);
    } finally {
      await sim.close();
    }
  });
});

describe('NIC facts from the iLO', () => {
  it('reads adapters, slots and max VFs field by field on iLO 5', async () => {
    const sim = await startSim({ generation: 5, bios: { Sriov: 'Enabled' } });
    try {
      const facts = await withIlo(pinnedOptions(sim), (c) => readNicFacts(c));
      expect(facts.source).toBe('NetworkAdapters');
      expect(facts.adapters.map((a) => a.id)).toEqual(['DC080000', 'DE081000', 'DC070000']);
      const [x710, cx4, lom] = facts.adapters;
      expect(x710).toEqual({
        id: 'DC080000',
        source: 'NetworkAdapters',
        name: 'HPE Ethernet 10Gb 2-port 562SFP+ Adapter',
        manufacturer: 'Intel Corporation',
        model: 'X710',
        partNumber: '727054-B21',
        serialNumber: '7CE10Q1A',
        firmwareVersion: '10.51.5',
        location: 'PCI-E Slot 1',
        slot: 1,
        embedded: false,
        sriovCapable: true,
        sriovVepaCapable: true,
        maxVirtualFunctions: 128,
        functions: [
          { id: '1', macAddress: '14:02:ec:00:11:00', maxVirtualFunctions: 64, virtualFunctionsEnabled: true },
          { id: '2', macAddress: '14:02:ec:00:11:01', maxVirtualFunctions: 64, virtualFunctionsEnabled: true },
        ],
        pciFunctions: [
          {
            id: '5', name: 'HPE Ethernet 10Gb 2-port 562SFP+ Adapter', structuredName: 'NIC.Slot.1.1', location: 'PCI-E Slot 1',
            slot: 1, embedded: false, vendorId: '8086', deviceId: '1572', subsystemVendorId: '1590', subsystemDeviceId: '0000', pciAddress: '0000:12:00.0',
          },
          {
            id: '6', name: 'HPE Ethernet 10Gb 2-port 562SFP+ Adapter', structuredName: 'NIC.Slot.1.2', location: 'PCI-E Slot 1',
            slot: 1, embedded: false, vendorId: '8086', deviceId: '1572', subsystemVendorId: '1590', subsystemDeviceId: '0000', pciAddress: '0000:12:00.1',
          },
        ],
      });
      expect(cx4).toMatchObject({ model: 'ConnectX-4 Lx', slot: 2, maxVirtualFunctions: 16, sriovCapable: true });
      expect(cx4?.functions.map((f) => f.maxVirtualFunctions)).toEqual([8, 8]);
      expect(cx4?.pciFunctions.map((p) => `${p.vendorId}:${p.deviceId}@${p.pciAddress}`)).toEqual(['15b3:1015@0000:5c:00.0', '15b3:1015@0000:5c:00.1']);
      expect(lom).toMatchObject({ location: 'Embedded LOM', slot: null, embedded: true, sriovCapable: false, maxVirtualFunctions: 0 });
      expect(lom?.pciFunctions).toHaveLength(4);
      expect(lom?.functions.every((f) => f.maxVirtualFunctions === 0 && f.virtualFunctionsEnabled === false)).toBe(true);
      expect(sim.openSessions()).toBe(0);
    } finally {
      await sim.close();
    }
  });

  it('reads the same facts from each recorded iLO 5 layout of PCI devices and adapters', async () => {
    const plain = await startSim({ generation: 5, bios: { Sriov: 'Enabled' } });
    const layouts = await Promise.all(
      ([{ pciDevices: 'pcie-links' }, { pciDevices: 'pcie-collection' }, { networkAdapterLocations: false, networkAdapterSerials: false }] as const).map((redfishShape) =>
        startSim({ generation: 5, bios: { Sriov: 'Enabled' }, redfishShape }),
      ),
    );
    try {
      const expected = await withIlo(pinnedOptions(plain), (c) => readNicFacts(c));
      expect(expected.adapters.flatMap((a) => a.pciFunctions.map((p) => p.pciAddress))).toHaveLength(8);
      for (const sim of layouts) {
        const system = (await withIlo(pinnedOptions(sim), (c) => c.get('/redfish/v1/Systems/1/'))).body as Record<string, unknown>;
        if (sim.machine.redfishShape.pciDevices === 'pcie-links') expect(Array.isArray(system.PCIeDevices)).toBe(true);
        expect(await withIlo(pinnedOptions(sim), (c) => readNicFacts(c))).toEqual(expected);
        expect(sim.openSessions()).toBe(0);
      }
    } finally {
      await Promise.all([plain, ...layouts].map((s) => s.close()));
    }
  });

  it('adds an adapter only BaseNetworkAdapters lists, and calls a DPU with VEPA false but VFs SR-IOV capable', async () => {
    const nics = gen10IntelNics(3).map((nic) => (nic.id === 'DE081000' ? { ...nic, vepaCapable: false } : nic.id === 'DC080000' ? { ...nic, onlyInBaseNetworkAdapters: true } : nic));
    const sim = await startSim({ generation: 5, bios: { Sriov: 'Enabled' }, nics });
    try {
      const facts = await withIlo(pinnedOptions(sim), (c) => readNicFacts(c));
      expect(facts.adapters.map((a) => [a.id, a.source, a.slot, a.sriovCapable, a.sriovVepaCapable])).toEqual([
        ['DE081000', 'NetworkAdapters', 2, true, false],
        ['DC070000', 'NetworkAdapters', null, false, false],
        ['NIC.Slot.1.1', 'BaseNetworkAdapters', 1, null, null],
      ]);
      const x710 = facts.adapters[2]!;
      expect(x710).toMatchObject({ name: 'HPE Ethernet 10Gb 2-port 562SFP+ Adapter', serialNumber: '7CE30Q1A', partNumber: '727054-B21', location: 'PCI-E Slot 1' });
      expect(x710.functions.map((f) => f.macAddress)).toEqual(nics[0]!.ports.map((p) => p.macAddress));
      expect(x710.pciFunctions.map((p) => p.pciAddress)).toEqual(['0000:12:00.0', '0000:12:00.1']);
    } finally {
      await sim.close();
    }
  });

  it('reads the same facts when the iLO pages its collections', async () => {
    const whole = await startSim({ generation: 5 });
    const paged = await startSim({ generation: 5, collectionPageSize: 2 });
    try {
      const seen: string[] = [];
      const [a, b] = await Promise.all([
        withIlo(pinnedOptions(whole), (c) => readNicFacts(c)),
        withIlo(pinnedOptions(paged, { onRequest: (e) => seen.push(e.path) }), (c) => readNicFacts(c)),
      ]);
      expect(b).toEqual(a);
      expect(b.adapters.flatMap((x) => x.pciFunctions)).toHaveLength(8);
      expect(seen.filter((p) => p.toLowerCase().endsWith('/pcidevices/'))).toHaveLength(4);
    } finally {
      await Promise.all([whole.close(), paged.close()]);
    }
  });

  it('reports VFs as not enabled while BIOS SR-IOV is off (iLO 6)', async () => {
    const sim = await startSim({ generation: 6 });
    try {
      const facts = await withIlo(pinnedOptions(sim), (c) => readNicFacts(c));
      const e810 = facts.adapters[0];
      expect(e810).toMatchObject({ model: 'E810-XXVDA2', slot: 1, maxVirtualFunctions: 256 });
      expect(e810?.functions).toEqual([
        { id: '1', macAddress: '14:02:ec:00:11:00', maxVirtualFunctions: 128, virtualFunctionsEnabled: false },
        { id: '2', macAddress: '14:02:ec:00:11:01', maxVirtualFunctions: 128, virtualFunctionsEnabled: false },
      ]);
      expect(facts.adapters[1]).toMatchObject({ slot: 14, location: 'PCI-E Slot 14', maxVirtualFunctions: 256 });
    } finally {
      await sim.close();
    }
  });

  it('falls back to PCI devices on iLO 4, without VF counts', async () => {
    const sim = await startSim({ generation: 4 });
    try {
      const facts = await withIlo(pinnedOptions(sim), (c) => readNicFacts(c));
      expect(facts.source).toBe('PCIDevices');
      expect(facts.adapters.map((a) => [a.name, a.location, a.slot, a.embedded, a.maxVirtualFunctions, a.pciFunctions.length])).toEqual([
        ['HP Ethernet 1Gb 4-port 366FLR Adapter', 'Embedded LOM', null, true, null, 4],
        ['HPE Ethernet 10Gb 2-port 560SFP+ Adapter', 'PCI-E Slot 1', 1, false, null, 2],
      ]);
      expect(facts.adapters[1]?.pciFunctions.map((p) => [p.vendorId, p.deviceId, p.pciAddress])).toEqual([
        ['8086', '10fb', '0000:04:00.0'],
        ['8086', '10fb', '0000:04:00.1'],
      ]);
      expect(sim.openSessions()).toBe(0);
    } finally {
      await sim.close();
    }
  });
});
