// NIC facts from the iLO: adapters, slots, the VFs each function may have. iLO 5 and 6 describe
// adapters with Redfish NetworkAdapters; iLO 4 has only HPE's PCIDevices, which give slots and
// PCI ids but no VF counts.

import { linkOf, type RedfishClient } from './client';
import { IloNotFoundError } from './errors';
import { parseStructuredName, pciDevicesLink, pciIdHex } from './oem/hpe';
import { HpePciDevice, NetworkAdapter, NetworkDeviceFunction } from './resources';
import { loadSystem } from './system';

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

export interface NicAdapterFacts {
  id: string;
  name: string | null;
  manufacturer: string | null;
  model: string | null;
  partNumber: string | null;
  serialNumber: string | null;
  firmwareVersion: string | null;
  location: string | null;
  slot: number | null;
  embedded: boolean;
  sriovCapable: boolean | null;
  /** VirtualFunction.DeviceMaxCount of the adapter; null where the iLO does not report it. */
  maxVirtualFunctions: number | null;
  functions: NicFunctionFacts[];
  pciFunctions: PciFunctionFacts[];
}

export interface NicFacts {
  /** Where the adapters came from: Redfish NetworkAdapters, or PCIDevices only (iLO 4). */
  source: 'NetworkAdapters' | 'PCIDevices';
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

async function readPciFunctions(client: RedfishClient, system: unknown): Promise<PciFunctionFacts[]> {
  const uri = pciDevicesLink(system);
  if (!uri) return [];
  const members = await optional(() => client.members(uri));
  if (!members) return [];
  const devices = await mapLimited(members, 4, (member) => client.getAs(member, HpePciDevice));
  return devices
    .filter((d) => d.classCode === undefined || d.classCode === NETWORK_CLASS)
    .map((d) => {
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
    });
}

async function readAdapter(client: RedfishClient, uri: string, pci: readonly PciFunctionFacts[]): Promise<NicAdapterFacts> {
  const adapter = await client.getAs(uri, NetworkAdapter);
  const controller = adapter.controllers[0];
  const location = controller?.location ?? adapter.location;
  const slot = location?.locationType === 'Slot' ? (location.ordinal ?? null) : null;
  const embedded = slot === null && location !== undefined;
  const maxVirtualFunctions = controller?.deviceMaxVirtualFunctions ?? null;

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

  return {
    id: adapter.id,
    name: adapter.name ?? null,
    manufacturer: adapter.manufacturer ?? null,
    model: adapter.model ?? null,
    partNumber: adapter.partNumber ?? null,
    serialNumber: adapter.serialNumber ?? null,
    firmwareVersion: controller?.firmwareVersion ?? null,
    location: location?.serviceLabel ?? null,
    slot,
    embedded,
    sriovCapable: controller?.sriovCapable ?? (maxVirtualFunctions === null ? null : maxVirtualFunctions > 0),
    maxVirtualFunctions,
    functions,
    pciFunctions: pci.filter((p) => (slot !== null ? p.slot === slot : embedded && p.embedded && p.name === adapter.name)),
  };
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
      maxVirtualFunctions: null,
      functions: [],
      pciFunctions: functions,
    };
  });
}

export async function readNicFacts(client: RedfishClient): Promise<NicFacts> {
  const { system } = await loadSystem(client);
  const pci = await readPciFunctions(client, system);
  const root = await client.serviceRoot();
  const chassisUris = (await optional(() => client.members(linkOf(root, 'Chassis') ?? '/redfish/v1/Chassis/'))) ?? [];
  const adapterUris: string[] = [];
  for (const chassisUri of chassisUris) {
    const adaptersUri = linkOf((await client.get(chassisUri)).body, 'NetworkAdapters');
    if (!adaptersUri) continue;
    adapterUris.push(...((await optional(() => client.members(adaptersUri))) ?? []));
  }
  if (adapterUris.length === 0) return { source: 'PCIDevices', adapters: adaptersFromPci(pci) };
  return { source: 'NetworkAdapters', adapters: await mapLimited(adapterUris, 2, (uri) => readAdapter(client, uri, pci)) };
}
