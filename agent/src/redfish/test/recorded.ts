// Redfish documents in the shapes recorded from real iLO 5s (issue 17), trimmed to what the client
// reads, and a reader that serves them the way an iLO does (case-insensitive URIs, trailing slash
// optional, 404 for anything else). Values are illustrative; the shapes are the point.

import { Headers } from 'undici';
import { IloNotFoundError } from '../errors';
import type { RedfishReader } from '../nic';
import { Collection } from '../resources';

type Json = Record<string, unknown>;

const ref = (uri: string) => ({ '@odata.id': uri });
const collection = (uri: string, members: string[]): Json => ({ '@odata.id': uri, Members: members.map(ref), 'Members@odata.count': members.length });

export function recordedReader(documents: Record<string, Json>): RedfishReader & { requested: string[] } {
  const key = (uri: string) => uri.replace(/^https?:\/\/[^/]+/i, '').replace(/\/+$/, '').toLowerCase();
  const byUri = new Map(Object.entries(documents).map(([uri, body]) => [key(uri), body]));
  const requested: string[] = [];
  const get = async (uri: string) => {
    requested.push(uri);
    const body = byUri.get(key(uri));
    if (body === undefined) throw new IloNotFoundError(`no ${uri}`, { status: 404 });
    return { status: 200, body, etag: null, messages: [], headers: new Headers() };
  };
  return {
    requested,
    url: new URL('https://192.0.2.10/'),
    serviceRoot: async () => (await get('/redfish/v1/')).body,
    get,
    getAs: async (uri, shape) => shape.parse((await get(uri)).body),
    members: async (uri) => Collection.parse((await get(uri)).body).members,
  };
}

const ROOT: Json = {
  '@odata.id': '/redfish/v1/',
  Systems: ref('/redfish/v1/Systems/'),
  Chassis: ref('/redfish/v1/Chassis/'),
  Oem: { Hpe: { Manager: [{ ManagerType: 'iLO 5', ManagerFirmwareVersion: '2.78' }] } },
};

function system(extra: Json, oemLinks: Json): Json {
  return {
    '@odata.id': '/redfish/v1/Systems/1/',
    Id: '1',
    Model: 'ProLiant DL360 Gen10 Plus',
    SerialNumber: 'CZ2D1Y0ABC',
    Bios: ref('/redfish/v1/Systems/1/Bios/'),
    Oem: { Hpe: { Links: oemLinks } },
    ...extra,
  };
}

/** HPE's device embedded in a standard PCIeDevice, as an aggregator relayed it from an iLO 5. */
function hpePci(id: string, o: { name: string; structuredName: string; location: string; bus: number; fn: number; vendor: number; device: number; classCode?: number }): Json {
  return {
    '@odata.type': '#HpeServerPciDevice.v2_0_0.HpeServerPciDevice',
    Id: id,
    Name: o.name,
    StructuredName: o.structuredName,
    LocationString: o.location,
    BusNumber: o.bus,
    DeviceNumber: 0,
    FunctionNumber: o.fn,
    SegmentNumber: 0,
    ClassCode: o.classCode ?? 2,
    SubclassCode: 0,
    VendorID: o.vendor,
    DeviceID: o.device,
    SubsystemVendorID: 5520,
    SubsystemDeviceID: 0,
  };
}

const chassisWithAdapters = (adapters: string[]): Record<string, Json> => ({
  '/redfish/v1/Chassis/': collection('/redfish/v1/Chassis/', ['/redfish/v1/Chassis/1/']),
  '/redfish/v1/Chassis/1/': { '@odata.id': '/redfish/v1/Chassis/1/', Id: '1', NetworkAdapters: ref('/redfish/v1/Chassis/1/NetworkAdapters/') },
  '/redfish/v1/Chassis/1/NetworkAdapters/': collection('/redfish/v1/Chassis/1/NetworkAdapters/', adapters),
});

/**
 * PCI devices as the ComputerSystem's standard PCIeDevices, an array of links, each device
 * carrying HPE's PCI device (bus, function, slot) as Oem.Hpe; no OEM PCIDevices link.
 */
export const PCIE_DEVICE_LINKS: Record<string, Json> = {
  '/redfish/v1/': ROOT,
  '/redfish/v1/Systems/': collection('/redfish/v1/Systems/', ['/redfish/v1/Systems/1/']),
  '/redfish/v1/Systems/1/': system(
    {
      PCIeDevices: [ref('/redfish/v1/Systems/1/PCIeDevices/1/'), ref('/redfish/v1/Systems/1/PCIeDevices/2/'), ref('/redfish/v1/Systems/1/PCIeDevices/3/')],
      'PCIeDevices@odata.count': 3,
    },
    {},
  ),
  '/redfish/v1/Systems/1/PCIeDevices/1/': {
    '@odata.type': '#PCIeDevice.v1_5_0.PCIeDevice',
    Id: '1',
    Name: 'Embedded Video Controller',
    Oem: { Hpe: hpePci('1', { name: 'Embedded Video Controller', structuredName: 'PCI.Emb.1.1', location: 'Embedded Video Controller', bus: 1, fn: 1, vendor: 4139, device: 1336, classCode: 3 }) },
  },
  '/redfish/v1/Systems/1/PCIeDevices/2/': {
    '@odata.type': '#PCIeDevice.v1_5_0.PCIeDevice',
    Id: '2',
    Name: 'HPE Ethernet 10Gb 2-port 562SFP+ Adapter',
    Oem: { Hpe: hpePci('2', { name: 'HPE Ethernet 10Gb 2-port 562SFP+ Adapter', structuredName: 'NIC.Slot.2.1', location: 'PCI-E Slot 2', bus: 0x37, fn: 0, vendor: 0x8086, device: 0x1572 }) },
  },
  '/redfish/v1/Systems/1/PCIeDevices/3/': {
    '@odata.type': '#PCIeDevice.v1_5_0.PCIeDevice',
    Id: '3',
    Name: 'HPE Ethernet 10Gb 2-port 562SFP+ Adapter',
    Oem: { Hpe: hpePci('3', { name: 'HPE Ethernet 10Gb 2-port 562SFP+ Adapter', structuredName: 'NIC.Slot.2.2', location: 'PCI-E Slot 2', bus: 0x37, fn: 1, vendor: 0x8086, device: 0x1572 }) },
  },
  ...chassisWithAdapters([]),
};

/** PCIeDevices as a link to a collection of plain Redfish devices: ids and slot from PCIeFunctions, no address. */
export const PCIE_DEVICE_COLLECTION: Record<string, Json> = {
  '/redfish/v1/': ROOT,
  '/redfish/v1/Systems/': collection('/redfish/v1/Systems/', ['/redfish/v1/Systems/1/']),
  '/redfish/v1/Systems/1/': system({ PCIeDevices: ref('/redfish/v1/Systems/1/PCIeDevices/') }, {}),
  '/redfish/v1/Systems/1/PCIeDevices/': collection('/redfish/v1/Systems/1/PCIeDevices/', ['/redfish/v1/Systems/1/PCIeDevices/DE07A000/']),
  '/redfish/v1/Systems/1/PCIeDevices/DE07A000/': {
    '@odata.type': '#PCIeDevice.v1_9_0.PCIeDevice',
    Id: 'DE07A000',
    Name: 'Intel E810-XXVDA2 Ethernet 10/25Gb 2-port SFP28 Adapter for HPE',
    Slot: { Location: { PartLocation: { ServiceLabel: 'PCI-E Slot 1', LocationType: 'Slot', LocationOrdinalValue: 1 } } },
    PCIeFunctions: ref('/redfish/v1/Systems/1/PCIeDevices/DE07A000/PCIeFunctions/'),
  },
  '/redfish/v1/Systems/1/PCIeDevices/DE07A000/PCIeFunctions/': collection('/redfish/v1/Systems/1/PCIeDevices/DE07A000/PCIeFunctions/', [
    '/redfish/v1/Systems/1/PCIeDevices/DE07A000/PCIeFunctions/0/',
    '/redfish/v1/Systems/1/PCIeDevices/DE07A000/PCIeFunctions/1/',
  ]),
  '/redfish/v1/Systems/1/PCIeDevices/DE07A000/PCIeFunctions/0/': { Id: '0', FunctionId: 0, DeviceClass: 'NetworkController', ClassCode: '0x020000', VendorId: '0x8086', DeviceId: '0x159B', SubsystemVendorId: '0x1590', SubsystemId: '0x02D4' },
  '/redfish/v1/Systems/1/PCIeDevices/DE07A000/PCIeFunctions/1/': { Id: '1', FunctionId: 1, DeviceClass: 'NetworkController', ClassCode: '0x020000', VendorId: '0x8086', DeviceId: '0x159B', SubsystemVendorId: '0x1590', SubsystemId: '0x02D4' },
  ...chassisWithAdapters([]),
};

/**
 * One adapter in NetworkAdapters with neither location nor serial number (matched to its base
 * adapter by MAC, written in another case), and an OCP card only in BaseNetworkAdapters.
 */
export const BASE_NETWORK_ADAPTERS: Record<string, Json> = {
  '/redfish/v1/': ROOT,
  '/redfish/v1/Systems/': collection('/redfish/v1/Systems/', ['/redfish/v1/Systems/1/']),
  '/redfish/v1/Systems/1/': system({}, { PCIDevices: ref('/redfish/v1/Systems/1/PCIDevices/'), NetworkAdapters: ref('/redfish/v1/Systems/1/BaseNetworkAdapters/') }),
  '/redfish/v1/Systems/1/PCIDevices/': collection('/redfish/v1/Systems/1/PCIDevices/', ['/redfish/v1/Systems/1/PCIDevices/4/', '/redfish/v1/Systems/1/PCIDevices/7/']),
  '/redfish/v1/Systems/1/PCIDevices/4/': hpePci('4', { name: 'Intel E810-XXVDA2 Ethernet 10/25Gb 2-port SFP28 Adapter for HPE', structuredName: 'NIC.Slot.1.1', location: 'PCI-E Slot 1', bus: 0x31, fn: 0, vendor: 0x8086, device: 0x159b }),
  '/redfish/v1/Systems/1/PCIDevices/7/': hpePci('7', { name: 'Intel Eth Adptr I350T4 OCPv3', structuredName: 'OCP.Slot.10.1', location: 'OCP 3.0 Slot 10', bus: 0x85, fn: 0, vendor: 0x8086, device: 0x1521 }),
  '/redfish/v1/Systems/1/BaseNetworkAdapters/': collection('/redfish/v1/Systems/1/BaseNetworkAdapters/', ['/redfish/v1/Systems/1/BaseNetworkAdapters/1/', '/redfish/v1/Systems/1/BaseNetworkAdapters/2/']),
  '/redfish/v1/Systems/1/BaseNetworkAdapters/1/': {
    '@odata.type': '#HpeBaseNetworkAdapter.v2_0_0.HpeBaseNetworkAdapter',
    Id: '1',
    Name: 'Intel E810-XXVDA2 Ethernet 10/25Gb 2-port SFP28 Adapter for HPE',
    PartNumber: 'P08443-001',
    SerialNumber: 'B49A91D2',
    StructuredName: 'NIC.Slot.1.1',
    Location: 'PCI-E Slot 1',
    Firmware: { Current: { VersionString: '4.40 0x8001b8c5 1.3415.0' } },
    PhysicalPorts: [{ MacAddress: 'b4:96:91:a0:00:10' }, { MacAddress: 'b4:96:91:a0:00:11' }],
  },
  '/redfish/v1/Systems/1/BaseNetworkAdapters/2/': {
    '@odata.type': '#HpeBaseNetworkAdapter.v2_0_0.HpeBaseNetworkAdapter',
    Id: '2',
    Name: 'Intel Eth Adptr I350T4 OCPv3',
    PartNumber: 'MM#999HCV',
    SerialNumber: '6805CAE1367C',
    StructuredName: 'OCP.Slot.10.1',
    Location: 'OCP 3.0 Slot 10',
    UEFIDevicePath: 'PciRoot(0x4)/Pci(0x4,0x0)/Pci(0x0,0x0)',
    Firmware: { Current: { VersionString: '1.2839.0' } },
    PhysicalPorts: ['7c', '7d', '7e', '7f'].map((last) => ({ MacAddress: `68:05:ca:e1:36:${last}` })),
  },
  ...chassisWithAdapters(['/redfish/v1/Chassis/1/NetworkAdapters/DE07A000/']),
  '/redfish/v1/Chassis/1/NetworkAdapters/DE07A000/': {
    '@odata.type': '#NetworkAdapter.v1_5_0.NetworkAdapter',
    Id: 'DE07A000',
    Name: 'Intel E810-XXVDA2 Ethernet 10/25Gb 2-port SFP28 Adapter for HPE',
    Manufacturer: 'Intel Corporation',
    Model: 'E810-XXVDA2',
    SerialNumber: null,
    Controllers: [
      {
        FirmwarePackageVersion: '4.40',
        ControllerCapabilities: { VirtualizationOffload: { SRIOV: { SRIOVVEPACapable: true }, VirtualFunction: { DeviceMaxCount: 256 } } },
        Links: { NetworkDeviceFunctions: [ref('/redfish/v1/Chassis/1/NetworkAdapters/DE07A000/NetworkDeviceFunctions/1/')] },
      },
    ],
  },
  '/redfish/v1/Chassis/1/NetworkAdapters/DE07A000/NetworkDeviceFunctions/1/': {
    Id: '1',
    Ethernet: { MACAddress: 'B4:96:91:A0:00:10' },
    MaxVirtualFunctions: 128,
    VirtualFunctionsEnabled: true,
  },
};

/**
 * A DPU whose functions have 127 VFs enabled while SRIOVVEPACapable says false, and a card whose
 * VEPA flag says true with no VF at all.
 */
export const DPU_VEPA_FALSE: Record<string, Json> = {
  '/redfish/v1/': ROOT,
  '/redfish/v1/Systems/': collection('/redfish/v1/Systems/', ['/redfish/v1/Systems/1/']),
  '/redfish/v1/Systems/1/': system({}, {}),
  ...chassisWithAdapters(['/redfish/v1/Chassis/1/NetworkAdapters/DE083000/', '/redfish/v1/Chassis/1/NetworkAdapters/DC070000/']),
  '/redfish/v1/Chassis/1/NetworkAdapters/DE083000/': {
    '@odata.type': '#NetworkAdapter.v1_5_0.NetworkAdapter',
    Id: 'DE083000',
    Name: 'NVIDIA BlueField-2 25GbE 2-port SFP56 DPU',
    Manufacturer: 'Mellanox Technologies',
    Model: 'BlueField-2',
    Controllers: [
      {
        Location: { PartLocation: { ServiceLabel: 'PCI-E Slot 3', LocationType: 'Slot', LocationOrdinalValue: 3 } },
        ControllerCapabilities: { VirtualizationOffload: { SRIOV: { SRIOVVEPACapable: false }, VirtualFunction: { NetworkPortMaxCount: 127 } } },
        Links: {
          NetworkDeviceFunctions: [ref('/redfish/v1/Chassis/1/NetworkAdapters/DE083000/NetworkDeviceFunctions/1/'), ref('/redfish/v1/Chassis/1/NetworkAdapters/DE083000/NetworkDeviceFunctions/2/')],
        },
      },
    ],
  },
  '/redfish/v1/Chassis/1/NetworkAdapters/DE083000/NetworkDeviceFunctions/1/': { Id: '1', Ethernet: { MACAddress: 'b8:ce:f6:00:30:00' }, MaxVirtualFunctions: 127, VirtualFunctionsEnabled: true },
  '/redfish/v1/Chassis/1/NetworkAdapters/DE083000/NetworkDeviceFunctions/2/': { Id: '2', Ethernet: { MACAddress: 'b8:ce:f6:00:30:01' }, MaxVirtualFunctions: 127, VirtualFunctionsEnabled: true },
  '/redfish/v1/Chassis/1/NetworkAdapters/DC070000/': {
    '@odata.type': '#NetworkAdapter.v1_5_0.NetworkAdapter',
    Id: 'DC070000',
    Name: 'HPE Ethernet 1Gb 4-port 331i Adapter - NIC',
    Controllers: [
      {
        Location: { PartLocation: { ServiceLabel: 'Embedded LOM', LocationType: 'Embedded' } },
        ControllerCapabilities: { VirtualizationOffload: { SRIOV: { SRIOVVEPACapable: true }, VirtualFunction: { DeviceMaxCount: 0 } } },
      },
    ],
  },
};
