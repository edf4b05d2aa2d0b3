import { describe, expect, it } from 'vitest';
import { readNicFacts } from './nic';
import { BASE_NETWORK_ADAPTERS, DPU_VEPA_FALSE, PCIE_DEVICE_COLLECTION, PCIE_DEVICE_LINKS, recordedReader } from './test/recorded';

// readNicFacts on documents in the shapes recorded from real iLO 5s (test/recorded.ts).
describe('NIC facts from recorded iLO 5 shapes', () => {
  it('reads PCI functions and addresses from the system PCIeDevices given as an array of links', async () => {
    const facts = await readNicFacts(recordedReader(PCIE_DEVICE_LINKS));
    expect(facts.source).toBe('PCIDevices');
    expect(facts.adapters).toHaveLength(1);
    const [x710] = facts.adapters;
    expect(x710).toMatchObject({ id: 'NIC.Slot.2', source: 'PCIDevices', slot: 2, embedded: false, location: 'PCI-E Slot 2' });
    // The video controller (class 3) is not a NIC.
    expect(x710?.pciFunctions.map((p) => [p.pciAddress, p.vendorId, p.deviceId, p.structuredName])).toEqual([
      ['0000:37:00.0', '8086', '1572', 'NIC.Slot.2.1'],
      ['0000:37:00.1', '8086', '1572', 'NIC.Slot.2.2'],
    ]);
  });

  it('reads PCIeDevices given as a collection of plain Redfish devices, with ids and slot from their functions', async () => {
    const facts = await readNicFacts(recordedReader(PCIE_DEVICE_COLLECTION));
    expect(facts.adapters.map((a) => a.pciFunctions.map((p) => [p.id, p.slot, p.vendorId, p.deviceId, p.subsystemDeviceId, p.pciAddress]))).toEqual([
      [
        ['DE07A000/0', 1, '8086', '159b', '02d4', null],
        ['DE07A000/1', 1, '8086', '159b', '02d4', null],
      ],
    ]);
  });

  it('takes slot, serial and part number from BaseNetworkAdapters, matched by MAC, and adds adapters only it lists', async () => {
    const reader = recordedReader(BASE_NETWORK_ADAPTERS);
    const facts = await readNicFacts(reader);
    expect(facts.source).toBe('NetworkAdapters');
    const [e810, ocp] = facts.adapters;
    expect(e810).toMatchObject({
      id: 'DE07A000', source: 'NetworkAdapters', slot: 1, embedded: false, location: 'PCI-E Slot 1',
      serialNumber: 'B49A91D2', partNumber: 'P08443-001', firmwareVersion: '4.40', sriovCapable: true, maxVirtualFunctions: 256,
    });
    expect(e810?.pciFunctions.map((p) => p.pciAddress)).toEqual(['0000:31:00.0']);
    expect(ocp).toMatchObject({
      id: 'OCP.Slot.10.1', source: 'BaseNetworkAdapters', name: 'Intel Eth Adptr I350T4 OCPv3', slot: 10, location: 'OCP 3.0 Slot 10',
      serialNumber: '6805CAE1367C', firmwareVersion: '1.2839.0', sriovCapable: null, maxVirtualFunctions: null,
    });
    expect(ocp?.functions.map((f) => f.macAddress)).toEqual(['68:05:ca:e1:36:7c', '68:05:ca:e1:36:7d', '68:05:ca:e1:36:7e', '68:05:ca:e1:36:7f']);
    expect(ocp?.pciFunctions.map((p) => [p.pciAddress, p.deviceId])).toEqual([['0000:85:00.0', '1521']]);
    expect(reader.requested.some((uri) => /BaseNetworkAdapters\/2/i.test(uri))).toBe(true);
  });

  it('judges SR-IOV by the VF counts, not by SRIOVVEPACapable', async () => {
    const facts = await readNicFacts(recordedReader(DPU_VEPA_FALSE));
    const [dpu, lom] = facts.adapters;
    expect(dpu).toMatchObject({ model: 'BlueField-2', slot: 3, sriovCapable: true, sriovVepaCapable: false, maxVirtualFunctions: 254 });
    expect(dpu?.functions.map((f) => [f.maxVirtualFunctions, f.virtualFunctionsEnabled])).toEqual([
      [127, true],
      [127, true],
    ]);
    expect(lom).toMatchObject({ embedded: true, sriovCapable: false, sriovVepaCapable: true, maxVirtualFunctions: 0 });
  });
});
