// NIC facts from the iLO: adapters, slots, the VFs each function may have. iLO 5 and 6 describe
// adapters with Redfish NetworkAdapters; iLO 4 has only HPE's PCIDevices, which give slots and
// PCI ids but no VF counts. Recorded iLO 5s add three twists, all read here: PCI devices may be
// the system's standard PCIeDevices (an array of links) instead of HPE's PCIDevices collection;
// slots, and whole adapters NetworkAdapters leaves out, are only in HPE's BaseNetworkAdapters;
// and the SRIOVVEPACapable flag is false on cards whose VFs work (it is about VEPA mode).

import { linkOf, type RedfishClient } from './client';
import { IloNotFoundError } from './errors';
import { baseNetworkAdaptersLink, hexId, macKey, parseStructuredName, pciDevicesLink, pcieDevicesOf, pciIdHex } from './oem/hpe';
import { BaseNetworkAdapter, HpePciDevice, NetworkAdapter, NetworkDeviceFunction, PCIeDevice, PCIeFunction, type PartLocation } from './resources';
import { loadSystem } from './system';

/** What reading NIC facts needs of a client: GETs and collections (tests give recorded documents). */
export type RedfishReader = Pick<RedfishClient, 'url' | 'serviceRoot' | 'get' | 'getAs' | 'members'>;

export interface NicFunctionFacts {
  id: string;
  macAddress: string | null;
  /** NetworkDeviceFunction.MaxVirtualFunctions, read-only, set by the NIC's firmware. */
  maxVirtualFunctions: number | null;
  virtualFunctionsEnabled: boolean | null;
}

export interface PciFunctionFacts {
  id: string;
  name: string | null;
  structuredName: string | null;
  location: string | null;
  slot: number | null;
  embedded: boolean;
  /** Hex as lspci prints it ("8086"); the iLO reports decimals. */
  vendorId: string | null;
  deviceId: string | null;
  subsystemVendorId: string | null;
  subsystemDeviceId: string | null;
  /** "0000:12:00.0": joins the iLO's view with the host's sysfs. */
  pciAddress: string | null;
}

export type NicSource = 'NetworkAdapters' | 'BaseNetworkAdapters' | 'PCIDevices';

export interface NicAdapterFacts {
  id: string;
  /** Where the adapter was found; one in NetworkAdapters may take its slot from BaseNetworkAdapters. */
  source: NicSource;
  name: string | null;
  manufacturer: string | null;
  model: string | null;
  partNumber: string | null;
  serialNumber: string | null;
  firmwareVersion: string | null;
  location: string | null;
  slot: number | null;
  embedded: boolean;
  /**
   * From the VF counts: true when the adapter or a function may have VFs or has them enabled,
   * false when the counts are all 0, null when the iLO gives none.
   */
  sriovCapable: boolean | null;
  /** SRIOVVEPACapable as reported: whether SR-IOV works in VEPA mode, not whether it works. */
  sriovVepaCapable: boolean | null;
  /** VirtualFunction.DeviceMaxCount of the adapter, else the sum of its functions' maxima; null where the iLO reports neither. */
  maxVirtualFunctions: number | null;
  functions: NicFunctionFacts[];
  pciFunctions: PciFunctionFacts[];
}

export interface NicFacts {
  /** Where the adapters came from: Redfish NetworkAdapters, HPE's BaseNetworkAdapters only, or PCIDevices only (iLO 4). */
  source: NicSource;
  adapters: NicAdapterFacts[];
}

const NETWORK_CLASS = 2;

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  // A few requests at a time: an iLO answers slowly but is easily overwhelmed.
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function optional<T>(load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof IloNotFoundError) return null;
    throw error;
  }
}

function hex2(n: number | undefined): string {
  return (n ?? 0).toString(16).padStart(2, '0');
}

function fromHpePci(d: HpePciDevice): PciFunctionFacts {
  const place = parseStructuredName(d.structuredName);
  const hasAddress = d.bus !== undefined && d.device !== undefined && d.function !== undefined;
  return {
    id: d.id,
    name: d.name ?? null,
    structuredName: d.structuredName ?? null,
    location: d.locationString ?? null,
    slot: place?.slot ?? null,
    embedded: place?.embedded ?? false,
    vendorId: pciIdHex(d.vendorId),
    deviceId: pciIdHex(d.deviceId),
    subsystemVendorId: pciIdHex(d.subsystemVendorId),
    subsystemDeviceId: pciIdHex(d.subsystemDeviceId),
    pciAddress: hasAddress ? `${(d.segment ?? 0).toString(16).padStart(4, '0')}:${hex2(d.bus)}:${hex2(d.device)}.${(d.function ?? 0).toString(16)}` : null,
  };
}

function slotOf(location: PartLocation | undefined): { slot: number | null; embedded: boolean } {
  const slot = location?.locationType === 'Slot' ? (location.ordinal ?? null) : null;
  return { slot, embedded: slot === null && location?.locationType === 'Embedded' };
}

/** A PCIeDevice's functions: HPE's embedded device when present, else its standard PCIeFunctions (no address). */
async function readPcieDevice(client: RedfishReader, uri: string): Promise<PciFunctionFacts[]> {
  const device = await client.getAs(uri, PCIeDevice);
  if (device.hpe) return device.hpe.classCode === undefined || device.hpe.classCode === NETWORK_CLASS ? [fromHpePci(device.hpe)] : [];
  let functionUris = device.functionLinks;
  if (functionUris.length === 0 && device.functionsCollection) {
    const collection = device.functionsCollection;
    functionUris = (await optional(() => client.members(collection))) ?? [];
  }
  const functions = await mapLimited(functionUris, 4, (f) => client.getAs(f, PCIeFunction));
  const place = slotOf(device.slot);
  return functions
    .filter((f) => f.deviceClass === 'NetworkController' || (f.deviceClass === undefined && (f.classCode === undefined || /^0x02/i.test(f.classCode))))
    .map((f) => ({
      id: `${device.id}/${f.id}`,
      name: device.name ?? null,
      structuredName: null,
      location: device.slot?.serviceLabel ?? null,
      ...place,
      vendorId: hexId(f.vendorId),
      deviceId: hexId(f.deviceId),
      subsystemVendorId: hexId(f.subsystemVendorId),
      subsystemDeviceId: hexId(f.subsystemId),
      pciAddress: null,
    }));
}

async function readPciFunctions(client: RedfishReader, system: unknown): Promise<PciFunctionFacts[]> {
  const uri = pciDevicesLink(system);
  if (uri) {
    const members = await optional(() => client.members(uri));
    if (members) {
      const devices = await mapLimited(members, 4, (member) => client.getAs(member, HpePciDevice));
      return devices.filter((d) => d.classCode === undefined || d.classCode === NETWORK_CLASS).map(fromHpePci);
    }
  }
  const pcie = pcieDevicesOf(system);
  const collection = pcie.collection;
  const devices = collection ? ((await optional(() => client.members(collection))) ?? []) : pcie.devices;
  return (await mapLimited(devices, 4, (device) => readPcieDevice(client, device))).flat();
}

async function readBaseAdapters(client: RedfishReader, system: unknown): Promise<BaseNetworkAdapter[]> {
  const uri = baseNetworkAdaptersLink(system);
  if (!uri) return [];
  const members = (await optional(() => client.members(uri))) ?? [];
  return mapLimited(members, 4, (member) => client.getAs(member, BaseNetworkAdapter));
}

function sumKnown(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
}

/** SR-IOV capable by what the counts say, never by SRIOVVEPACapable. */
function sriovFromCounts(counts: readonly (number | null | undefined)[], functions: readonly NicFunctionFacts[]): boolean | null {
  const known = counts.filter((n): n is number => typeof n === 'number');
  if (functions.some((f) => f.virtualFunctionsEnabled === true) || known.some((n) => n > 0)) return true;
  return known.length > 0 ? false : null;
}

async function readAdapter(client: RedfishReader, uri: string): Promise<NicAdapterFacts> {
  const adapter = await client.getAs(uri, NetworkAdapter);
  const controller = adapter.controllers[0];
  const location = controller?.location ?? adapter.location;
  const place = slotOf(location);

  let functionUris = adapter.controllers.flatMap((c) => c.functionLinks);
  if (functionUris.length === 0 && adapter.functionsCollection) {
    const collectionUri = adapter.functionsCollection;
    functionUris = (await optional(() => client.members(collectionUri))) ?? [];
  }
  const functions = await mapLimited(functionUris, 4, async (functionUri) => {
    const f = await client.getAs(functionUri, NetworkDeviceFunction);
    return {
      id: f.id,
      macAddress: f.macAddress ?? null,
      maxVirtualFunctions: f.maxVirtualFunctions ?? null,
      virtualFunctionsEnabled: f.virtualFunctionsEnabled ?? null,
    };
  });
  const deviceMax = controller?.deviceMaxVirtualFunctions ?? null;

  return {
    id: adapter.id,
    source: 'NetworkAdapters',
    name: adapter.name ?? null,
    manufacturer: adapter.manufacturer ?? null,
    model: adapter.model ?? null,
    partNumber: adapter.partNumber ?? null,
    serialNumber: adapter.serialNumber ?? null,
    firmwareVersion: controller?.firmwareVersion ?? null,
    location: location?.serviceLabel ?? null,
    slot: place.slot,
    // Any location other than a slot is on the board; no location at all: BaseNetworkAdapters may say.
    embedded: place.slot === null && location !== undefined,
    sriovCapable: sriovFromCounts([deviceMax, controller?.portMaxVirtualFunctions, ...functions.map((f) => f.maxVirtualFunctions)], functions),
    sriovVepaCapable: controller?.sriovVepaCapable ?? null,
    maxVirtualFunctions: deviceMax ?? sumKnown(functions.map((f) => f.maxVirtualFunctions)),
    functions,
    pciFunctions: [],
  };
}

function serialKey(serial: string | null | undefined): string | null {
  const key = serial?.trim().toUpperCase();
  return key && key !== 'N/A' && key !== 'UNKNOWN' ? key : null;
}

/** The BaseNetworkAdapter describing the same card: same serial number, or a MAC address in common. */
function matchBase(adapter: NicAdapterFacts, bases: readonly BaseNetworkAdapter[], used: ReadonlySet<BaseNetworkAdapter>): BaseNetworkAdapter | undefined {
  const free = bases.filter((b) => !used.has(b));
  const serial = serialKey(adapter.serialNumber);
  const bySerial = serial ? free.find((b) => serialKey(b.serialNumber) === serial) : undefined;
  if (bySerial) return bySerial;
  const macs = new Set(adapter.functions.map((f) => macKey(f.macAddress)).filter((m): m is string => m !== null));
  return macs.size === 0 ? undefined : free.find((b) => b.macAddresses.some((m) => macs.has(macKey(m) ?? '')));
}

function basePlace(base: BaseNetworkAdapter): { slot: number | null; embedded: boolean } {
  const parsed = parseStructuredName(base.structuredName ? `${base.structuredName}.` : undefined) ?? parseStructuredName(base.location ? `.${base.location.replace(/\s+/g, '.')}.` : undefined);
  return { slot: parsed?.slot ?? null, embedded: parsed?.embedded ?? false };
}

/** Fills what NetworkAdapters left out (slot, location, serial, part number, firmware) from the matching base adapter. */
function withBase(adapter: NicAdapterFacts, base: BaseNetworkAdapter): NicAdapterFacts {
  const place = adapter.slot === null && !adapter.embedded ? basePlace(base) : { slot: adapter.slot, embedded: adapter.embedded };
  return {
    ...adapter,
    partNumber: adapter.partNumber ?? base.partNumber ?? null,
    serialNumber: adapter.serialNumber ?? base.serialNumber ?? null,
    firmwareVersion: adapter.firmwareVersion ?? base.firmwareVersion ?? null,
    location: adapter.location ?? base.location ?? null,
    ...place,
  };
}

function fromBase(base: BaseNetworkAdapter): NicAdapterFacts {
  return {
    id: base.structuredName ?? `BaseNetworkAdapters/${base.id}`,
    source: 'BaseNetworkAdapters',
    name: base.name ?? null,
    manufacturer: null,
    model: null,
    partNumber: base.partNumber ?? null,
    serialNumber: base.serialNumber ?? null,
    firmwareVersion: base.firmwareVersion ?? null,
    location: base.location ?? null,
    ...basePlace(base),
    // BaseNetworkAdapters carries no VF counts: unknown, not "no SR-IOV".
    sriovCapable: null,
    sriovVepaCapable: null,
    maxVirtualFunctions: null,
    functions: base.macAddresses.map((mac, i) => ({ id: String(i + 1), macAddress: mac, maxVirtualFunctions: null, virtualFunctionsEnabled: null })),
    pciFunctions: [],
  };
}

function withPci(adapter: NicAdapterFacts, pci: readonly PciFunctionFacts[]): NicAdapterFacts {
  const pciFunctions = pci.filter((p) => (adapter.slot !== null ? p.slot === adapter.slot : adapter.embedded && p.embedded && p.name === adapter.name));
  return { ...adapter, pciFunctions };
}

/** Adapters from PCI functions alone (iLO 4): one per slot, or per name for embedded ones. */
function adaptersFromPci(pci: readonly PciFunctionFacts[]): NicAdapterFacts[] {
  const groups = new Map<string, PciFunctionFacts[]>();
  for (const f of pci) {
    const key = f.slot !== null ? `slot:${f.slot}` : `embedded:${f.name ?? f.id}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.values()].map((functions) => {
    const first = functions[0]!;
    return {
      id: first.structuredName?.replace(/\.\d+$/, '') ?? first.id,
      source: 'PCIDevices',
      name: first.name,
      manufacturer: null,
      model: null,
      partNumber: null,
      serialNumber: null,
      firmwareVersion: null,
      location: first.location,
      slot: first.slot,
      embedded: first.embedded,
      sriovCapable: null,
      sriovVepaCapable: null,
      maxVirtualFunctions: null,
      functions: [],
      pciFunctions: functions,
    };
  });
}

export async function readNicFacts(client: RedfishReader): Promise<NicFacts> {
  const { system } = await loadSystem(client);
  const pci = await readPciFunctions(client, system);
  const bases = await readBaseAdapters(client, system);
  const root = await client.serviceRoot();
  const chassisUris = (await optional(() => client.members(linkOf(root, 'Chassis') ?? '/redfish/v1/Chassis/'))) ?? [];
  const adapterUris: string[] = [];
  for (const chassisUri of chassisUris) {
    const adaptersUri = linkOf((await client.get(chassisUri)).body, 'NetworkAdapters');
    if (!adaptersUri) continue;
    adapterUris.push(...((await optional(() => client.members(adaptersUri))) ?? []));
  }
  const redfish = await mapLimited(adapterUris, 2, (uri) => readAdapter(client, uri));
  const used = new Set<BaseNetworkAdapter>();
  const adapters = redfish.map((adapter) => {
    const base = matchBase(adapter, bases, used);
    if (!base) return adapter;
    used.add(base);
    return withBase(adapter, base);
  });
  adapters.push(...bases.filter((b) => !used.has(b)).map(fromBase));
  if (adapters.length === 0) return { source: 'PCIDevices', adapters: adaptersFromPci(pci) };
  return { source: redfish.length > 0 ? 'NetworkAdapters' : 'BaseNetworkAdapters', adapters: adapters.map((a) => withPci(a, pci)) };
}
